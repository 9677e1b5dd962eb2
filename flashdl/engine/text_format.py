"""Plain-text rendering of numbers, shapes and matrices for prompts, solutions and verdicts."""

from __future__ import annotations

import contextlib
import contextvars
import decimal
import functools
import itertools
from collections.abc import Callable, Iterator, Sequence
from decimal import ROUND_HALF_DOWN, Decimal
from fractions import Fraction
from typing import Any

from flashdl.engine.grid import Grid
from flashdl.engine.numpy_values import is_bool, is_integer, is_ndarray
from flashdl.engine.precision import (
    DIGITS_ASKED,
    NOISE_DIGITS,
    decimal_text,
    expected_decimal,
    round_significant,
)

SIGNIFICANT_DIGITS = 6
MAX_INTEGER_DIGITS = 40    # longer whole numbers (typed by mistake) are shown rounded
MAX_EXACT_DENOMINATOR = 1000


# Set while a prompt is written (`exact_numbers`): a real param is shown with every digit it has,
# where a worked solution's 6 significant digits would change it (p = 0.9999999 read as 1).
_EXACT: contextvars.ContextVar[bool] = contextvars.ContextVar("exact_numbers", default=False)


@contextlib.contextmanager
def exact_numbers() -> Iterator[None]:
    """Within: `format_number` and `format_small` show a real exactly (shortest round-trip form)."""
    token = _EXACT.set(True)
    try:
        yield
    finally:
        _EXACT.reset(token)


def posed_exactly(text_of: Callable[[Any], str], params: Any) -> str:
    """`text_of(params)` inside `exact_numbers`, without a generator's cost (every prompt is posed so)."""
    token = _EXACT.set(True)
    try:
        return text_of(params)
    finally:
        _EXACT.reset(token)


def format_number(value: Any, significant: int = SIGNIFICANT_DIGITS) -> str:
    """Ints as ints; reals with up to six (`significant`) significant digits and no `-0`."""
    if type(value) is int:   # the common case, first: solutions format hundreds of entries
        return str(value)
    if isinstance(value, Fraction):
        if value.denominator == 1 and abs(value.numerator) < 10**MAX_INTEGER_DIGITS:
            return str(value.numerator)
        try:
            value = float(value)
        except OverflowError:   # beyond any float: say roughly how big
            magnitude = len(str(abs(value.numerator))) - len(str(value.denominator))
            return f"{'-' if value < 0 else ''}~1e{magnitude}"
    if is_bool(value):
        return str(value).lower()
    if is_integer(value):
        return str(int(value))
    number = float(value)
    if number == 0:
        return "0"
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    text = f"{number:.{significant}g}"
    if _EXACT.get() and float(text) != number:
        return repr(number)   # a prompt's param as given: 0.4999999 is not the threshold 0.5
    digits = significant
    while _looks_half(text) and float(text) != number and digits < NOISE_DIGITS:
        digits += 1   # 0.54405 for 0.5440496 would teach the wrong rounding to 4 digits: 0.54404965
        text = f"{number:.{digits}g}"
    return text   # a half at 12 digits is one to the checker too (both roundings pass): the rest is float noise


def consistent_digits(redoes: Callable[[int], bool]) -> int:
    """The fewest significant digits, from 6, at which a worked solution's numbers redo to its
    answer (`redoes(digits)`): 2.40795 / 3 = 0.80265 reads as 0.8027, for a mean of 0.802649."""
    for digits in range(SIGNIFICANT_DIGITS, NOISE_DIGITS):
        if redoes(digits):
            return digits
    return NOISE_DIGITS


def redoes_to(shown: Decimal, value: float) -> bool:
    """Whether `shown`, worked from a solution's printed numbers and rounded as taught (halves
    up), is `value` to the digits asked (either rounding of an exact half of it, as checked)."""
    want = expected_decimal(value)
    accepted = (round_significant(want, DIGITS_ASKED), round_significant(want, DIGITS_ASKED, ROUND_HALF_DOWN))
    return round_significant(shown, DIGITS_ASKED) in accepted


