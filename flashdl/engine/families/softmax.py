"""Softmax of a few logits and the cross-entropy loss of the true class."""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from flashdl.engine.answer_specs import LIST_HINT, ArrayAnswer, NumberAnswer
from flashdl.engine.errors import EngineParamsError
from flashdl.engine.family import Family, Params, Rng, constant_spec, draw_int, pick
from flashdl.engine.params import as_mapping, read_int, read_number_list, reject_unknown
from flashdl.engine.precision import DIGITS_ASKED
from flashdl.engine.text_format import (
    SIGNIFICANT_DIGITS,
    consistent_digits,
    format_factor,
    format_inline,
    format_number,
    redoes_to,
)

LOGIT_RANGE = (-2, 3)
_PROBABILITY_SETS = ((0.7, 0.2, 0.1), (0.5, 0.25, 0.25), (0.6, 0.3, 0.1), (0.8, 0.1, 0.1),
                     (0.4, 0.4, 0.2), (0.25, 0.25, 0.5), (0.9, 0.05, 0.05))


def softmax_values(logits: list[float | int]) -> list[float]:
    shifted = [math.exp(z - max(logits)) for z in logits]
    total = sum(shifted)
    return [value / total for value in shifted]


def _read_logits(params: Mapping[str, Any]) -> list[float | int]:
    params = as_mapping(params)
    reject_unknown(params, ("logits",))
    return read_number_list(params, "logits", minimum=-1000, maximum=1000)


def _softmax_generate(rng: Rng) -> Params:
    return {"logits": [draw_int(rng, *LOGIT_RANGE) for _ in range(draw_int(rng, 3, 4))]}


def _softmax_solve(params: Mapping[str, Any]) -> list[float]:
    return softmax_values(_read_logits(params))


def _softmax_prompt(params: Mapping[str, Any]) -> str:
    logits = _read_logits(params)
    # The example shows the digits only: it was once softmax(1, 2, 3) itself, the answer to the
    # bundled cards and to any three consecutive logits, and its 0.0900 had 3 significant digits.
    return (f"Compute softmax({format_inline(logits)}) — each probability to {DIGITS_ASKED} significant digits "
            f"(written like 0.01234 or 0.5000), separated by commas.")


# Beyond this a logit's e^z is out of a float's range (e^710 overflows, e^-746 is 0): the worked solution then
# shifts every logit by the largest first, which leaves the softmax unchanged.
EXP_LIMIT = 700


def _shift(logits: list[float | int]) -> float | int | None:
    """The largest logit when the worked solution must shift by it, else None."""
    return max(logits) if max(abs(z) for z in logits) > EXP_LIMIT else None


def _equals(power: float, digits: int = SIGNIFICANT_DIGITS) -> str:
    """`= 0.367879`; `≈ 0` for an e^z below a float's range (e^(−799) is not 0, and a subnormal
    such as e^(−742) keeps too few digits to show)."""
    return f"= {format_number(power, digits)}" if power >= sys.float_info.min else "≈ 0 (below a float's range)"


def _exp_terms(logits: list[float | int], shift: float | int | None,
               digits: int = SIGNIFICANT_DIGITS) -> tuple[list[str], float]:
    """The lines ``e^z = …`` of a worked solution (of ``z − shift`` when shifted) and their sum."""
    if shift is None:
        terms = [f"e^{format_factor(z)} {_equals(math.exp(z), digits)}" for z in logits]
        return terms, sum(math.exp(z) for z in logits)
    m, extreme = format_factor(shift), max(logits, key=abs)
    terms = [f"e^{format_factor(extreme)} is beyond a float's range: shift every logit by the largest, m = {m} "
             "(softmax(z) = softmax(z − m))",
             *(f"e^({format_factor(z)} − {m}) {_equals(math.exp(z - shift), digits)}" for z in logits)]
    return terms, sum(math.exp(z - shift) for z in logits)


def _quotient_digits(powers: list[float], total: float, values: list[float]) -> int:
    """Digits at which each printed e^z / sum redoes to its probability at the 4 digits asked."""
    def redo(digits: int) -> bool:
        shown_total = Decimal(format_number(total, digits))
        return all(redoes_to(Decimal(format_number(power, digits)) / shown_total, value)
                   for power, value in zip(powers, values))
    return consistent_digits(redo)


def _softmax_solution(params: Mapping[str, Any]) -> str:
    logits = _read_logits(params)
    shift = _shift(logits)
    offset = shift or 0
    values = softmax_values(logits)
    powers = [math.exp(z - offset) for z in logits]
    digits = _quotient_digits(powers, sum(powers), values)
    terms, total = _exp_terms(logits, shift, digits)
    lines = ["softmax(z)_i = e^(z_i) / Σ_j e^(z_j)", "", *terms, f"sum = {format_number(total, digits)}", ""]
    lines += [f"p{index + 1} = {format_number(power, digits)} / {format_number(total, digits)} = {format_number(p)}"
              for index, (power, p) in enumerate(zip(powers, values))]
    return "\n".join(lines) + f"\n\nAnswer: {', '.join(format_number(p) for p in values)}"


SOFTMAX = Family(
    name="softmax", title="Softmax", integral=False,
    answer_spec=constant_spec(ArrayAnswer(integral=False, hint=LIST_HINT)), generate=_softmax_generate,
    solve=_softmax_solve, prompt=_softmax_prompt, solution=_softmax_solution)


# --- cross_entropy ------------------------------------------------------------------------

