"""Scale of Xavier/Glorot, He/Kaiming and LeCun weight initialisation."""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from flashdl.engine.answer_specs import NumberAnswer
from flashdl.engine.family import Family, Params, Rng, constant_spec, pick
from flashdl.engine.params import as_mapping, read_choice, read_int, reject_unknown
from flashdl.engine.precision import DIGITS_ASKED
from flashdl.engine.text_format import format_number

SCHEMES = ("xavier", "he", "lecun")
DISTRIBUTIONS = ("normal", "uniform")
_FANS = (16, 32, 50, 64, 100, 128, 200, 256, 512)
# He's variance has a mode (fan_in or fan_out) and a gain (√2 is ReLU's); with n_out given too,
# the prompt says which: PyTorch's kaiming_normal_/kaiming_uniform_ defaults, which the answer uses.
_TITLES = {"xavier": "Xavier/Glorot", "he": "He/Kaiming (for ReLU, fan_in mode: PyTorch's default)",
           "lecun": "LeCun (\"simple Xavier\": √(1/n_in))"}


def _read(params: Mapping[str, Any]) -> tuple[str, str, int, int | None]:
    params = as_mapping(params)
    reject_unknown(params, ("scheme", "distribution", "fan_in", "fan_out"))
    scheme = read_choice(params, "scheme", SCHEMES)
    distribution = read_choice(params, "distribution", DISTRIBUTIONS, default="normal")
    fan_in = read_int(params, "fan_in", minimum=1, maximum=10**9)
    fan_out = read_int(params, "fan_out", minimum=1, maximum=10**9) if scheme == "xavier" else (
        read_int(params, "fan_out", minimum=1, maximum=10**9) if params.get("fan_out") is not None else None)
    return scheme, distribution, fan_in, fan_out


def _variance(scheme: str, fan_in: int, fan_out: int | None) -> tuple[Fraction, str]:
    """Variance of the weights and the formula that gives it."""
    if scheme == "xavier":
        assert fan_out is not None
        return Fraction(2, fan_in + fan_out), "2 / (n_in + n_out)"
    if scheme == "he":
        return Fraction(2, fan_in), "2 / n_in"
    return Fraction(1, fan_in), "1 / n_in"


def _generate(rng: Rng) -> Params:
    params: Params = {"scheme": pick(rng, SCHEMES), "distribution": pick(rng, DISTRIBUTIONS),
                      "fan_in": pick(rng, _FANS)}
    params["fan_out"] = pick(rng, _FANS)   # always, so a card pinning "xavier" can use any variant
    return params


def _solve(params: Mapping[str, Any]) -> float:
    scheme, distribution, fan_in, fan_out = _read(params)
    variance, _ = _variance(scheme, fan_in, fan_out)
    return math.sqrt(3 * variance) if distribution == "uniform" else math.sqrt(variance)


def _prompt(params: Mapping[str, Any]) -> str:
    scheme, distribution, fan_in, fan_out = _read(params)
    layer = f"n_in = {fan_in}" + (f", n_out = {fan_out}" if fan_out is not None else "")
    asked = ("the standard deviation σ of N(0, σ²)" if distribution == "normal"
             else "the bound a of U(−a, a)")
    return (f"{_TITLES[scheme]} initialisation of a layer with {layer}: what is {asked}? "
            f"(To {DIGITS_ASKED} significant digits, or an expression such as sqrt(2/3).)")


def _solution(params: Mapping[str, Any]) -> str:
    scheme, distribution, fan_in, fan_out = _read(params)
    variance, formula = _variance(scheme, fan_in, fan_out)
    filled = formula.replace("n_in", str(fan_in)).replace("n_out", str(fan_out))
    lines = [f"{_TITLES[scheme]} keeps the variance of activations (or gradients) steady: "
             f"Var(w) = {formula} = {filled} = {variance}"]
    if distribution == "normal":
        lines.append(f"σ = √Var = √({variance}) = {format_number(_solve(params))}")
    else:
        lines.append(f"U(−a, a) has variance a²/3, so a = √(3·Var) = √(3·{variance}) = "
                     f"{format_number(_solve(params))}")
    return "\n".join(lines) + f"\n\nAnswer: {format_number(_solve(params))}"


INIT_SCALE = Family(
    name="init_scale", title="Xavier / He initialisation scale", integral=False,
    answer_spec=constant_spec(NumberAnswer(integral=False)), generate=_generate, solve=_solve,
    prompt=_prompt, solution=_solution,
    topic_params=("scheme", "distribution"))

FAMILIES = (INIT_SCALE,)
