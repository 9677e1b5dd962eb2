"""Vectorised 2-D cross-correlation, its gradients and the transposed convolution.

Arrays are C×H×W (a single matrix is one channel) and a kernel spans all C channels, so
each operation produces or consumes one output channel, as in the exam exercises.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

Pair = tuple[int, int]


def as_channels(array: np.ndarray) -> np.ndarray:
    return array[None] if array.ndim == 2 else array


def pad_zeros(x: np.ndarray, padding: Pair) -> np.ndarray:
    ph, pw = padding
    if ph == 0 and pw == 0:
        return x
    channels, height, width = x.shape
    padded = np.zeros((channels, height + 2 * ph, width + 2 * pw), dtype=x.dtype)
    padded[:, ph: ph + height, pw: pw + width] = x
    return padded


def windows(padded: np.ndarray, kernel_shape: Pair, stride: Pair, out_shape: Pair) -> np.ndarray:
    """View C×H'×W'×kh×kw of the patches each output entry sees."""
    view = sliding_window_view(padded, kernel_shape, axis=(1, 2))
    return view[:, :: stride[0], :: stride[1]][:, : out_shape[0], : out_shape[1]]


def correlate(x: np.ndarray, kernel: np.ndarray, stride: Pair, padding: Pair, out_shape: Pair) -> np.ndarray:
    """Σ_c Σ_ab xpad[c, i·s+a, j·s+b]·k[c,a,b]: cross-correlation summed over channels."""
    patches = windows(pad_zeros(x, padding), kernel.shape[1:], stride, out_shape)
    return np.einsum("cijab,cab->ij", patches, kernel)


def stamp(values: np.ndarray, kernel: np.ndarray, stride: Pair, out_shape: Pair) -> np.ndarray:
    """Σ over (i,j) of values[i,j]·kernel placed at (i·s, j·s): the scatter both dL/dX and the
    transposed convolution are made of; `out_shape` may exceed the stamped area (zeros)."""
    channels, kh, kw = kernel.shape
    dtype = np.result_type(values, kernel)
    full_h = (values.shape[0] - 1) * stride[0] + kh
    full_w = (values.shape[1] - 1) * stride[1] + kw
    out = np.zeros((channels, max(full_h, out_shape[0]), max(full_w, out_shape[1])), dtype=dtype)
    rows = values.shape[0] * stride[0]
    cols = values.shape[1] * stride[1]
    for a in range(kh):
        for b in range(kw):
            out[:, a: a + rows: stride[0], b: b + cols: stride[1]] += kernel[:, a, b, None, None] * values
    return out


def correlate_backward(x: np.ndarray, kernel: np.ndarray, grad_out: np.ndarray,
                       stride: Pair, padding: Pair) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dL/dX, dL/dW, dL/db) of `correlate` for the upstream gradient dL/dY."""
    padded = pad_zeros(x, padding)
    patches = windows(padded, kernel.shape[1:], stride, grad_out.shape)
    grad_kernel = np.einsum("cijab,ij->cab", patches, grad_out)
    grad_padded = stamp(grad_out, kernel, stride, padded.shape[1:])
    ph, pw = padding
    grad_input = grad_padded[:, ph: ph + x.shape[1], pw: pw + x.shape[2]]
    return grad_input, grad_kernel, grad_out.sum()


def transpose_convolve(x: np.ndarray, kernel: np.ndarray, stride: Pair, padding: Pair,
                       out_shape: Pair) -> np.ndarray:
    """Each input value stamps the kernel scaled by it; overlaps add; padding crops each side."""
    full = sum(stamp(x[c], kernel[c][None], stride, (0, 0))[0] for c in range(x.shape[0]))
    out = np.zeros(out_shape, dtype=full.dtype)
    ph, pw = padding
    region = full[ph: ph + out_shape[0], pw: pw + out_shape[1]]
    out[: region.shape[0], : region.shape[1]] = region
    return out
