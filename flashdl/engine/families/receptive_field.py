"""Receptive field of one output unit of a stack of convolution/pooling layers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flashdl.engine.answer_specs import NumberAnswer
from flashdl.engine.errors import EngineParamsError
from flashdl.engine.family import Family, Params, Rng, constant_spec, draw_int, pick
from flashdl.engine.params import as_mapping, read_int_list, reject_unknown
from flashdl.engine.size_formulas import receptive_field_size

_MAX_LAYERS = 64


def _read(params: Mapping[str, Any]) -> tuple[list[int], list[int], list[int]]:
    params = as_mapping(params)
    reject_unknown(params, ("kernels", "strides", "dilations"))
    kernels = read_int_list(params, "kernels", minimum=1, maximum=1000)
    layers = len(kernels)
    if layers > _MAX_LAYERS:
        raise EngineParamsError("kernels", f"at most {_MAX_LAYERS} layers")
    strides = read_int_list(params, "strides", default=[1] * layers, minimum=1, maximum=16)
    dilations = read_int_list(params, "dilations", default=[1] * layers, minimum=1, maximum=64)
    for name, values in (("strides", strides), ("dilations", dilations)):
        if len(values) != layers:
            raise EngineParamsError(name, f"needs one entry per layer ({layers}), got {len(values)}")
    return kernels, strides, dilations


def _generate(rng: Rng) -> Params:
    layers = draw_int(rng, 2, 4)
    kernels = [pick(rng, (2, 3, 3, 3, 5)) for _ in range(layers)]
    strides = [pick(rng, (1, 1, 2)) for _ in range(layers)]
    params: Params = {"kernels": kernels, "strides": strides}
    if rng.integers(5) == 0:
        params["dilations"] = [pick(rng, (1, 2)) for _ in range(layers)]
    return params


def _solve(params: Mapping[str, Any]) -> int:
    return receptive_field_size(*_read(params))


def _prompt(params: Mapping[str, Any]) -> str:
    kernels, strides, dilations = _read(params)
    layers = "; ".join(
        f"layer {index}: kernel {k}, stride {s}" + (f", dilation {d}" if d != 1 else "")
        for index, (k, s, d) in enumerate(zip(kernels, strides, dilations), start=1))
    return (f"Stacked convolution/pooling layers (layer 1 sees the input) — {layers}. "
            f"How many input pixels wide is the receptive field of one final output unit?")


def _solution(params: Mapping[str, Any]) -> str:
    kernels, strides, dilations = _read(params)
    lines = ["r = 1 + Σ_l d_l·(k_l − 1)·j_l, where j_l (the jump) is the product of the strides "
             "of the layers before l.", "", "start: r = 1, j = 1"]
    size, jump = 1, 1
    for index, (kernel, stride, dilation) in enumerate(zip(kernels, strides, dilations), start=1):
        grown = dilation * (kernel - 1) * jump
        lines.append(f"layer {index}: r = {size} + {dilation}·({kernel} − 1)·{jump} = {size + grown};"
                     f" j = {jump}·{stride} = {jump * stride}")
        size, jump = size + grown, jump * stride
    return "\n".join(lines) + f"\n\nAnswer: {size}"


RECEPTIVE_FIELD = Family(
    name="receptive_field", title="Receptive field size", integral=True,
    answer_spec=constant_spec(NumberAnswer(integral=True)), generate=_generate, solve=_solve,
    prompt=_prompt, solution=_solution)

FAMILIES = (RECEPTIVE_FIELD,)