def _looks_half(text: str) -> bool:
    """Whether a number shown with 6 significant digits reads as an exact half at the 4 digits a
    typed answer is checked to (`0.54405`, `1.2345e-05`), the one display that misleads."""
    if "5" not in text:
        return False
    mantissa = text.partition("e")[0].lstrip("-")
    # in a whole number's text, trailing zeros hold places (832350 for 832349.5 is 8,3,2,3,5)
    mantissa = (mantissa.replace(".", "") if "." in mantissa else mantissa.rstrip("0")).lstrip("0")
    return len(mantissa) == DIGITS_ASKED + 1 and mantissa[-1] == "5"


def format_fraction(numerator: int, denominator: int) -> str:
    """`3/4 = 0.75`: the exact fraction students can type, then its decimal."""
    value = Fraction(numerator, denominator)
    if value.denominator == 1:
        return str(value.numerator)
    decimal = format_number(value)
    if (numerator, denominator) == (value.numerator, value.denominator):
        return f"{value.numerator}/{value.denominator} = {decimal}"
    return f"{numerator}/{denominator} = {value.numerator}/{value.denominator} = {decimal}"


_SMALL_FACTORS = {value: (f"(−{-value})" if value < 0 else str(value)) for value in range(-100, 101)}


def format_factor(value: Any) -> str:
    """A number inside a product or after an operator, as written by hand: `2·(−1)`, `− (−1)`."""
    if type(value) is int and -100 <= value <= 100:
        return _SMALL_FACTORS[value]
    text = format_number(value)
    return f"(−{text[1:]})" if text.startswith("-") else text


def format_shape(shape: Sequence[int]) -> str:
    return " × ".join(str(int(side)) for side in shape)


def format_inline(value: Any) -> str:
    """One line, in a form `check` parses back: `[[1, 2], [3, 4]]`, `2 × 2`, `0.75`."""
    if isinstance(value, Grid) or is_ndarray(value):
        value = value.tolist()
    if type(value) is list and _only_ints(value):
        # Nested lists of plain ints print as `str` prints them, at C speed: this buys conv2d_backward
        # 2–5 % (best of 8×500 variants back to back: 4,939 → 5,193 and 5,128 → 5,254, 2026-12-04).
        return str(value)
    return _format_nested(value)


def _only_ints(value: list[Any]) -> bool:
    """Whether `value` nests lists only, down to leaves that are all plain ints (no bools, floats)."""
    level = value
    while True:
        kinds = set(map(type, level))
        if kinds == {int}:
            return True
        if kinds != {list}:
            return False
        level = list(itertools.chain.from_iterable(level))


def _format_nested(value: Any) -> str:
    if not isinstance(value, (list, tuple)):
        return format_number(value)
    kinds = set(map(type, value))
    if list in kinds or tuple in kinds:
        return "[" + ", ".join([_format_nested(item) for item in value]) + "]"
    return "[" + ", ".join(map(format_number, value)) + "]"   # a row of numbers: no call per entry


def layout_matrix(matrix: Any, indent: str = "    ") -> str:
    """Rows on lines, columns right-aligned, so a matrix reads as one at a glance."""
    rows = matrix.tolist() if isinstance(matrix, Grid) or is_ndarray(matrix) else matrix
    if rows and rows[0]:
        flat = list(itertools.chain.from_iterable(rows))
        if set(map(type, flat)) == {int}:
            if set(map(len, rows)) == {len(rows[0])}:
                # One cached format string for the whole grid, filled by one call: a third off
                # each int matrix (5.1 → 3.6 µs for 4×4), and conv2d_backward lays out five a variant
                # (with the paths above and in `array_parse`: 5,359 → 5,702, 5,394 → 5,696 variants/s,
                # best of 8×500 back to back, 2026-12-04).
                width = max(len(str(min(flat))), len(str(max(flat))))   # the longest text is at an extreme
                return _int_grid(indent, width, len(rows[0]), len(rows)).format(*flat)
            low = min([min(row) for row in rows])
            high = max([max(row) for row in rows])
            width = max(len(str(low)), len(str(high)))
            row_format = indent + "  ".join([f"{{:>{width}}}"] * len(rows[0]))
            return "\n".join([row_format.format(*row) for row in rows])
    cells = [[format_number(item) for item in row] for row in rows]
    width = max([len(cell) for row in cells for cell in row], default=1)
    return "\n".join([indent + "  ".join([cell.rjust(width) for cell in row]) for row in cells])


