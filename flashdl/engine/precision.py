"""The precision rule: a real-valued answer is checked exactly as its prompt says, no hidden tolerance.

A prompt asks for N significant digits (`DIGITS_ASKED`). A typed number is right when

1. rounded to N significant digits it equals the expected value rounded to N significant
   digits (so 0.007676, 0.0076757 and 0.00767567 are right for 0.00767567, and 0.5 is right
   for 0.50001: it *is* 0.5000), or
2. it is the expected value correctly rounded to the (more than N) digits it is given with
   (0.12345 for 0.123449999: right to 5 digits, although it rounds on to 0.1235).

Everything else is wrong; when the typed number has fewer digits than asked and is the
expected value rounded to those digits, the feedback says so ("0.0077 rounds the expected
0.007676 to 2 significant digits; 4 were asked"). An exact half may be rounded either way
(0.65625 → 0.6563 as taught in school, or 0.6562 as Python and IEEE round ties to even);
the expected value is shown rounded half away from zero. Fractions and expressions (`3/4`,
`sqrt(2/3)`) are exact values and follow rule 1. The expected value is first taken to
`NOISE_DIGITS` significant digits, so floating-point noise (0.30000000000000004) is not part
of any answer. docs/engine.md states the same rule for students and deck authors.
"""

from __future__ import annotations

import decimal
import functools
from decimal import ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Self

DIGITS_ASKED = 4
NOISE_DIGITS = 12
_CONTEXT = decimal.Context(prec=60, Emax=999_999, Emin=-999_999)


class TypedNumber(Fraction):
    """A decimal literal as typed: its exact value, how many significant digits it shows, and
    the same value as a `Decimal` (so checking it needs no division).

    Arithmetic on it gives plain Fractions: a computed value is exact, not typed."""

    digits: int
    decimal: Decimal

    def __new__(cls, value: str | Fraction, digits: int, exact: Decimal | None = None) -> Self:
        self = super().__new__(cls, value)
        self.digits = digits
        self.decimal = _fraction_decimal(self) if exact is None else exact
        return self

    def __reduce__(self) -> Any:   # Fraction would rebuild it from str(self) and lose the digits
        return (TypedNumber, (f"{self.numerator}/{self.denominator}", self.digits, self.decimal))

    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: Any) -> Self:
        return self


def typed_literal(token: str, percent: bool = False) -> TypedNumber:
    """`0.0077` → 77/10000 showing 2 significant digits (`percent`: the token is in %)."""
    exact = Decimal(token)
    value = Fraction(token)
    if percent:
        exact, value = exact.scaleb(-2), value / 100
    return TypedNumber(value, significant_digits(token), exact)


def significant_digits(token: str) -> int:
    """Significant digits of a decimal literal: `0.0077` → 2, `0.7500` → 4, `1.5e-3` → 2; the
    trailing zeros of a whole number are not counted (`120` → 2, `120.` → 3), as usual."""
    mantissa = token.strip().lstrip("+-").lower().partition("e")[0].rstrip("%").strip()
    whole, point, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    if not point:
        digits = digits.rstrip("0")
    if digits:
        return len(digits)
    return max(1, len(fraction))   # a zero: as many digits as it was written with


def digits_of(value: Any) -> int | None:
    """How many significant digits a typed value shows; None for an exact form (3/4, sqrt(2))."""
    if isinstance(value, TypedNumber):
        return value.digits
    if type(value) is int:
        return significant_digits(str(value))
    return None   # a float is a computed form (sqrt(1/25) is not "0.2 to 1 digit"), like 3/4


def _fraction_decimal(value: Fraction) -> Decimal:
    return _CONTEXT.divide(Decimal(value.numerator), Decimal(value.denominator))


def to_decimal(value: Any) -> Decimal:
    """The exact value of an int, a Fraction or a float (a terminating Fraction exactly)."""
    kind = type(value)
    if kind is float:
        return Decimal(repr(value))
    if kind is int:
        return Decimal(value)
    if isinstance(value, TypedNumber):
        return value.decimal
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, int):
        return Decimal(int(value))
    if isinstance(value, Fraction):
        return _fraction_decimal(value)
    return Decimal(repr(float(value)))


@functools.lru_cache(maxsize=64)
def _rounding_context(digits: int, rounding: str) -> decimal.Context:
    return decimal.Context(prec=digits, rounding=rounding, Emax=999_999, Emin=-999_999)