def _read_ce(params: Mapping[str, Any]) -> tuple[str, list[float | int], int]:
    params = as_mapping(params)
    reject_unknown(params, ("logits", "probs", "target"))
    has_logits, has_probs = params.get("logits") is not None, params.get("probs") is not None
    if has_logits == has_probs:
        raise EngineParamsError("logits", "give exactly one of logits or probs")
    if has_logits:
        values = read_number_list(params, "logits", minimum=-1000, maximum=1000)
    else:
        values = read_number_list(params, "probs", minimum=0, maximum=1)
        if abs(sum(values) - 1) > 1e-6:
            raise EngineParamsError("probs", f"must sum to 1, got {sum(values):g}")
    target = read_int(params, "target", minimum=0, maximum=len(values) - 1)
    if not has_logits and values[target] == 0:
        raise EngineParamsError("probs", "the target's probability is 0: the loss is infinite")
    return ("logits" if has_logits else "probs"), values, target


def _ce_generate(rng: Rng) -> Params:
    if rng.integers(2):
        logits = [draw_int(rng, *LOGIT_RANGE) for _ in range(draw_int(rng, 3, 4))]
        return {"logits": logits, "target": draw_int(rng, 0, len(logits) - 1)}
    probs = list(pick(rng, _PROBABILITY_SETS))
    return {"probs": probs, "target": draw_int(rng, 0, len(probs) - 1)}


def _ce_solve(params: Mapping[str, Any]) -> float:
    kind, values, target = _read_ce(params)
    if kind == "probs":
        return -math.log(values[target])
    z_true = values[target]
    if z_true == max(values):   # ln(1 + r) by log1p: ln(1 + 9.4e-14) in floats keeps 2 digits of r
        return math.log1p(_rest(values, target))
    top = max(values)
    return (top - z_true) + math.log(sum(math.exp(z - top) for z in values))


def _rest(values: list[float | int], target: int) -> float:
    """Σ_(i ≠ true) e^(z_i − z_true): −ln p = ln(1 + this) for p = softmax(z)_true."""
    return sum(math.exp(z - values[target]) for index, z in enumerate(values) if index != target)


# Beyond this p the line −ln(p) = loss would need more digits of p than shown (−ln(0.999089) is
# 0.0009114 to 4 digits, the loss 0.0009115): the worked solution writes ln(1 + Σ e^(z_i − z_true)).
NEAR_ONE = 0.99


def _ce_prompt(params: Mapping[str, Any]) -> str:
    kind, values, target = _read_ce(params)
    given = "logits" if kind == "logits" else "predicted probabilities"
    return (f"A classifier outputs {given} {format_inline(values)}; the true class is class {target + 1} "
            f"(index {target}). What is the cross-entropy loss (natural log)? "
            f"(To {DIGITS_ASKED} significant digits.)")


def _ce_digits(power: float, total: float, p: float, loss: float) -> int:
    """Digits at which e^z_true / sum redoes to p (e^z_true as printed above, or worked out anew,
    as the line writes it e^z), and −ln of the p shown to the loss."""
    def redo(digits: int) -> bool:
        shown_p, shown_total = format_number(p, digits), Decimal(format_number(total, digits))
        return (redoes_to(Decimal(format_number(power, digits)) / shown_total, p)
                and redoes_to(Decimal(repr(power)) / shown_total, p)
                and redoes_to(-Decimal(shown_p).ln(), loss))
    return consistent_digits(redo)


def _ce_solution(params: Mapping[str, Any]) -> str:
    kind, values, target = _read_ce(params)
    loss = _ce_solve(params)
    lines = ["cross-entropy = −ln p(true class)"]
    if kind == "logits":
        shift = _shift(values)
        offset = shift or 0
        powers = [math.exp(z - offset) for z in values]
        p = powers[target] / sum(powers)
        digits = _ce_digits(powers[target], sum(powers), p, loss) if p >= sys.float_info.min else SIGNIFICANT_DIGITS
        terms, total = _exp_terms(values, shift, digits)
        z_true = format_factor(values[target])
        shown = f"e^{z_true}" if shift is None else f"e^({z_true} − {format_factor(offset)})"
        lines += ["first the softmax:", *terms]
        if p > NEAR_ONE and values[target] == max(values):
            others = [format_factor(z) for index, z in enumerate(values) if index != target]
            lines += [f"p = {shown} / {format_number(total)} ≈ 1, so −ln p needs more digits of p than "
                      f"shown: write it as −ln p = ln Σ e^(z − z_true) = ln(1 + Σ_(i ≠ true) e^(z_i − z_true))",
                      f"loss = ln(1 + {' + '.join(f'e^({z} − {z_true})' for z in others)}) = "
                      f"ln(1 + {format_number(_rest(values, target))}) = {format_number(loss)}"]
        elif p >= sys.float_info.min:
            lines += [f"p = {shown} / {format_number(total, digits)} = {format_number(p, digits)}",
                      f"loss = −ln({format_number(p, digits)}) = {format_number(loss)}",
                      f"(equivalently ln Σ e^z − z_true = {format_number(math.log(total) + offset)} − {z_true})"]
        else:   # p is below a float's range (−ln(0) would read as ∞; a subnormal has few digits): logs
            lines += [f"p = {shown} / {format_number(total)} = e^{format_factor(-loss)}, too small for a float: "
                      "take logs instead",
                      f"loss = ln Σ e^z − z_true = {format_number(math.log(total) + offset)} − {z_true}"
                      f" = {format_number(loss)}"]
    else:
        lines.append(f"loss = −ln({format_number(values[target])}) = {format_number(loss)}")
    return "\n".join(lines) + f"\n\nAnswer: {format_number(loss)}"


CROSS_ENTROPY = Family(
    name="cross_entropy", title="Cross-entropy loss", integral=False,
    answer_spec=constant_spec(NumberAnswer(integral=False)), generate=_ce_generate, solve=_ce_solve,
    prompt=_ce_prompt, solution=_ce_solution)

FAMILIES = (SOFTMAX, CROSS_ENTROPY)
