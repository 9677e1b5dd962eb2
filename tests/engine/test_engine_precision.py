"""The precision rule: what a prompt asks ("4 significant digits") is exactly what check does.

The reference is Python's decimal module: a `Context(prec=d)` rounds to d significant digits,
so the roundings a student may type are built with it, independently of the engine's code."""

from __future__ import annotations

import decimal
from decimal import ROUND_HALF_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from flashdl.engine import get_family
from flashdl.engine.answer_specs import ArrayAnswer, NumberAnswer, check_answer

ASKED = 4
SPEC = NumberAnswer(integral=False)


def _round(value: Decimal, digits: int, rounding: str = ROUND_HALF_UP) -> Decimal:
    return decimal.Context(prec=digits, rounding=rounding).plus(value)


def _text(value: Decimal) -> str:
    """Decimal notation keeping every significant digit: `0.0500`, or `5.0e+2` for a rounding to
    tens or more (whose trailing zeros, written `500`, would not count as significant)."""
    _sign, digits, exponent = value.as_tuple()
    return format(value, "e") if exponent > 0 or (exponent == 0 and digits[-1] == 0) else format(value, "f")


# Expected values: 1–12 significant digits, magnitudes 1e-6 … 1e6, either sign.
EXPECTED = st.builds(lambda digits, exponent, negative: Decimal(digits).scaleb(exponent) * (-1 if negative else 1),
                     st.integers(1, 10**12 - 1), st.integers(-17, -6), st.booleans()).filter(lambda d: d != 0)


@settings(max_examples=500, deadline=None)
@given(EXPECTED, st.integers(ASKED, 12), st.sampled_from([ROUND_HALF_UP, ROUND_HALF_EVEN, ROUND_HALF_DOWN]))
def test_any_rounding_to_the_digits_asked_or_more_is_right(expected: Decimal, digits: int, rounding: str) -> None:
    typed = _text(_round(expected, digits, rounding))
    verdict = check_answer(SPEC, float(expected), typed)
    assert verdict.correct, (expected, typed, verdict)


@settings(max_examples=500, deadline=None)
@given(EXPECTED, st.integers(1, ASKED - 1))
def test_a_shorter_rounding_is_wrong_and_says_why(expected: Decimal, digits: int) -> None:
    short = _round(expected, digits)
    asked = _round(expected, ASKED)
    assume(short != asked and _round(expected, ASKED, ROUND_HALF_EVEN) != short)   # else it *is* the answer
    verdict = check_answer(SPEC, float(expected), _text(short))
    assert not verdict.correct
    plural = "digit" if digits == 1 else "digits"
    assert verdict.feedback == (f"{verdict.given} rounds the expected {verdict.expected} to {digits} significant "
                                f"{plural}; {ASKED} were asked"), verdict
    assert Decimal(verdict.expected) == asked.normalize()


@settings(max_examples=500, deadline=None)
@given(EXPECTED, st.integers(ASKED, 8), st.sampled_from([-1, 1]))
def test_one_unit_off_in_the_last_digit_asked_is_wrong(expected: Decimal, digits: int, direction: int) -> None:
    """No hidden tolerance: the nearest wrong value at the precision asked is refused."""
    rounded = _round(expected, ASKED)
    unit = Decimal(1).scaleb(rounded.adjusted() - ASKED + 1)
    off = rounded + direction * unit
    assume(_round(off, ASKED) != _round(expected, ASKED, ROUND_HALF_DOWN) and off != 0)
    assume(off.adjusted() == rounded.adjusted())   # 9.999 + 0.001 changes the digit count
    verdict = check_answer(SPEC, float(expected), _text(_round(off, digits)))
    assert not verdict.correct, (expected, off, verdict)


def test_the_issues_example() -> None:
    verdict = check_answer(SPEC, 0.00767567, "0.0077")
    assert not verdict.correct
    assert verdict.feedback == "0.0077 rounds the expected 0.007676 to 2 significant digits; 4 were asked"
    for text in ("0.007676", "0.0076757", "0.00767567", "7.676e-3", "0.7676%"):
        assert check_answer(SPEC, 0.00767567, text).correct, text
    assert check_answer(SPEC, 0.00767567, "0.007675").feedback == "expected 0.007676, got 0.007675"


@pytest.mark.parametrize("expected, typed, right", [
    (0.5, "0.5", True), (0.50001, "0.5", True),            # 0.5 is 0.5000: the digits asked
    (0.75, "3/4", True), (0.7500001, "3/4", True),          # exact forms round like any value
    (2 / 3, "2/3", True), (2 / 3, "0.667", False), (2 / 3, "0.6667", True), (2 / 3, "0.66667", True),
    (0.65625, "0.6562", True), (0.65625, "0.6563", True),    # an exact half may go either way
    (0.123449999, "0.12345", True),                         # right to 5 digits, though it rounds on to 0.1235
    (0.123449999, "0.1235", False),
    (0.1 + 0.2, "0.3", True),                               # floating-point noise is not part of the answer
    (12345.678, "12350", True), (12345.678, "12346", True), (12345.678, "12340", False),
    (0.0, "0", True), (0.0, "0.0001", False),
    (-0.00767567, "-0.007676", True), (-0.00767567, "−0.007676", True), (-0.00767567, "0.007676", False),
])
def test_precision_examples(expected: float, typed: str, right: bool) -> None:
    assert check_answer(SPEC, expected, typed).correct is right


def test_array_entries_follow_the_same_rule() -> None:
    spec = ArrayAnswer(integral=False)
    verdict = check_answer(spec, [0.00767567, 0.5], "0.0077, 0.5")
    assert not verdict.correct
    assert verdict.feedback == "entry (1): 0.0077 rounds the expected 0.007676 to 2 significant digits; 4 were asked"
    assert check_answer(spec, [0.00767567, 0.5], "0.007676 0.5000").correct