def round_significant(value: Decimal, digits: int, rounding: str = ROUND_HALF_UP) -> Decimal:
    """`value` to `digits` significant digits, halves away from zero unless told otherwise."""
    return _rounding_context(digits, rounding).plus(value)


def _roundings(value: Decimal, digits: int) -> tuple[Decimal, ...]:
    """`value` to `digits` significant digits: one value, or both neighbours of an exact half."""
    up = round_significant(value, digits)
    down = round_significant(value, digits, ROUND_HALF_DOWN)
    return (up,) if up == down else (up, down)


@functools.lru_cache(maxsize=4096)
def expected_decimal(value: Any) -> Decimal:
    """The expected value to `NOISE_DIGITS` (memoised: a variant's answer is formatted and
    checked with the same values)."""
    return round_significant(to_decimal(value), NOISE_DIGITS)


def decimal_text(value: Decimal) -> str:
    """Plain notation for exam-sized numbers (`0.007676`, `12350`), scientific beyond."""
    if not value:
        return "0"
    normal = value.normalize(_CONTEXT)
    if -7 <= normal.adjusted() < 16:
        text = format(normal, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    mantissa, _, exponent = f"{normal:e}".partition("e")
    return f"{mantissa}e{int(exponent)}"


def typed_text(value: Any) -> str | None:
    """A typed decimal as its digits (`0.0077`, never `7.7e-03`); None for any other value."""
    return decimal_text(to_decimal(value)) if isinstance(value, TypedNumber) else None


@functools.lru_cache(maxsize=4096)
def rounded_text(value: Any, digits: int = DIGITS_ASKED) -> str:
    """The expected value as the prompt asks for it, its trailing zeros kept: `0.00767567` →
    `0.007676`, `0.231018` → `0.2310`, `0.5` → `0.5000` (the form hint's `0.7500`; `0.231` read
    as if 3 significant digits were asked)."""
    return _as_asked(round_significant(expected_decimal(value), digits), digits)


def _as_asked(rounded: Decimal, digits: int) -> str:
    """`rounded` (already at `digits` significant digits) written with all of them."""
    places = digits - 1 - rounded.adjusted() if rounded else 0
    if places <= 0 or not -7 <= rounded.adjusted() < 16:   # whole, zero or scientific: as ever
        return decimal_text(rounded)
    return format(rounded.quantize(Decimal(1).scaleb(-places)), "f")


def _plural(count: int) -> str:
    return f"{count} significant digit{'' if count == 1 else 's'}"


def precision_problem(expected: Any, given: Any, digits: int = DIGITS_ASKED) -> str | None:
    """None when `given` is right to `digits` significant digits, else what is wrong."""
    want = expected_decimal(expected)
    try:
        got = to_decimal(given)
    except (OverflowError, ValueError, decimal.InvalidOperation):
        return f"expected {_as_asked(round_significant(want, digits), digits)}, got {given}"
    target = round_significant(want, digits)
    targets = _roundings(want, digits)
    if any(rounded in targets for rounded in _roundings(got, digits)):
        return None
    shown = digits_of(given)
    if shown is not None and shown > digits and got in _roundings(want, shown):
        return None
    got_text = decimal_text(round_significant(got, shown) if shown is not None else _shown_form(got, digits))
    if shown is not None and shown < digits and got in _roundings(want, shown):
        return (f"{got_text} rounds the expected {_as_asked(target, digits)} to {_plural(shown)}; "
                f"{digits} were asked")
    return f"expected {_as_asked(target, digits)}, got {got_text}"


def _shown_form(value: Decimal, digits: int) -> Decimal:
    """An exact or computed form (1/3, ln(9)) at a few digits past those asked, not all 17 or 60;
    more where those few would round otherwise than the value (0.4527499 at 6 digits is 0.45275,
    which reads as rounding up)."""
    shown = digits + 2
    rounded = round_significant(value, shown)
    while _roundings(rounded, digits) != (round_significant(value, digits),) and shown < NOISE_DIGITS:
        shown += 1
        rounded = round_significant(value, shown)
    return rounded


def stated_problem(expected: Any, given: Any) -> str | None:
    """For the audit of a card's back: a stated value is right when it is the expected value
    correctly rounded to the digits it is written with (an exact form must be exact to
    `NOISE_DIGITS`)."""
    want = expected_decimal(expected)
    got = to_decimal(given)
    shown = digits_of(given) or NOISE_DIGITS
    if got in _roundings(want, min(shown, NOISE_DIGITS)) or round_significant(got, NOISE_DIGITS) == want:
        return None
    return f"expected {decimal_text(want)}, got {decimal_text(got)}"
