"""The plain-Python array ops (`array_ops`) against numpy's (`convolution_ops`, `pooling_ops`, the
implementation every array family used before, kept for float params).

Integer arrays must give the very same entries, of the same Python types as numpy's `tolist`
(a wrong card is the worst bug), on random shapes, channels, strides, paddings, ceil modes and
entries up to the largest accepted magnitude; float arrays must come out of numpy bit for bit.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from flashdl.engine import array_ops, convolution_ops, pooling_ops
from flashdl.engine.grid import Grid, from_nested
from flashdl.engine.params import MAX_INT_ENTRY
from flashdl.engine.size_formulas import conv_output_length, conv_transpose_output_length, pool_output_length

ENTRIES = st.one_of(st.integers(-3, 3), st.integers(-MAX_INT_ENTRY, MAX_INT_ENTRY))
FLOATS = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


def _grid(array: np.ndarray) -> Grid:
    return from_nested(array.tolist())


def _same(grid: Grid, array: np.ndarray) -> None:
    """Same shape, same entries, same Python types (int for int64, float for float64)."""
    expected = array.tolist()
    assert grid.shape == array.shape
    assert grid.tolist() == expected
    assert list(map(type, grid.flat)) == list(map(type, array.ravel().tolist()))


@st.composite
def arrays(draw: st.DrawFn, shape: tuple[int, ...], floats: bool = False) -> np.ndarray:
    size = int(np.prod(shape))
    if floats:
        return np.array(draw(st.lists(FLOATS, min_size=size, max_size=size)), dtype=np.float64).reshape(shape)
    flat = draw(st.lists(ENTRIES, min_size=size, max_size=size))
    return np.array(flat, dtype=np.int64).reshape(shape)


@st.composite
def conv_problems(draw: st.DrawFn, floats: bool = False) -> tuple[Any, ...]:
    channels = draw(st.integers(1, 3))
    stride = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    padding = (draw(st.integers(0, 3)), draw(st.integers(0, 3)))
    height, width = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    kh = draw(st.integers(1, height + 2 * padding[0]))
    kw = draw(st.integers(1, width + 2 * padding[1]))
    out_shape = (conv_output_length(height, kh, stride[0], padding[0]),
                 conv_output_length(width, kw, stride[1], padding[1]))
    x = draw(arrays((channels, height, width), floats and draw(st.booleans())))
    kernel = draw(arrays((channels, kh, kw), floats and draw(st.booleans())))
    grad_out = draw(arrays(out_shape, floats and draw(st.booleans())))
    return x, kernel, grad_out, stride, padding, out_shape


@settings(max_examples=300)
@given(conv_problems())
def test_correlate_matches_numpy(problem: tuple[Any, ...]) -> None:
    x, kernel, _, stride, padding, out_shape = problem
    _same(array_ops.correlate(_grid(x), _grid(kernel), stride, padding, out_shape),
          convolution_ops.correlate(x, kernel, stride, padding, out_shape))
    _same(array_ops.pad_zeros(_grid(x), padding), convolution_ops.pad_zeros(x, padding))


@settings(max_examples=300)
@given(conv_problems())
def test_correlate_backward_matches_numpy(problem: tuple[Any, ...]) -> None:
    x, kernel, grad_out, stride, padding, _ = problem
    grad_input, grad_kernel, grad_bias = array_ops.correlate_backward(_grid(x), _grid(kernel), _grid(grad_out),
                                                                      stride, padding)
    expected = convolution_ops.correlate_backward(x, kernel, grad_out, stride, padding)
    _same(grad_input, expected[0])
    _same(grad_kernel, expected[1])
    assert type(grad_bias) is type(expected[2].item()) and grad_bias == expected[2].item()


@st.composite
def transpose_problems(draw: st.DrawFn, floats: bool = False) -> tuple[Any, ...]:
    channels = draw(st.integers(1, 3))
    height, width = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    stride = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    padding = (draw(st.integers(0, 3)), draw(st.integers(0, 3)))
    output_padding = (draw(st.integers(0, stride[0] - 1)), draw(st.integers(0, stride[1] - 1)))
    out_shape = tuple(conv_transpose_output_length(side, k, s, p, o) for side, k, s, p, o in
                      zip((height, width), (kh, kw), stride, padding, output_padding))
    if draw(st.booleans()):   # as the worked solution asks: the whole stamped area, no padding
        padding, out_shape = (0, 0), ((height - 1) * stride[0] + kh, (width - 1) * stride[1] + kw)
    x = draw(arrays((channels, height, width), floats and draw(st.booleans())))
    kernel = draw(arrays((channels, kh, kw), floats and draw(st.booleans())))
    return x, kernel, stride, padding, out_shape


@settings(max_examples=300)
@given(transpose_problems())
def test_transpose_convolve_matches_numpy(problem: tuple[Any, ...]) -> None:
    x, kernel, stride, padding, out_shape = problem
    if min(out_shape) < 1:
        return
    _same(array_ops.transpose_convolve(_grid(x), _grid(kernel), stride, padding, out_shape),
          convolution_ops.transpose_convolve(x, kernel, stride, padding, out_shape))


@st.composite
def pool_problems(draw: st.DrawFn, floats: bool = False) -> tuple[Any, ...]:
    height, width = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    kernel = (draw(st.integers(1, 5)), draw(st.integers(1, 5)))
    padding = (draw(st.integers(0, kernel[0] // 2)), draw(st.integers(0, kernel[1] // 2)))
    if kernel[0] > height + 2 * padding[0] or kernel[1] > width + 2 * padding[1]:
        kernel = (min(kernel[0], height), min(kernel[1], width))
        padding = (min(padding[0], kernel[0] // 2), min(padding[1], kernel[1] // 2))
    stride = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    ceil_mode = draw(st.booleans())
    out_shape = (pool_output_length(height, kernel[0], stride[0], padding[0], ceil_mode),
                 pool_output_length(width, kernel[1], stride[1], padding[1], ceil_mode))
    small = draw(st.booleans())   # few distinct values: many ties, whose first maximum must win
    x = (np.array(draw(st.lists(st.integers(0, 2), min_size=height * width, max_size=height * width)),
                  dtype=np.int64).reshape(height, width)
         if small and not floats else draw(arrays((height, width), floats and draw(st.booleans()))))
    grad_out = draw(arrays(out_shape, floats and draw(st.booleans())))
    return x, kernel, stride, padding, out_shape, grad_out


@settings(max_examples=300)
@given(pool_problems())
def test_max_pool_argmax_and_routing_match_numpy(problem: tuple[Any, ...]) -> None:
    x, kernel, stride, padding, out_shape, grad_out = problem
    _same(array_ops.max_pool(_grid(x), kernel, stride, padding, out_shape),
          pooling_ops.max_pool(x, kernel, stride, padding, out_shape))
    found = array_ops.argmax_positions(_grid(x), kernel, stride, padding, out_shape)
    expected = pooling_ops.argmax_positions(x, kernel, stride, padding, out_shape)
    for grid, array in zip(found, expected):
        _same(grid, array)
    rows, cols = expected[1] - padding[0], expected[2] - padding[1]
    _same(array_ops.route_gradient(x.shape, _grid(grad_out), _grid(rows), _grid(cols)),
          pooling_ops.route_gradient(x.shape, grad_out, rows, cols))
    _same(array_ops.route_gradient(x.shape, _grid(grad_out), found[1].plus(-padding[0]), found[2].plus(-padding[1])),
          pooling_ops.max_pool_backward(x, grad_out, kernel, stride, padding))


@settings(max_examples=150)
@given(conv_problems(floats=True), transpose_problems(floats=True), pool_problems(floats=True))
def test_float_arrays_come_out_of_numpy_bit_for_bit(conv: tuple[Any, ...], transpose: tuple[Any, ...],
                                                   pool: tuple[Any, ...]) -> None:
    x, kernel, grad_out, stride, padding, out_shape = conv
    _same(array_ops.correlate(_grid(x), _grid(kernel), stride, padding, out_shape),
          convolution_ops.correlate(x, kernel, stride, padding, out_shape))
    grads = array_ops.correlate_backward(_grid(x), _grid(kernel), _grid(grad_out), stride, padding)
    expected = convolution_ops.correlate_backward(x, kernel, grad_out, stride, padding)
    _same(grads[0], expected[0])
    _same(grads[1], expected[1])
    assert type(grads[2]) is type(expected[2].item()) and grads[2] == expected[2].item()
    x, kernel, stride, padding, out_shape = transpose
    if min(out_shape) >= 1:
        _same(array_ops.transpose_convolve(_grid(x), _grid(kernel), stride, padding, out_shape),
              convolution_ops.transpose_convolve(x, kernel, stride, padding, out_shape))
    x, kernel, stride, padding, out_shape, grad_out = pool
    _same(array_ops.max_pool(_grid(x), kernel, stride, padding, out_shape),
          pooling_ops.max_pool(x, kernel, stride, padding, out_shape))
    _same(array_ops.route_gradient(x.shape, _grid(grad_out), *[
        grid.plus(-p) for grid, p in zip(array_ops.argmax_positions(_grid(x), kernel, stride, padding, out_shape)[1:],
                                         padding)]),
          pooling_ops.max_pool_backward(x, grad_out, kernel, stride, padding))


@given(st.lists(st.integers(1, 4), min_size=1, max_size=3).flatmap(lambda shape: arrays(tuple(shape))))
def test_grid_indexing_rotation_and_sums_match_numpy(array: np.ndarray) -> None:
    grid = _grid(array)
    _same(grid, array)
    _same(grid.lifted(), array[None])
    _same(grid.plus(7), array + 7)
    _same(grid.plus(0.5), array + 0.5)
    if array.ndim >= 2:   # the families index channels of C×H×W and rows of matrices
        for index in range(array.shape[0]):
            _same(grid[index], array[index])
        _same(grid.rotated(), array[..., ::-1, ::-1])
