"""Mean binary cross-entropy of predicted probabilities against 0/1 targets (natural log),
as `torch.nn.functional.binary_cross_entropy` with its default mean reduction."""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from flashdl.engine.answer_specs import NumberAnswer
from flashdl.engine.errors import EngineParamsError
from flashdl.engine.family import Family, Params, Rng, constant_spec, draw_indices
from flashdl.engine.params import (
    as_mapping,
    read_int_list,
    read_number_list,
    reject_unknown,
)
from flashdl.engine.precision import DIGITS_ASKED, decimal_text, to_decimal
from flashdl.engine.text_format import consistent_digits, format_inline, format_number, redoes_to

_PROBABILITIES = (0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9)


def _read(params: Mapping[str, Any]) -> tuple[list[float | int], list[int]]:
    params = as_mapping(params)
    reject_unknown(params, ("probs", "targets"))
    probs = read_number_list(params, "probs", minimum=0, maximum=1)
    if any(p <= 0 or p >= 1 for p in probs):
        raise EngineParamsError("probs", "each probability must be strictly between 0 and 1 (else a term is infinite)")
    targets = read_int_list(params, "targets", minimum=0, maximum=1)
    if len(targets) != len(probs):
        raise EngineParamsError("targets", f"needs one 0/1 target per probability ({len(probs)}), got {len(targets)}")
    return probs, targets


def _generate(rng: Rng) -> Params:
    count, *draws = draw_indices(rng, (3, *[len(_PROBABILITIES)] * 4, *[2] * 4))
    n = count + 2
    return {"probs": [_PROBABILITIES[i] for i in draws[:n]], "targets": draws[4: 4 + n]}


def _terms(params: Mapping[str, Any]) -> list[float]:
    probs, targets = _read(params)
    # log1p: ln(1 − 1e-9) by way of the float 1 − 1e-9 keeps only 7 digits
    return [-math.log(p) if y else -math.log1p(-p) for p, y in zip(probs, targets)]


def _solve(params: Mapping[str, Any]) -> float:
    terms = _terms(params)
    return sum(terms) / len(terms)


def _prompt(params: Mapping[str, Any]) -> str:
    probs, targets = _read(params)
    return (f"A binary classifier predicts probabilities p = {format_inline(probs)} that each example is "
            f"positive; the true labels are y = {format_inline(targets)}. What is the mean binary "
            f"cross-entropy loss (natural log)? (To {DIGITS_ASKED} significant digits.)")


def _probability(q: Fraction) -> str:
    """The probability a term takes −ln of; every digit of it from 0.99 on, where 6 significant
    digits no longer give the term to 4 (−ln(0.9999999) is 1e-7, and 0.9999999 would show as 1)."""
    return decimal_text(to_decimal(q)) if q >= NEAR_ONE else format_number(q)


NEAR_ONE = Fraction(99, 100)


def _solution(params: Mapping[str, Any]) -> str:
    probs, targets = _read(params)
    terms = _terms(params)
    mean = _solve(params)

    def redo(d: int) -> bool:
        shown = [Decimal(format_number(term, d)) for term in terms]
        return (redoes_to(sum(shown, Decimal(0)) / len(terms), mean)
                and redoes_to(Decimal(format_number(sum(terms), d)) / len(terms), mean))
    digits = consistent_digits(redo)

    def f(value: float) -> str:   # the terms and their sum at digits that redo to the mean
        return format_number(value, digits)
    lines = [("BCE = −(1/n)·Σ [y·ln p + (1 − y)·ln(1 − p)]: each example costs −ln of the probability "
             "given to its true label."), ""]
    for index, (p, y, term) in enumerate(zip(probs, targets, terms), start=1):
        if y:
            lines.append(f"example {index}, y = 1: −ln({_probability(Fraction(repr(p)))}) = {f(term)}")
        else:
            lines.append(f"example {index}, y = 0: −ln(1 − {f(p)}) = −ln({_probability(1 - Fraction(repr(p)))})"
                         f" = {f(term)}")
    total = sum(terms)
    if len(terms) == 1:
        lines.append("one example: the loss is its cost")
    else:
        lines.append(f"mean = ({' + '.join(f(term) for term in terms)}) / {len(terms)} = {f(total)} / {len(terms)}"
                     f" = {format_number(mean)}")
    return "\n".join(lines) + f"\n\nAnswer: {format_number(mean)}"


BINARY_CROSS_ENTROPY = Family(
    name="binary_cross_entropy", title="Binary cross-entropy loss", integral=False,
    answer_spec=constant_spec(NumberAnswer(integral=False)), generate=_generate, solve=_solve,
    prompt=_prompt, solution=_solution)

FAMILIES = (BINARY_CROSS_ENTROPY,)
