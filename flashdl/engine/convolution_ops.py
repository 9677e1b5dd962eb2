"""Vectorised 2-D cross-correlation, its gradients and the transposed convolution.

Arrays are C×H×W (a single matrix is one channel) and a kernel spans all C channels, so
each operation produces or consumes one output channel, as in the exam exercises.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

Pair = tuple[int, int]


def pad_zeros(x: np.ndarray, padding: Pair) -> np.ndarray:
    ph, pw = padding
    if ph == 0 and pw == 0:
        return x
    channels, height, width = x.shape
    padded = np.zeros((channels, height + 2 * ph, width + 2 * pw), dtype=x.dtype)
    padded[:, ph: ph + height, pw: pw + width] = x
    return padded


def windows(padded: np.ndarray, kernel_shape: Pair, stride: Pair, out_shape: Pair) -> np.ndarray:
    """Read-only C×H'×W'×kh×kw view of the patch each output entry sees; the caller guarantees
    (H'−1)·s + kh fits in the padded height (and likewise for widths)."""
    channel_step, row_step, col_step = padded.strides
    shape = (padded.shape[0], out_shape[0], out_shape[1], *kernel_shape)
    strides = (channel_step, row_step * stride[0], col_step * stride[1], row_step, col_step)
    if padded.flags.c_contiguous:   # the ndarray constructor is a few µs cheaper than as_strided
        view = np.ndarray(shape, dtype=padded.dtype, buffer=padded, strides=strides)
        view.flags.writeable = False
        return view
    return as_strided(padded, shape=shape, strides=strides, writeable=False)


def correlate(x: np.ndarray, kernel: np.ndarray, stride: Pair, padding: Pair, out_shape: Pair) -> np.ndarray:
    """Σ_c Σ_ab xpad[c, i·s+a, j·s+b]·k[c,a,b]: cross-correlation summed over channels."""
    patches = windows(pad_zeros(x, padding), kernel.shape[1:], stride, out_shape)
    channels, kh, kw = kernel.shape
    flat = patches.transpose(1, 2, 0, 3, 4).reshape(out_shape[0] * out_shape[1], channels * kh * kw)
    sums: np.ndarray = flat @ kernel.reshape(-1)
    return sums.reshape(out_shape)


def stamp(values: np.ndarray, kernel: np.ndarray, stride: Pair, out_shape: Pair) -> np.ndarray:
    """Σ over (i,j) of values[i,j]·kernel placed at (i·s, j·s): the scatter both dL/dX and the
    transposed convolution are made of; `out_shape` may exceed the stamped area (zeros).

    Computed as its gather form — the values spread out by the stride, zero-padded by k − 1,
    correlated with the 180°-rotated kernel — which vectorises without overlapping writes."""
    channels, kh, kw = kernel.shape
    height, width = values.shape
    full_h, full_w = (height - 1) * stride[0] + kh, (width - 1) * stride[1] + kw
    spread = np.zeros((1, full_h + kh - 1, full_w + kw - 1), dtype=values.dtype)
    spread[0, kh - 1: kh - 1 + (height - 1) * stride[0] + 1: stride[0],
           kw - 1: kw - 1 + (width - 1) * stride[1] + 1: stride[1]] = values
    patches = windows(spread, (kh, kw), (1, 1), (full_h, full_w))[0]
    rotated = kernel[:, ::-1, ::-1].reshape(channels, kh * kw)
    products: np.ndarray = patches.reshape(full_h * full_w, kh * kw) @ rotated.T
    full = products.T.reshape(channels, full_h, full_w)
    if (full_h, full_w) == tuple(out_shape) or (full_h >= out_shape[0] and full_w >= out_shape[1]):
        return full
    out = np.zeros((channels, max(full_h, out_shape[0]), max(full_w, out_shape[1])), dtype=full.dtype)
    out[:, :full_h, :full_w] = full
    return out


def correlate_backward(x: np.ndarray, kernel: np.ndarray, grad_out: np.ndarray,
                       stride: Pair, padding: Pair) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dL/dX, dL/dW, dL/db) of `correlate` for the upstream gradient dL/dY."""
    padded = pad_zeros(x, padding)
    patches = windows(padded, kernel.shape[1:], stride, grad_out.shape)
    channels, kh, kw = kernel.shape
    by_weight = patches.transpose(0, 3, 4, 1, 2).reshape(channels * kh * kw, grad_out.size)
    grad_kernel = (by_weight @ grad_out.reshape(-1)).reshape(kernel.shape)
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
