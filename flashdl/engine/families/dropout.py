"""Dropout's scaling: inverted dropout at training time, or classic dropout at test time."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from flashdl.engine.answer_specs import LIST_HINT, ArrayAnswer
from flashdl.engine.errors import EngineParamsError
from flashdl.engine.family import Family, Params, Rng, constant_spec, draw_int, pick
from flashdl.engine.params import (
    as_mapping,
    read_bool,
    read_choice,
    read_int_list,
    read_number,
    read_number_list,
    reject_unknown,
)
from flashdl.engine.precision import DIGITS_ASKED
from flashdl.engine.text_format import MAX_EXACT_DENOMINATOR, format_inline, format_number

_DROP_PROBABILITIES = (0.1, 0.2, 0.25, 0.5, 0.5, 0.75, 0.8)
_KEYS = ("activations", "drop_prob", "mask", "phase", "inverted")


def _read(params: Mapping[str, Any]) -> tuple[tuple[float | int, ...], float, tuple[int, ...] | None, str, bool]:
    params = as_mapping(params)
    reject_unknown(params, _KEYS)
    activations = read_number_list(params, "activations", minimum=-1e6, maximum=1e6)
    drop = float(read_number(params, "drop_prob", minimum=0, maximum=1))
    if drop >= 1:
        raise EngineParamsError("drop_prob", "must be below 1 (everything would be dropped)")
    phase = read_choice(params, "phase", ("train", "test"), default="train")
    inverted = read_bool(params, "inverted", default=True)
    mask = None
    if phase == "train":
        mask = read_int_list(params, "mask", minimum=0, maximum=1)
        if len(mask) != len(activations):
            raise EngineParamsError("mask", f"needs one 0/1 entry per activation ({len(activations)})")
    return tuple(activations), drop, tuple(mask) if mask is not None else None, phase, inverted


def _generate(rng: Rng) -> Params:
    count = draw_int(rng, 3, 5)
    params: Params = {"activations": [draw_int(rng, -2, 6) for _ in range(count)],
                      "drop_prob": pick(rng, _DROP_PROBABILITIES)}
    if rng.integers(3):
        params["mask"] = [int(rng.integers(2)) for _ in range(count)]
    else:
        params["phase"] = "test"
        params["inverted"] = bool(rng.integers(2))
    return params


def _factor(drop: float, phase: str, inverted: bool) -> float:
    keep = 1 - drop
    if phase == "train":
        return 1 / keep if inverted else 1.0
    return 1.0 if inverted else keep


def _solve(params: Mapping[str, Any]) -> list[float]:
    activations, drop, mask, phase, inverted = _read(params)
    factor = _factor(drop, phase, inverted)
    kept = mask if mask is not None else [1] * len(activations)
    return [float(a * m * factor) for a, m in zip(activations, kept)]


def _prompt(params: Mapping[str, Any]) -> str:
    activations, drop, mask, phase, inverted = _read(params)
    style = "inverted dropout (scale at training time)" if inverted else "classic dropout (scale at test time)"
    if phase == "train":
        return (f"With {style}, drop probability p = {format_number(drop)}, activations "
                f"{format_inline(activations)} and the sampled keep-mask {format_inline(mask)} (1 = kept), "
                f"what does the layer output during training? (Decimals to {DIGITS_ASKED} significant digits.)")
    return (f"With {style} and drop probability p = {format_number(drop)}, what does the layer output "
            f"at test time for activations {format_inline(activations)}? "
            f"(Decimals to {DIGITS_ASKED} significant digits.)")


def _keep_text(drop: float) -> str:
    """1 − p exactly: `4/5` for p = 0.2, a decimal where the fraction is long (`0.6667` for
    p = 0.3333, which the nearest small fraction would call 2/3)."""
    keep = 1 - Fraction(repr(drop))
    return str(keep) if keep.denominator <= MAX_EXACT_DENOMINATOR else format_number(keep)


def _solution(params: Mapping[str, Any]) -> str:
    activations, drop, mask, phase, inverted = _read(params)
    keep = _keep_text(drop)
    factor = _factor(drop, phase, inverted)
    if phase == "train" and inverted:
        rule = (f"Training, inverted: dropped units give 0, kept units are divided by the keep "
                f"probability 1 − p = {keep}, i.e. multiplied by {format_number(factor)}, so the "
                f"expected activation is unchanged and test time needs no scaling.")
    elif phase == "train":
        rule = "Training, classic: dropped units give 0, kept units pass unchanged (scaling happens at test time)."
    elif inverted:
        rule = "Test, inverted: the scaling already happened during training, so activations pass unchanged."
    else:
        rule = (f"Test, classic: every unit is kept, and multiplied by the keep probability "
                f"1 − p = {keep} to match the expected training-time activation.")
    answer = ", ".join(format_number(value) for value in _solve(params))
    return f"{rule}\n\nAnswer: {answer}"


DROPOUT_SCALING = Family(
    name="dropout_scaling", title="Dropout scaling", integral=False,
    answer_spec=constant_spec(ArrayAnswer(integral=False, hint=LIST_HINT)), generate=_generate, solve=_solve,
    prompt=_prompt, solution=_solution,
    topic_params=("inverted",))

FAMILIES = (DROPOUT_SCALING,)
