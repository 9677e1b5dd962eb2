"""The params shared by the matrix convolution families, read and checked once."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, NamedTuple

from flashdl.engine.array_ops import pad_zeros
from flashdl.engine.errors import EngineParamsError
from flashdl.engine.family import Params, Rng, draw_indices, nest, nested_list, plain
from flashdl.engine.grid import Grid
from flashdl.engine.params import (
    MAX_INT_ENTRY,
    Pair,
    as_mapping,
    cached_reading,
    read_array,
    read_number,
    read_pair,
    reject_unknown,
)
from flashdl.engine.size_formulas import conv_output_length

ENTRY_RANGE = (-3, 3)


class ConvProblem(NamedTuple):
    x: Grid                # C×H×W
    kernel: Grid           # C×kh×kw
    bias: float | int
    stride: Pair
    padding: Pair
    out_shape: Pair
    multi_channel: bool    # the params gave C×H×W rather than one matrix
    padded: Grid           # the input with its zero padding


def with_kernel(problem: ConvProblem, kernel: Grid) -> ConvProblem:
    return ConvProblem(problem.x, kernel, problem.bias, problem.stride, problem.padding,
                       problem.out_shape, problem.multi_channel, problem.padded)


def check_conv_problem(params: Mapping[str, Any], extra_keys: tuple[str, ...] = ()) -> ConvProblem:
    """Validate conv params (plus `extra_keys` the caller reads itself); not memoised, for
    callers that memoise a larger reading of their own."""
    params = as_mapping(params)
    reject_unknown(params, ("input", "kernel", "bias", "stride", "padding", *extra_keys))
    x = read_array(params, "input", ranks=(2, 3))
    kernel = read_array(params, "kernel", ranks=(x.ndim,))
    multi_channel = x.ndim == 3
    if not multi_channel:
        x, kernel = x.lifted(), kernel.lifted()
    if kernel.shape[0] != x.shape[0]:
        raise EngineParamsError("kernel", f"has {kernel.shape[0]} channels but the input has {x.shape[0]}")
    stride = read_pair(params, "stride", default=1, minimum=1, maximum=64)
    padding = read_pair(params, "padding", default=0, minimum=0, maximum=64)
    rows, cols = (conv_output_length(x.shape[1 + a], kernel.shape[1 + a], stride[a], padding[a]) for a in range(2))
    out_shape = (rows, cols)
    if min(out_shape) < 1:
        raise EngineParamsError("kernel", f"{kernel.shape[1]}×{kernel.shape[2]} does not fit the "
                                          f"padded input {x.shape[1] + 2 * padding[0]}×{x.shape[2] + 2 * padding[1]}")
    bias = read_number(params, "bias", default=0, minimum=-MAX_INT_ENTRY, maximum=MAX_INT_ENTRY)
    return ConvProblem(x, kernel, bias, stride, padding, out_shape, multi_channel, pad_zeros(x, padding))


read_conv_problem = cached_reading(check_conv_problem)


def draw_conv_params(rng: Rng, **options: Any) -> Params:
    return draw_conv_params_with_shape(rng, **options)[0]


def draw_conv_params_with_shape(rng: Rng, *, max_side: int = 6, max_out: int = 5,
                                paddings: tuple[int, ...] = (0, 0, 0, 1, 1, 2), max_side_multi: int = 4,
                                grad_range: tuple[int, int] | None = None) -> tuple[Params, list[int]]:
    """An exam-sized problem: 3×3–6×6 input (sometimes 2 channels), 2×2/3×3 kernel, entries −3..3.

    All the scalar choices of one attempt come from a single integer draw (one call is much
    cheaper than nine), and both matrices from a second one."""
    low, high = ENTRY_RANGE
    while True:
        sides = max_side - 2
        two_channels, height, same_width, width, big_kernel, stride, padding_index, with_bias, bias = draw_indices(
            rng, (5, sides, 3, sides, 2, 2, len(paddings), 4, 5))
        height, width, stride, bias = height + 3, width + 3, stride + 1, bias - 2
        channels = 2 if two_channels == 0 else 1
        if channels == 2:   # two channels double the arithmetic: keep them smaller
            height, width = min(height, max_side_multi), min(width, max_side_multi)
        width = height if same_width else width
        k, padding = 2 + big_kernel, paddings[padding_index]
        outs = [conv_output_length(side, k, stride, padding) for side in (height, width)]
        if min(outs) < 1 or max(outs) > max_out or padding >= k:
            continue
        split, size = channels * height * width, channels * (height * width + k * k)
        if grad_range is None:
            entries = plain(rng.integers(low, high + 1, size=size))
        else:   # dL/dY too, from the same draw: v mod n is uniform below a common multiple of n
            spans = (high - low + 1, grad_range[1] - grad_range[0] + 1)
            draws = plain(rng.integers(0, math.lcm(*spans), size=size + outs[0] * outs[1]))
            entries = [v % spans[0] + low for v in draws[:size]]
            grads = [v % spans[1] + grad_range[0] for v in draws[size:]]
        params: Params = {"input": nest(entries[:split], channels, height, width),
                          "kernel": nest(entries[split:], channels, k, k)}
        if with_bias == 0:
            params["bias"] = bias
        params["stride"] = stride
        params["padding"] = padding
        if grad_range is not None:
            params["grad_output"] = nest(grads, 1, outs[0], outs[1])
        return params, outs


def as_plain(array: Grid, multi_channel: bool) -> list[Any]:
    """JSON-ready nested lists, one matrix when the params gave one matrix."""
    return nested_list(array if multi_channel else array[0])
