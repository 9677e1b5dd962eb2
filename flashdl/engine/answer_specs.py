"""What kind of answer a family expects, and how a typed answer is compared with it.

A spec parses the student's text, compares it with the computed answer and names what
differs; `check_answer` turns that into a `Verdict`. Integers compare exactly (when the
family is integral); reals follow the precision rule of `precision.py`: the prompt asks for
`digits` significant digits and the check does exactly that, with no hidden tolerance.
An empty answer means "I don't know": a `Verdict` with `skipped` set, and no error message.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from flashdl.engine.errors import AnswerParseError
from flashdl.engine.precision import (
    DIGITS_ASKED,
    precision_problem,
    rounded_text,
    stated_problem,
    typed_text,
)
from flashdl.engine.text_format import format_inline, format_number, format_shape
from flashdl.engine.verdict import Verdict

if TYPE_CHECKING:
    from flashdl.engine.answer_parse import Nested
    from flashdl.engine.array_parse import LabelSet

# The parsers of typed answers (and `fractions`) are imported when an answer is parsed, not with
# the families: `flashdl show` of a computed card poses and solves it but checks no answer.

MAX_LISTED_DIFFERENCES = 4
MAX_ECHO = 300   # characters of an unreadable answer echoed back in `given`
LIST_HINT = "numbers separated by commas or spaces, e.g. 0.125, 0.5, 2"  # the form, never an answer


class AnswerSpec(Protocol):
    @property
    def hint(self) -> str: ...   # how to type the answer, for a prompt's input line
    def parse(self, text: str) -> Any: ...
    def compare(self, expected: Any, given: Any) -> list[str]: ...
    def format(self, value: Any) -> str: ...
    def __hash__(self) -> int: ...   # specs are values (frozen dataclasses), so readings of them are cached


def number_problem(expected: Any, given: Any, *, integral: bool, digits: int | None) -> str | None:
    """None when `given` is right; else what is wrong. Whole answers of an integral family must
    be exact; real ones are right to `digits` significant digits (None: to the digits `given`
    shows, the audit's reading of a card's back)."""
    if integral and _is_integer(expected):
        if given == expected:
            return None
        return f"expected {format_number(expected)}, got {format_number(given)}"
    if digits is None:
        return stated_problem(expected, given)
    return precision_problem(expected, given, digits)


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    from fractions import Fraction

    return isinstance(value, Fraction) and value.denominator == 1


@dataclass(frozen=True)
class NumberAnswer:
    integral: bool
    digits: int | None = DIGITS_ASKED   # significant digits asked of a real answer

    @property
    def hint(self) -> str:
        if self.integral:
            return "a whole number"
        return f"a number to {self.digits} significant digits: 0.7500, 3/4, 75% or sqrt(2/3)"

    def parse(self, text: str) -> Any:
        from flashdl.engine.answer_parse import typed_scalar

        return typed_scalar(text)

    def compare(self, expected: Any, given: Any) -> list[str]:
        problem = number_problem(expected, given, integral=self.integral, digits=self.digits)
        return [] if problem is None else [problem]

    def format(self, value: Any) -> str:
        return _format_real(value, self.integral, self.digits)


_SIDE_NAMES = ("height", "width")


@dataclass(frozen=True)
class ShapeAnswer:
    """`[out_h, out_w]`, typed as `2x2`, `(2, 2)`, `2 × 2` or `[2, 2]`."""

    hint = "height x width, e.g. 4x4"

    def parse(self, text: str) -> Any:
        from flashdl.engine.answer_parse import parse_shape

        return parse_shape(text)

    def compare(self, expected: Any, given: Any) -> list[str]:
        if len(given) != len(expected):
            return [f"shape mismatch: expected {len(expected)} numbers (height × width), "
                    f"got {len(given)} ({format_shape(given)})"]
        return [f"{name}: expected {want}, got {got}"
                for name, want, got in zip(_SIDE_NAMES, expected, given) if want != got]

    def format(self, value: Any) -> str:
        return format_shape(value)


@dataclass(frozen=True)
class ArrayAnswer:
    """A list, matrix or C×H×W tensor; the expected shape is that of the computed answer."""

    integral: bool
    hint: str = "rows separated by ; or new lines, e.g. 1 2; 3 4 (channels by ;; or a blank line)"
    digits: int | None = DIGITS_ASKED   # significant digits asked of real entries

    def parse(self, text: str) -> Any:
        from flashdl.engine.array_parse import parse_array

        return parse_array(text)   # rectangular, or an AnswerParseError naming the ragged row

    def compare(self, expected: Any, given: Any) -> list[str]:
        wanted_shape = _shape_of(expected)
        conformed = _conform(given, wanted_shape)
        if conformed is None:
            return [f"shape mismatch: expected {_describe_shape(wanted_shape)}, "
                    f"got {_describe_shape(_shape_of(given))}"]
        differences: list[str] = []
        count = 0
        wanted, given_flat = _flatten(expected), _flatten(conformed)
        if wanted == given_flat:   # equal values match under any tolerance: the common, right answer
            return []
        integral, digits = self.integral, self.digits
        for position, (want, got) in enumerate(zip(wanted, given_flat)):
            if type(want) is int and type(got) is int and want == got:
                continue
            problem = number_problem(want, got, integral=integral, digits=digits)
            if problem is not None:
                count += 1
                if count <= MAX_LISTED_DIFFERENCES:
                    index = _unravel(position, wanted_shape)
                    differences.append(f"{_entry_name(index)}: {problem}")
        if count > MAX_LISTED_DIFFERENCES:
            differences.append(f"… {count} of {_size(wanted_shape)} entries differ")
        return differences

    def format(self, value: Any) -> str:
        if self.integral:
            return format_inline(value)
        return _format_leaves(value, self.integral, self.digits)


def _format_leaves(value: Any, integral: bool, digits: int | None) -> str:
    if isinstance(value, list):
        return "[" + ", ".join([_format_leaves(item, integral, digits) for item in value]) + "]"
    return _format_real(value, integral, digits)


def _format_real(value: Any, integral: bool, digits: int | None) -> str:
    """A computed real as the prompt asks for it (`0.007676` for 4 significant digits); a typed
    one (`digits` None) as typed (`0.0077`); anything else as `format_number` shows it."""
    if digits is None or (integral and _is_integer(value)):
        typed = typed_text(value)
        return format_number(value) if typed is None else typed
    try:
        return rounded_text(value, digits)
    except (ValueError, ArithmeticError):
        return format_number(value)


@functools.lru_cache(maxsize=128)   # specs are frozen dataclasses: hashable
def for_audit(spec: AnswerSpec) -> AnswerSpec:
    """The same spec reading real values at the precision they are stated with (a card's back
    may say 0.73 for 0.7311: a rounding, not a mistake); also how a typed answer is echoed."""
    if isinstance(spec, (NumberAnswer, ArrayAnswer)) and not spec.integral:
        return dataclasses.replace(spec, digits=None)
    if isinstance(spec, PartsAnswer):
        parts = tuple(dataclasses.replace(part, spec=for_audit(part.spec)) for part in spec.parts)
        return spec if parts == spec.parts else PartsAnswer(parts)
    return spec


def _shape_of(value: Any) -> tuple[int, ...]:
    shape: list[int] = []
    while isinstance(value, list):
        shape.append(len(value))
        value = value[0] if value else None
    return tuple(shape)


def _size(shape: Sequence[int]) -> int:
    return math.prod(shape)


def _conform(given: Nested, wanted: tuple[int, ...]) -> Nested | None:
    """Forgive leading 1-dimensions (`[[5]]` for 5, `1 2 3` for a 1×3 matrix) and columns for lists.

    `given` comes from `parse`, which has checked that it is rectangular."""
    shape = _shape_of(given)
    while len(shape) > len(wanted) and shape[0] == 1:
        assert isinstance(given, list)
        given, shape = given[0], shape[1:]
    while len(shape) < len(wanted):
        given, shape = [given], (1, *shape)
    if len(wanted) == 1 and shape == (wanted[0], 1):
        assert isinstance(given, list)
        given, shape = [row[0] if isinstance(row, list) else row for row in given], (wanted[0],)
    return given if shape == wanted else None


def _flatten(value: Any) -> list[Any]:
    """Row-major leaves of a rectangular nested list."""
    if not isinstance(value, list):
        return [value]
    flat: list[Any] = value
    while flat and isinstance(flat[0], list):
        flat = list(itertools.chain.from_iterable(flat))
    return flat


def _unravel(position: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    index: list[int] = []
    for side in reversed(shape):
        position, rest = divmod(position, side)
        index.append(rest)
    return tuple(reversed(index))


def _entry_name(index: tuple[int, ...]) -> str:
    if len(index) == 3:
        return f"channel {index[0] + 1}, entry ({index[1] + 1},{index[2] + 1})"
    return "entry (" + ",".join(str(i + 1) for i in index) + ")"


def _describe_shape(shape: tuple[int, ...]) -> str:
    if not shape:
        return "a single number"
    if len(shape) == 1:
        return f"a list of {shape[0]} numbers"
    if len(shape) == 2:
        return f"a {shape[0]}×{shape[1]} matrix"
    return "a " + "×".join(map(str, shape)) + " tensor (channels × rows × columns)"


@dataclass(frozen=True)
class Part:
    key: str
    label: str                    # how feedback and `expected` name the part
    aliases: tuple[str, ...]      # what a student may type before `:` or `=`
    spec: AnswerSpec


@dataclass(frozen=True)
class PartsAnswer:
    """Several labelled answers at once (`dX: … dW: … db: …`); all must be right."""

    parts: tuple[Part, ...]

    @property
    def hint(self) -> str:
        return "  ".join(f"{part.label}: …" for part in self.parts)

    @functools.cached_property
    def aliases(self) -> Mapping[str, str]:
        return {alias: part.key for part in self.parts for alias in (part.label, part.key, *part.aliases)}

    @functools.cached_property
    def labels(self) -> LabelSet:
        from flashdl.engine.array_parse import label_set

        return label_set(self.aliases)

    def parse(self, text: str) -> Any:
        from flashdl.engine.array_parse import split_labelled

        pieces = split_labelled(text, self.labels, [part.label for part in self.parts])
        parsed: dict[str, Any] = {}
        for part in self.parts:
            if part.key in pieces:
                try:
                    parsed[part.key] = part.spec.parse(pieces[part.key])
                except AnswerParseError as error:
                    raise AnswerParseError(f"{part.label}: {error}") from None
        return parsed

    def compare(self, expected: Any, given: Any) -> list[str]:
        problems: list[str] = []
        for part in self.parts:
            if part.key not in given:
                problems.append(f"{part.label}: missing")
                continue
            problems.extend(f"{part.label}: {problem}"
                            for problem in part.spec.compare(expected[part.key], given[part.key]))
        return problems

    def format(self, value: Any) -> str:
        return "; ".join(f"{part.label}: {part.spec.format(value[part.key])}"
                         for part in self.parts if part.key in value)


def check_answer(spec: AnswerSpec, expected: Any, text: str) -> Verdict:
    expected_text = spec.format(expected)
    if isinstance(text, str) and not text.strip():
        return Verdict(False, expected_text, "", "", skipped=True)
    try:
        given = spec.parse(text)
    except AnswerParseError as error:
        echo = str(text).strip()[:MAX_ECHO]
        return Verdict(False, expected_text, echo, f"could not read the answer: {error}")
    problems = spec.compare(expected, given)
    feedback = "correct" if not problems else "; ".join(problems)
    if not problems and given == expected:   # equal values: the echo is the expected text
        return Verdict(True, expected_text, expected_text, feedback)
    return Verdict(not problems, expected_text, for_audit(spec).format(given), feedback)