@functools.lru_cache(maxsize=256)
def _int_grid(indent: str, width: int, columns: int, rows: int) -> str:
    """`str.format` text of a rows×columns grid of ints right-aligned to `width`."""
    return "\n".join([indent + "  ".join([f"{{:>{width}}}"] * columns)] * rows)


def layout_array(array: Any, indent: str = "    ") -> str:
    """A matrix, or a tensor as one labelled matrix per channel."""
    values = array.tolist() if isinstance(array, Grid) or is_ndarray(array) else array
    if not isinstance(values, list) or not values or not isinstance(values[0], list):
        return indent + format_inline(values)
    if not isinstance(values[0][0], list):
        return layout_matrix(values, indent)
    return "\n".join(f"{indent}channel {index + 1}:\n{layout_matrix(channel, indent + '  ')}"
                     for index, channel in enumerate(values))


def factor_texts(nested: Any) -> Any:
    """Every number of a nested list formatted as a factor, once, for many products."""
    if not isinstance(nested, list):
        return format_factor(nested)
    if nested and not isinstance(nested[0], list):
        small = _SMALL_FACTORS   # the common case, looked up without a call per entry
        return [small[item] if type(item) is int and -100 <= item <= 100 else format_factor(item)
                for item in nested]
    return [factor_texts(item) for item in nested]


def join_products(pairs: Sequence[tuple[str, str]]) -> str:
    """`a·b + c·d` from factors already formatted by `factor_texts`; an empty sum reads `0`."""
    return " + ".join([f"{a}·{b}" for a, b in pairs]) if pairs else "0"


def plural(count: int, noun: str) -> str:
    """`1 input channel`, `3 input channels`: a count with its noun in the right number."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


signed_term = format_factor   # a number after `−` or `+`: `3 − (−1)`, never `3 − -1`


def format_difference(a: float, b: float, result: float) -> tuple[str, str]:
    """`a` and `b` (b as a term) of a line `a − b = result` that a student can redo: to a digit
    finer than the last one `result` shows, where their own 6 significant digits would give it
    wrong after a cancellation (1.48514 − 1.43986 = 0.04528, for the 0.0452746 shown)."""
    finest = int(Decimal(format_number(result)).as_tuple().exponent) - 1   # 0.0839749 → −8, 2e-07 → −8
    minuend, term = _to_digit(a, finest), _to_digit(b, finest)
    return minuend, (f"(−{term[1:]})" if term.startswith("-") else term)


_WIDE = decimal.Context(prec=80, Emax=999_999, Emin=-999_999)


def _to_digit(value: float, finest: int) -> str:
    """`value` to the digit 10^finest (trailing zeros dropped), or its own form if that is finer."""
    own = format_number(value)
    if int(Decimal(own).as_tuple().exponent) <= finest:
        return own
    return decimal_text(_WIDE.quantize(Decimal(repr(float(value))), Decimal(1).scaleb(finest)))


def format_small(value: float) -> str:
    """A small constant such as ε as written by hand: `1e-8`, not `1e-08`."""
    text = f"{value:g}"
    if _EXACT.get() and float(text) != value:
        text = repr(float(value))
    mantissa, _, exponent = text.partition("e")
    return f"{mantissa}e{int(exponent)}" if exponent else mantissa


def minus_sign(text: str) -> str:
    """A formatted number with a typographic minus, for running text: `−0.5`."""
    return "−" + text[1:] if text.startswith("-") else text


def format_signed(value: Any) -> str:
    """`format_number` with a typographic minus, for prompts and worked solutions."""
    return minus_sign(format_number(value))


def indefinite_article(number: int) -> str:
    """`a 7 × 7 input`, `an 8 × 8 input`, `an 11 × 11 input`: by how the number is spoken."""
    digits = str(abs(number))
    spoken_with_vowel = digits.startswith("8") or (len(digits) % 3 == 2 and digits[:2] in ("11", "18"))
    return "an" if spoken_with_vowel else "a"