def test_a_family_check_uses_the_rule() -> None:
    params = {"probs": [0.99, 0.01], "targets": [1, 0]}   # −ln 0.99 = 0.01005034
    family = get_family("binary_cross_entropy")
    assert family.check(params, "0.01005").correct
    verdict = family.check(params, "0.01")
    assert verdict.feedback == "0.01 rounds the expected 0.01005 to 1 significant digit; 4 were asked"
    assert family.format_answer(params, family.solve(params)) == "0.01005"


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"[+-]?(0|[1-9][0-9]{0,6})(\.[0-9]{1,8})?([eE][+-]?[0-9]{1,2})?", fullmatch=True))
def test_significant_digits_of_a_literal(token: str) -> None:
    from flashdl.engine.precision import significant_digits

    digits = Decimal(token).as_tuple().digits   # decimal keeps every digit written, zeros included
    mantissa = token.lower().partition("e")[0]
    if "." not in mantissa:   # a whole number's trailing zeros are not significant
        while len(digits) > 1 and digits[-1] == 0:
            digits = digits[:-1]
    if set(digits) == {0}:
        expected = max(1, len(mantissa.partition(".")[2]))
    else:
        expected = len(digits)
    assert significant_digits(token) == expected


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 99), st.sampled_from(["sqrt", "ln", "exp"]))
def test_a_wrong_expression_is_told_expected_and_got_never_too_few_digits(n: int, function: str) -> None:
    """`sqrt(1/25)` for He's 0.1768 was told "0.2 rounds the expected 0.1768 to 1 significant
    digit; 4 were asked": a formula's value was read as a decimal typed to the digits of its
    float's repr. A formula is an exact form: a wrong one is "expected …, got …", its value at
    6 digits (ln(9) showed 2.1972245773362196). The reference value is math's own."""
    import math

    params = {"scheme": "he", "distribution": "normal", "fan_in": 64, "fan_out": 64}   # 0.1767767
    typed = f"{function}({n}/100)"
    value = getattr(math, "log" if function == "ln" else function)(n / 100)
    verdict = get_family("init_scale").check(params, typed)
    if round(value, 4) == 0.1768 or abs(value - 0.1767767) < 5e-5:
        return
    assert not verdict.correct
    assert "significant digit" not in verdict.feedback
    assert verdict.feedback.startswith("expected 0.1768, got "), verdict.feedback
    shown = Decimal(verdict.feedback.rpartition("got ")[2])
    exact = Decimal(repr(value))
    roundings = {exact.scaleb(-exact.adjusted()).quantize(Decimal(1).scaleb(1 - places), ROUND_HALF_UP)
                 .scaleb(exact.adjusted()) for places in range(6, 13)}   # 6 to 12 significant digits
    assert shown in roundings, (typed, verdict.feedback)


@settings(max_examples=400, deadline=None)
@given(st.integers(10_000_000, 99_999_999))
def test_a_formulas_value_in_feedback_rounds_as_the_value_does(digits8: int) -> None:
    """`0.4527499+0` was told "got 0.45275": six digits made a value that rounds down read as
    one that rounds up. The value shown rounds to 4 digits as the typed value does (both ways
    a half could go), checked here with Decimal's own rounding."""
    typed_value = Decimal(digits8) / Decimal(10**8)   # 0.1xxxxxxx … 0.9xxxxxxx
    verdict = get_family("confusion_metrics").check(
        {"tp": 24, "fp": 16, "tn": 38, "fn": 29, "metric": "tpr"}, f"{typed_value}+0")   # 0.45283
    if verdict.correct:
        return
    shown = Decimal(verdict.feedback.rpartition("got ")[2])
    four = Decimal("0.0001")
    typed_roundings = {typed_value.quantize(four, ROUND_HALF_UP), typed_value.quantize(four, ROUND_HALF_DOWN)}
    assert {shown.quantize(four, ROUND_HALF_UP), shown.quantize(four, ROUND_HALF_DOWN)} == typed_roundings, (
        typed_value, verdict.feedback)   # a true half (0.25265) may show as one; nothing else may


# The expected value is written with every digit asked, as the form hint writes 0.7500: a bare
# 0.231 for 4 significant digits reads as if 3 were asked (hand-worked examples).
@pytest.mark.parametrize(("value", "shown"), [
    (0.23101772979827936, "0.2310"), (0.5, "0.5000"), (2.0, "2.000"), (0.99996, "1.000"),
    (-0.231, "-0.2310"), (0.00767567, "0.007676"), (12345.6, "12350"), (100.0, "100.0"),
    (0.0, "0"),
])
def test_the_expected_value_keeps_its_trailing_zeros(value: float, shown: str) -> None:
    verdict = check_answer(NumberAnswer(integral=False), value, "9")
    assert verdict.expected == shown
    assert verdict.feedback == f"expected {shown}, got 9"


@settings(max_examples=300)
@given(st.floats(min_value=1e-6, max_value=999.0, allow_nan=False))
def test_the_expected_value_has_exactly_the_digits_asked(value: float) -> None:
    shown = check_answer(NumberAnswer(integral=False), value, "").expected
    digits = shown.replace(".", "").lstrip("0")
    assert len(digits) == 4, shown
    # within half a unit of the 4th significant digit of the value (reference: Decimal, exact)
    unit = Decimal(10) ** (Decimal(repr(value)).adjusted() - 3)
    assert abs(Decimal(shown) - Decimal(repr(value))) <= unit / 2
