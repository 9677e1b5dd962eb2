"""Output sizes of Conv2d, MaxPool2d/AvgPool2d and ConvTranspose2d, as PyTorch computes them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from flashdl.engine.answer_specs import ShapeAnswer
from flashdl.engine.errors import EngineParamsError
from flashdl.engine.family import Family, Params, Rng, constant_spec, draw_int, pick
from flashdl.engine.params import (
    Pair,
    as_mapping,
    read_bool,
    read_choice,
    read_pair,
    reject_unknown,
)
from flashdl.engine.size_formulas import (
    conv_output_length,
    conv_transpose_output_length,
    pool_output_length,
)
from flashdl.engine.text_format import indefinite_article

_SIDES = ("height", "width")
_KERNELS = (1, 2, 3, 3, 3, 5, 5, 7)
_INPUTS = tuple(range(5, 33))


def _side_text(pair: Pair) -> str:
    return str(pair[0]) if pair[0] == pair[1] else f"({pair[0]}, {pair[1]})"


def _draw_input(rng: Rng) -> list[int]:
    height = pick(rng, _INPUTS)
    width = height if rng.integers(4) else pick(rng, _INPUTS)
    return [height, width]


# --- conv2d_output_size -------------------------------------------------------------------

class ConvGeometry(NamedTuple):
    input: Pair
    kernel: Pair
    stride: Pair
    padding: Pair
    dilation: Pair


_CONV_KEYS = ("input", "kernel", "stride", "padding", "dilation")


def _conv_geometry(params: Mapping[str, Any]) -> ConvGeometry:
    params = as_mapping(params)
    reject_unknown(params, _CONV_KEYS)
    geometry = ConvGeometry(
        input=read_pair(params, "input", minimum=1),
        kernel=read_pair(params, "kernel", minimum=1),
        stride=read_pair(params, "stride", default=1, minimum=1),
        padding=read_pair(params, "padding", default=0, minimum=0),
        dilation=read_pair(params, "dilation", default=1, minimum=1),
    )
    for axis, side in enumerate(_SIDES):
        span = geometry.dilation[axis] * (geometry.kernel[axis] - 1) + 1
        padded = geometry.input[axis] + 2 * geometry.padding[axis]
        if span > padded:
            raise EngineParamsError("kernel", f"the {side} of the (dilated) kernel, {span}, exceeds "
                                              f"the padded input {side}, {padded}")
    return geometry


def _conv_generate(rng: Rng) -> Params:
    while True:
        kernel = pick(rng, _KERNELS)
        params: Params = {"input": _draw_input(rng), "kernel": kernel,
                          "stride": draw_int(rng, 1, 2), "padding": draw_int(rng, 0, 2)}
        if rng.integers(6) == 0:
            params["dilation"] = 2
        try:
            _conv_geometry(params)
        except EngineParamsError:
            continue
        return params


def _conv_solve(params: Mapping[str, Any]) -> list[int]:
    g = _conv_geometry(params)
    return [conv_output_length(g.input[a], g.kernel[a], g.stride[a], g.padding[a], g.dilation[a])
            for a in range(2)]


def _conv_prompt(params: Mapping[str, Any]) -> str:
    g = _conv_geometry(params)
    dilation = f", dilation {_side_text(g.dilation)}" if g.dilation != (1, 1) else ""
    return (f"A Conv2d layer receives an input of {g.input[0]} × {g.input[1]} (height × width) "
            f"with kernel {g.kernel[0]} × {g.kernel[1]}, stride {_side_text(g.stride)}, "
            f"padding {_side_text(g.padding)}{dilation}. What is the output height × width?")


def _conv_solution(params: Mapping[str, Any]) -> str:
    g = _conv_geometry(params)
    lines = ["out = floor((H + 2p − d·(k − 1) − 1) / s) + 1", ""]
    for axis, side in enumerate(_SIDES):
        size, k, s, p, d = g.input[axis], g.kernel[axis], g.stride[axis], g.padding[axis], g.dilation[axis]
        top = size + 2 * p - d * (k - 1) - 1
        lines.append(f"{side}: floor(({size} + 2·{p} − {d}·({k} − 1) − 1) / {s}) + 1"
                     f" = floor({top}/{s}) + 1 = {top // s} + 1 = {top // s + 1}")
    out = _conv_solve(params)
    lines += ["", f"Answer: {out[0]} × {out[1]}"]
    return "\n".join(lines)


CONV2D_OUTPUT_SIZE = Family(
    name="conv2d_output_size", title="Conv2d output size", integral=True,
    answer_spec=constant_spec(ShapeAnswer()), generate=_conv_generate, solve=_conv_solve,
    prompt=_conv_prompt, solution=_conv_solution)


# --- pool_output_size ----------------------------------------------------------------------

class PoolGeometry(NamedTuple):
    pool: str
    input: Pair
    kernel: Pair
    stride: Pair
    padding: Pair
    ceil_mode: bool


_POOL_KEYS = ("pool", "input", "kernel", "stride", "padding", "ceil_mode")


def _pool_geometry(params: Mapping[str, Any]) -> PoolGeometry:
    params = as_mapping(params)
    reject_unknown(params, _POOL_KEYS)
    kernel = read_pair(params, "kernel", minimum=1)
    geometry = PoolGeometry(
        pool=read_choice(params, "pool", ("max", "avg"), default="max"),
        input=read_pair(params, "input", minimum=1),
        kernel=kernel,
        stride=read_pair(params, "stride", default=list(kernel), minimum=1),
        padding=read_pair(params, "padding", default=0, minimum=0),
        ceil_mode=read_bool(params, "ceil_mode", default=False),
    )
    for axis, side in enumerate(_SIDES):
        if 2 * geometry.padding[axis] > geometry.kernel[axis]:
            raise EngineParamsError("padding", f"must be at most half the kernel {side} "
                                               f"(PyTorch's rule), got {geometry.padding[axis]}")
        if geometry.kernel[axis] > geometry.input[axis] + 2 * geometry.padding[axis]:
            raise EngineParamsError("kernel", f"the kernel {side} exceeds the padded input {side}")
    return geometry


def _pool_generate(rng: Rng) -> Params:
    kernel = pick(rng, (2, 2, 2, 3, 3))
    params: Params = {"pool": pick(rng, ("max", "max", "avg")), "input": _draw_input(rng), "kernel": kernel}
    if rng.integers(2):
        params["stride"] = draw_int(rng, 1, 2)
    params["padding"] = draw_int(rng, 0, kernel // 2)
    params["ceil_mode"] = bool(rng.integers(3) == 0)
    return params


def _pool_solve(params: Mapping[str, Any]) -> list[int]:
    g = _pool_geometry(params)
    return [pool_output_length(g.input[a], g.kernel[a], g.stride[a], g.padding[a], g.ceil_mode)
            for a in range(2)]


def _pool_prompt(params: Mapping[str, Any]) -> str:
    g = _pool_geometry(params)
    name = "MaxPool2d" if g.pool == "max" else "AvgPool2d"
    mode = "ceil_mode=True" if g.ceil_mode else "ceil_mode=False"
    article = "An" if g.pool == "avg" else "A"
    return (f"{article} {name} layer with kernel {g.kernel[0]} × {g.kernel[1]}, stride {_side_text(g.stride)}, "
            f"padding {_side_text(g.padding)} and {mode} receives {indefinite_article(g.input[0])} "
            f"{g.input[0]} × {g.input[1]} input. "
            f"What is the output height × width?")


def _pool_solution(params: Mapping[str, Any]) -> str:
    g = _pool_geometry(params)
    rounding = "ceil" if g.ceil_mode else "floor"
    lines = [f"out = {rounding}((H + 2p − k) / s) + 1"]
    if g.ceil_mode:
        lines.append("(ceil_mode: a last window that would start beyond the input and its left "
                     "padding, i.e. at (out − 1)·s ≥ H + p, is dropped)")
    lines.append("")
    for axis, side in enumerate(_SIDES):
        size, k, s, p = g.input[axis], g.kernel[axis], g.stride[axis], g.padding[axis]
        top = size + 2 * p - k
        rounded = -(-top // s) if g.ceil_mode else top // s
        line = (f"{side}: {rounding}(({size} + 2·{p} − {k}) / {s}) + 1 = {rounding}({top}/{s}) + 1"
                f" = {rounded + 1}")
        out = pool_output_length(size, k, s, p, g.ceil_mode)
        if out != rounded + 1:
            line += (f"; the last window would start at {rounded}·{s} = {rounded * s} ≥ {size} + {p},"
                     f" so it is dropped: {out}")
        lines.append(line)
    answer = _pool_solve(params)
    lines += ["", f"Answer: {answer[0]} × {answer[1]}"]
    return "\n".join(lines)


POOL_OUTPUT_SIZE = Family(
    name="pool_output_size", title="Pooling output size", integral=True,
    answer_spec=constant_spec(ShapeAnswer()), generate=_pool_generate, solve=_pool_solve,
    prompt=_pool_prompt, solution=_pool_solution,
    topic_params=("pool",))


# --- conv_transpose2d_output_size -------------------------------------------------------------

class TransposeGeometry(NamedTuple):
    input: Pair
    kernel: Pair
    stride: Pair
    padding: Pair
    output_padding: Pair
    dilation: Pair


_TRANSPOSE_KEYS = ("input", "kernel", "stride", "padding", "output_padding", "dilation")


def _transpose_geometry(params: Mapping[str, Any]) -> TransposeGeometry:
    params = as_mapping(params)
    reject_unknown(params, _TRANSPOSE_KEYS)
    geometry = TransposeGeometry(
        input=read_pair(params, "input", minimum=1),
        kernel=read_pair(params, "kernel", minimum=1),
        stride=read_pair(params, "stride", default=1, minimum=1),
        padding=read_pair(params, "padding", default=0, minimum=0),
        output_padding=read_pair(params, "output_padding", default=0, minimum=0),
        dilation=read_pair(params, "dilation", default=1, minimum=1),
    )
    for axis, side in enumerate(_SIDES):
        if geometry.output_padding[axis] >= max(geometry.stride[axis], geometry.dilation[axis]):
            raise EngineParamsError("output_padding", f"must be smaller than the stride or the "
                                                      f"dilation ({side}), as PyTorch requires")
        out = conv_transpose_output_length(geometry.input[axis], geometry.kernel[axis],
                                           geometry.stride[axis], geometry.padding[axis],
                                           geometry.output_padding[axis], geometry.dilation[axis])
        if out < 1:
            raise EngineParamsError("padding", f"too large: the output {side} would be {out}")
    return geometry


def _transpose_generate(rng: Rng) -> Params:
    while True:
        stride = draw_int(rng, 1, 3)
        params: Params = {"input": _draw_input(rng) if rng.integers(2) else pick(rng, (2, 3, 4, 7, 8, 14, 16)),
                          "kernel": pick(rng, (2, 3, 4, 5)), "stride": stride,
                          "padding": draw_int(rng, 0, 2)}
        if stride > 1 and rng.integers(3) == 0:
            params["output_padding"] = draw_int(rng, 1, stride - 1)
        try:
            _transpose_geometry(params)
        except EngineParamsError:
            continue
        return params


def _transpose_solve(params: Mapping[str, Any]) -> list[int]:
    g = _transpose_geometry(params)
    return [conv_transpose_output_length(g.input[a], g.kernel[a], g.stride[a], g.padding[a],
                                         g.output_padding[a], g.dilation[a]) for a in range(2)]


def _transpose_prompt(params: Mapping[str, Any]) -> str:
    g = _transpose_geometry(params)
    extras = ""
    if g.output_padding != (0, 0):
        extras += f", output_padding {_side_text(g.output_padding)}"
    if g.dilation != (1, 1):
        extras += f", dilation {_side_text(g.dilation)}"
    return (f"A ConvTranspose2d layer with kernel {g.kernel[0]} × {g.kernel[1]}, stride "
            f"{_side_text(g.stride)}, padding {_side_text(g.padding)}{extras} receives "
            f"{indefinite_article(g.input[0])} {g.input[0]} × {g.input[1]} input. What is the output height × width?")


def _transpose_solution(params: Mapping[str, Any]) -> str:
    g = _transpose_geometry(params)
    lines = ["out = (H − 1)·s − 2p + d·(k − 1) + output_padding + 1", ""]
    for axis, side in enumerate(_SIDES):
        size, k, s, p = g.input[axis], g.kernel[axis], g.stride[axis], g.padding[axis]
        op, d = g.output_padding[axis], g.dilation[axis]
        out = conv_transpose_output_length(size, k, s, p, op, d)
        lines.append(f"{side}: ({size} − 1)·{s} − 2·{p} + {d}·({k} − 1) + {op} + 1"
                     f" = {(size - 1) * s} − {2 * p} + {d * (k - 1)} + {op} + 1 = {out}")
    answer = _transpose_solve(params)
    lines += ["", f"Answer: {answer[0]} × {answer[1]}"]
    return "\n".join(lines)


CONV_TRANSPOSE2D_OUTPUT_SIZE = Family(
    name="conv_transpose2d_output_size", title="ConvTranspose2d output size", integral=True,
    answer_spec=constant_spec(ShapeAnswer()), generate=_transpose_generate, solve=_transpose_solve,
    prompt=_transpose_prompt, solution=_transpose_solution)

FAMILIES = (CONV2D_OUTPUT_SIZE, POOL_OUTPUT_SIZE, CONV_TRANSPOSE2D_OUTPUT_SIZE)
