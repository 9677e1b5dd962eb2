"""Multiply-accumulates of one Conv2d forward pass: each output value costs one kernel's worth."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flashdl.engine.answer_specs import NumberAnswer
from flashdl.engine.errors import EngineParamsError
from flashdl.engine.family import Family, Params, Rng, constant_spec, draw_indices
from flashdl.engine.params import Pair, as_mapping, read_int, read_pair, reject_unknown
from flashdl.engine.size_formulas import conv_output_length
from flashdl.engine.text_format import indefinite_article, plural

_KEYS = ("input", "in_channels", "out_channels", "kernel", "stride", "padding", "groups")
_MAX_UNITS = 100_000


def _read(params: Mapping[str, Any]) -> tuple[Pair, int, int, Pair, Pair, Pair, int, Pair]:
    params = as_mapping(params)
    reject_unknown(params, _KEYS)
    size = read_pair(params, "input", minimum=1)
    in_channels = read_int(params, "in_channels", minimum=1, maximum=_MAX_UNITS)
    out_channels = read_int(params, "out_channels", minimum=1, maximum=_MAX_UNITS)
    kernel = read_pair(params, "kernel", minimum=1, maximum=1000)
    stride = read_pair(params, "stride", default=1, minimum=1)
    padding = read_pair(params, "padding", default=0, minimum=0)
    groups = read_int(params, "groups", default=1, minimum=1, maximum=_MAX_UNITS)
    if in_channels % groups or out_channels % groups:
        raise EngineParamsError("groups", f"must divide in_channels ({in_channels}) and "
                                          f"out_channels ({out_channels}), got {groups}")
    out = (conv_output_length(size[0], kernel[0], stride[0], padding[0]),
           conv_output_length(size[1], kernel[1], stride[1], padding[1]))
    if min(out) < 1:
        raise EngineParamsError("kernel", "does not fit the padded input")
    return size, in_channels, out_channels, kernel, stride, padding, groups, out


_SIDES = (7, 8, 14, 16, 28, 32, 56)
_CHANNELS = (1, 3, 16, 32, 64)
_OUT_CHANNELS = (8, 16, 32, 64, 128)


def _generate(rng: Rng) -> Params:
    while True:
        side, c_in, c_out, kernel, strided, padded, grouped = draw_indices(rng, (7, 5, 5, 3, 3, 2, 6))
        k = (1, 3, 5)[kernel]
        params: Params = {"input": [_SIDES[side], _SIDES[side]], "in_channels": _CHANNELS[c_in],
                          "out_channels": _OUT_CHANNELS[c_out], "kernel": [k, k]}
        if strided == 0:
            params["stride"] = 2
        if padded == 0 and k > 1:
            params["padding"] = k // 2
        if grouped == 0 and params["in_channels"] > 1:
            params["groups"] = params["in_channels"] if rng.integers(2) else 2
            if params["out_channels"] % params["groups"]:
                continue
        try:
            _read(params)
        except EngineParamsError:
            continue
        return params


def _solve(params: Mapping[str, Any]) -> int:
    _, in_channels, out_channels, (kh, kw), _, _, groups, (oh, ow) = _read(params)
    return oh * ow * out_channels * (in_channels // groups) * kh * kw


def _pair(pair: Pair) -> str:
    return str(pair[0]) if pair[0] == pair[1] else f"({pair[0]}, {pair[1]})"


def _prompt(params: Mapping[str, Any]) -> str:
    (h, w), c_in, c_out, (kh, kw), stride, padding, groups, _ = _read(params)
    grouping = f", groups {groups}" if groups > 1 else ""
    return (f"A Conv2d layer with {kh} × {kw} kernels, stride {_pair(stride)}, padding {_pair(padding)}"
            f"{grouping} maps {indefinite_article(h)} {h} × {w} input with {plural(c_in, 'channel')} to "
            f"{plural(c_out, 'output channel')}. How many multiply-accumulate operations (MACs) does one "
            f"forward pass of one image take? (Do not count the bias additions.)")


def _solution(params: Mapping[str, Any]) -> str:
    (h, w), c_in, c_out, (kh, kw), stride, padding, groups, (oh, ow) = _read(params)
    per_output = (c_in // groups) * kh * kw
    channels = str(c_in) if groups == 1 else f"{c_in}/{groups} = {c_in // groups}"
    answer = _solve(params)
    lines = [(f"Output size: floor(({h} + 2·{padding[0]} − {kh})/{stride[0]}) + 1 = {oh} rows, "
             f"floor(({w} + 2·{padding[1]} − {kw})/{stride[1]}) + 1 = {ow} columns."),
             (f"Each output value is one kernel applied to its patch: {channels} input channels"
             f"{' (per group)' if groups > 1 else ''} × {kh} × {kw} = {per_output} MACs."),
             f"MACs = out_h·out_w·out_channels·(in_channels/groups)·kh·kw = {oh}·{ow}·{c_out}·{per_output} = {answer}",
             f"(FLOPs, counting a multiply and an add separately: 2 × {answer} = {2 * answer}.)"]
    return "\n".join(lines) + f"\n\nAnswer: {answer}"


CONV2D_MACS = Family(
    name="conv2d_macs", title="Conv2d multiply-accumulates (MACs)", integral=True,
    answer_spec=constant_spec(NumberAnswer(integral=True)), generate=_generate, solve=_solve,
    prompt=_prompt, solution=_solution)

FAMILIES = (CONV2D_MACS,)
