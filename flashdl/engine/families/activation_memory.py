"""How many values (or bytes) one activation map of H × W × C holds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flashdl.engine.answer_specs import NumberAnswer
from flashdl.engine.family import Family, Params, Rng, constant_spec, pick
from flashdl.engine.params import as_mapping, read_int, reject_unknown
from flashdl.engine.text_format import plural

_MAX_SIDE = 100_000


def _read(params: Mapping[str, Any]) -> tuple[int, int, int, int | None]:
    params = as_mapping(params)
    reject_unknown(params, ("height", "width", "channels", "bytes_per_value"))
    height = read_int(params, "height", minimum=1, maximum=_MAX_SIDE)
    width = read_int(params, "width", minimum=1, maximum=_MAX_SIDE)
    channels = read_int(params, "channels", minimum=1, maximum=_MAX_SIDE)
    size = (read_int(params, "bytes_per_value", minimum=1, maximum=16)
            if params.get("bytes_per_value") is not None else None)
    return height, width, channels, size


def _generate(rng: Rng) -> Params:
    side = pick(rng, (7, 14, 28, 32, 56, 64, 112, 224))
    params: Params = {"height": side, "width": side, "channels": pick(rng, (1, 3, 16, 32, 64, 96))}
    if rng.integers(3) == 0:
        params["bytes_per_value"] = pick(rng, (1, 2, 4, 4, 8))
    return params


def _solve(params: Mapping[str, Any]) -> int:
    height, width, channels, size = _read(params)
    return height * width * channels * (size or 1)


def _prompt(params: Mapping[str, Any]) -> str:
    height, width, channels, size = _read(params)
    unit = (f"how many bytes does it take at {plural(size, 'byte')} per value" if size
            else "how many values does it hold")
    return f"An activation map (or input) has shape {height} × {width} × {channels}: {unit}?"


def _solution(params: Mapping[str, Any]) -> str:
    height, width, channels, size = _read(params)
    values = height * width * channels
    text = f"values = H·W·C = {height}·{width}·{channels} = {values}"
    if size:
        text += f"\nbytes = values·{size} = {values * size}"
    return f"{text}\n\nAnswer: {_solve(params)}"


ACTIVATION_MEMORY = Family(
    name="activation_memory", title="Activation memory", integral=True,
    answer_spec=constant_spec(NumberAnswer(integral=True)), generate=_generate, solve=_solve,
    prompt=_prompt, solution=_solution)

FAMILIES = (ACTIVATION_MEMORY,)
