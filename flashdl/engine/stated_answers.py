"""Finding the answer a card's back states, in the form its family's answer takes.

Backs are prose written by students ("760 = (3·5·5 + 1)·10", "2x2 (same as output)",
"… The resulting 2x2 output matrix: -5 -6 -12 -9"), so each kind of answer has its own
modest heuristics; when none applies the answer is reported as not found (None) rather
than guessed.
"""

from __future__ import annotations

import math
import re
from typing import Any

from flashdl.engine.answer_parse import GROUPED_RE, LITERAL_RE, clean_text, literal_value, parse_scalar
from flashdl.engine.answer_specs import AnswerSpec, ArrayAnswer, NumberAnswer, PartsAnswer, ShapeAnswer
from flashdl.engine.errors import AnswerParseError

MAX_STATED_SIDE = 10**9
_PRODUCT_SIGNS = str.maketrans({"·": "*", "×": "*", "⋅": "*", "∙": "*"})
_LEADING_RE = re.compile(rf"^\s*(?:\*\*)?{LITERAL_RE.pattern}(?:\*\*)?(?=$|[\s=,;:.)(])")
# "1,280,000 parameters": a grouped number (its comma is no separator), then what may follow a number
_GROUPED_LEADING_RE = re.compile(rf"^\s*(?:\*\*)?({GROUPED_RE.pattern})(?:\*\*)?(?=$|[\s=;:)(]|[.,](?!\d))")
_SHAPE_RE = re.compile(r"(?<![\w.])(\d+)\s*[x×]\s*(\d+)(?:\s*[x×]\s*\d+)?(?!\w|\.\d)")
_SHAPE_CUE_RE = re.compile(r"(?i)(?:output|result|answer|shape|size|becomes?|will be|is|=|→|->)\W{0,12}$")
_LITERAL_ANYWHERE_RE = re.compile(rf"(?<![\w.]){LITERAL_RE.pattern}(?![\w.])")
_RUN_SEPARATOR_RE = re.compile(r"[\s,;\[\]()|]*")


def find_stated(spec: AnswerSpec, back: str, expected: Any) -> Any | None:
    """The stated answer as `spec.parse` would return it, or None when none is found."""
    try:
        text = clean_text(back).translate(_PRODUCT_SIGNS)
    except AnswerParseError:   # not text, or longer than any answer: nothing to find
        return None
    try:   # a literal can still be unreadable ("1/0", "1e500"): then nothing is stated
        if isinstance(spec, NumberAnswer):
            return _stated_number(text)
        if isinstance(spec, ShapeAnswer):
            return _stated_shape(text)
        if isinstance(spec, ArrayAnswer):
            return _stated_array(text, expected)
        if isinstance(spec, PartsAnswer):
            return spec.parse(text)
    except AnswerParseError:
        return None
    return None


def _leading_number(text: str) -> Any | None:
    """The number a text opens with ("760 Formula = …", "**0.5**", "1,280,000 weights"), if it
    opens with one."""
    if (grouped := _GROUPED_LEADING_RE.match(text)) is not None:
        return parse_scalar(grouped.group(1))
    leading = _LEADING_RE.match(text)
    if leading is None:
        return None
    literal = LITERAL_RE.search(leading.group(0))
    return literal_value(literal) if literal is not None else None


def _stated_number(text: str) -> Any | None:
    leading = _leading_number(text)
    if leading is not None:
        return leading
    if "=" in text:     # "… = (3·5·5 + 1)·10 = 760": the value after the last "="
        lines = text.rsplit("=", 1)[1].strip().splitlines()
        tail = lines[0] if lines else ""
        try:
            return parse_scalar(tail)
        except AnswerParseError:
            return _leading_number(tail)
    return None


def _stated_shape(text: str) -> list[int] | None:
    """A shape the back opens with ("2x2 (same as output)") or one announced as the answer
    ("so the output will be 14x14x3"); shapes used as labels ("3x3: …") or describing the
    kernel in passing are not answers."""
    for position, shape in enumerate(_SHAPE_RE.finditer(text)):
        if text[shape.end():].lstrip(" ").startswith(":"):
            continue
        opening = position == 0 and not text[: shape.start()].strip(" *-#\n")
        if opening or _SHAPE_CUE_RE.search(text[max(0, shape.start() - 40): shape.start()]):
            return [int(shape.group(1)), int(shape.group(2))]
    if _SHAPE_RE.search(text):
        return None
    side = _stated_number(text)
    if side is not None and side == int(side) and 0 < side <= MAX_STATED_SIDE:
        return [int(side), int(side)]    # a square output stated by its side
    return None


def _stated_array(text: str, expected: Any) -> Any | None:
    """The last run of numbers long enough to fill the expected shape, reshaped to it."""
    shape: list[int] = []
    probe = expected
    while isinstance(probe, list):
        shape.append(len(probe))
        probe = probe[0]
    size = math.prod(shape)
    runs: list[list[Any]] = []
    previous_end = None
    text = _SHAPE_RE.sub(lambda shape_match: " " * len(shape_match.group(0)), text)  # "2x2" is no entry
    for match in _LITERAL_ANYWHERE_RE.finditer(text):
        gap = text[previous_end: match.start()] if previous_end is not None else None
        if gap is None or _RUN_SEPARATOR_RE.fullmatch(gap) is None:
            runs.append([])
        runs[-1].append(literal_value(match))
        previous_end = match.end()
    for run in reversed(runs):
        if len(run) >= size:
            return _reshape(run[-size:], shape)
    return None


def _reshape(flat: list[Any], shape: list[int]) -> Any:
    if len(shape) <= 1:
        return flat if shape else flat[0]
    step = len(flat) // shape[0]
    return [_reshape(flat[i * step: (i + 1) * step], shape[1:]) for i in range(shape[0])]
