"""Vectorised 2-D max pooling and its gradient (padding is −∞; first maximum wins ties)."""

from __future__ import annotations

import numpy as np

from flashdl.engine.convolution_ops import windows

Pair = tuple[int, int]


def _padded(x: np.ndarray, kernel: Pair, stride: Pair, padding: Pair, out_shape: Pair) -> np.ndarray:
    """−∞ around the input, plus on the bottom/right for ceil-mode windows that overhang."""
    ph, pw = padding
    need_h = (out_shape[0] - 1) * stride[0] + kernel[0]
    need_w = (out_shape[1] - 1) * stride[1] + kernel[1]
    height, width = x.shape
    padded = np.full((max(need_h, height + 2 * ph), max(need_w, width + 2 * pw)), -np.inf)
    padded[ph: ph + height, pw: pw + width] = x
    return padded


def argmax_positions(x: np.ndarray, kernel: Pair, stride: Pair, padding: Pair,
                     out_shape: Pair) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(max values, rows, cols in padded coordinates) of each window's first maximum."""
    padded = _padded(x, kernel, stride, padding, out_shape)
    view = windows(padded[None], kernel, stride, out_shape)[0].reshape(out_shape[0], out_shape[1], -1)
    flat_arg = view.argmax(axis=-1)
    values = view.max(axis=-1).astype(x.dtype)   # −∞ never wins, so integer inputs stay integers
    rows = np.arange(out_shape[0])[:, None] * stride[0] + flat_arg // kernel[1]
    cols = np.arange(out_shape[1])[None, :] * stride[1] + flat_arg % kernel[1]
    return values, rows, cols


def max_pool(x: np.ndarray, kernel: Pair, stride: Pair, padding: Pair, out_shape: Pair) -> np.ndarray:
    padded = _padded(x, kernel, stride, padding, out_shape)
    maxima: np.ndarray = windows(padded[None], kernel, stride, out_shape)[0].max(axis=(2, 3))
    return maxima.astype(x.dtype)


def max_pool_backward(x: np.ndarray, grad_out: np.ndarray, kernel: Pair, stride: Pair,
                      padding: Pair) -> np.ndarray:
    """Each upstream gradient goes to its window's arg-max; cells hit by several windows sum."""
    _, rows, cols = argmax_positions(x, kernel, stride, padding, grad_out.shape)
    return route_gradient(x.shape, grad_out, rows - padding[0], cols - padding[1])


def route_gradient(shape: tuple[int, ...], grad_out: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Sum each upstream gradient into the input cell (rows, cols) its window chose."""
    grad = np.zeros(shape, dtype=grad_out.dtype)
    np.add.at(grad, (rows, cols), grad_out)
    return grad
