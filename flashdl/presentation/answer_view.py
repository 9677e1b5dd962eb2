"""What the computed-card panel shows: the verdict, expected and typed answers, aligned.

Pure functions, no Textual: an engine answer (number, list, matrix, C×H×W
tensor, or a dict of those) laid out in right-aligned columns, the hint of
what to type, and the feedback block after a check.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from flashdl.presentation.view_models import COMPUTED_WRONG_GRADE, GRADE_MEANINGS

if TYPE_CHECKING:
    from flashdl.engine import Verdict


def _number_text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value == 0:
            return "0"
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.6g}"
    return str(value)


def _depth(value: Any) -> int:
    depth = 0
    while isinstance(value, (list, tuple)) and value:
        depth += 1
        value = value[0]
    return depth


def layout_matrix(rows: Sequence[Sequence[Any]], indent: str = "") -> str:
    """Rows on lines, columns right-aligned to a common width."""
    cells = [[_number_text(item) for item in row] for row in rows]
    width = max((len(cell) for row in cells for cell in row), default=1)
    return "\n".join(indent + "  ".join(cell.rjust(width) for cell in row) for row in cells)


def layout_value(value: Any, indent: str = "") -> str:
    """An engine answer (number, list, matrix, C×H×W tensor, or dict of those) as text.

    Matrices are aligned in columns so a 5×5 result reads at a glance.
    """
    if isinstance(value, dict):
        parts = []
        for key, item in value.items():
            body = layout_value(item, indent + "  ")
            multi = "\n" in body or _depth(item) >= 2
            parts.append(f"{indent}{key}:\n{body}" if multi else f"{indent}{key}: {body.strip()}")
        return "\n".join(parts)
    depth = _depth(value)
    if depth == 2 and all(not isinstance(x, (list, tuple)) for row in value for x in row):
        return layout_matrix(value, indent)
    if depth >= 3:
        return "\n".join(
            f"{indent}channel {index}:\n{layout_value(channel, indent + '  ')}"
            for index, channel in enumerate(value, start=1)
        )
    if depth == 1:
        return indent + "[" + ", ".join(_number_text(x) for x in value) + "]"
    return indent + _number_text(value)


def layout_answer_text(text: str) -> str:
    """A verdict's ``expected``/``given`` string, aligned when it is a matrix."""
    stripped = text.strip()
    if stripped.startswith(("[", "{")):
        try:
            return layout_value(json.loads(stripped))
        except ValueError:
            pass
    return stripped


def answer_hint(answer: Any) -> str:
    """What to type, by the shape of the expected answer (never the answer itself)."""
    if isinstance(answer, dict):
        return "each part labelled, as the exercise asks"
    depth = _depth(answer)
    if depth >= 3:
        # `;;`: the answer box is one line, where a blank line between channels cannot be typed
        return "one matrix per channel, channels separated by ';;', e.g. 1 2; 3 4;; 5 6; 7 8"
    if depth == 2:
        rows = len(answer)
        cols = len(answer[0]) if answer else 0
        return f"a {rows}×{cols} matrix: rows separated by ';', e.g. 1 2; 3 4"
    if depth == 1:
        # an example of the form, not of the answer ("e.g. …, …" read out as "ellipsis, ellipsis")
        example = ", ".join(str(n) for n in range(1, min(len(answer), 3) + 1))
        return f"{len(answer)} numbers, e.g. {example}{', …' if len(answer) > 3 else ''}"
    if isinstance(answer, float) and not answer.is_integer():
        return "a number: 0.75, 3/4 and 75% are all fine"
    return "a number"


@dataclass(frozen=True)
class Feedback:
    """What the computed-card panel shows after the answer is checked."""

    correct: bool
    headline: str
    feedback: str  # why a wrong answer is wrong; empty when right or when nothing was typed
    expected: str
    given: str
    solution: str
    skipped: bool = False  # nothing typed: "I don't know", shown the solution without an error


def computed_feedback(verdict: Verdict, *, answer: Any, solution: str, typed: str | None = None,
                      labels: Mapping[str, str] | None = None) -> Feedback:
    """From an engine ``Verdict`` and the variant's answer and worked solution.

    The typed answer is shown as the engine read it (a matrix aligned); a
    one-line answer read differently from how it was typed (``sqrt(2/82)``,
    ``3/4``) shows both. ``labels`` name the parts of a several-part answer as
    the exercise asks for them (``dX``, not the engine's key ``grad_input``).
    """
    if isinstance(answer, dict) and labels:
        answer = {labels.get(key, key): item for key, item in answer.items()}
    given = layout_answer_text(verdict.given) if verdict.given.strip() else "(nothing typed)"
    as_typed = " ".join((typed or "").split())
    if as_typed and "\n" not in given and as_typed != given and verdict.given.strip():
        given = f"{as_typed} = {given}"
    recorded = f"recorded as grade {COMPUTED_WRONG_GRADE} ({GRADE_MEANINGS[COMPUTED_WRONG_GRADE]})"
    if verdict.correct:
        headline = "✔ Right"
    elif verdict.skipped:   # an empty answer is "I don't know": the solution, no error message
        headline = f"No answer — here is the solution; {recorded}"
    else:
        headline = f"✘ Wrong — {recorded}"
    return Feedback(
        correct=bool(verdict.correct),
        headline=headline,
        feedback="" if verdict.skipped else verdict.feedback,
        # as the prompt asks for it (the verdict's: 4 significant digits); a list, matrix or set
        # of parts laid out from the answer itself, aligned, each real rounded the same way
        expected=(layout_value(_as_asked(answer)) if _laid_out(answer, verdict.expected)
                  else layout_answer_text(verdict.expected)),
        given=given,
        solution=solution.strip(),
        skipped=verdict.skipped,
    )


def _laid_out(answer: Any, expected: str) -> bool:
    """Whether the expected block is laid out from the answer itself (lists, matrices, parts),
    not the engine's own text of it: a size the engine writes as the prompt asks for it
    (``13 × 10`` for a height × width) read ``[13, 10]`` beside a worked solution ending in
    ``Answer: 13 × 10``."""
    if not isinstance(answer, (list, tuple, dict)):
        return False
    return isinstance(answer, dict) or _depth(answer) != 1 or expected.lstrip().startswith("[")


def _as_asked(value: Any) -> Any:
    """An answer with every non-whole real as the text the engine asks for and checks against
    (`0.1135` for 0.1135496): shown with six digits (0.11355), it read as a half that rounds up,
    beside feedback saying 0.1136 was wrong."""
    from flashdl.engine.precision import rounded_text  # here: `show` lays answers out without it

    if isinstance(value, dict):
        return {key: _as_asked(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_as_asked(item) for item in value]
    if isinstance(value, float) and math.isfinite(value) and not value.is_integer() or \
            isinstance(value, Fraction) and value.denominator != 1:
        return rounded_text(value)
    return value


def side_by_side(left: str, right: str, *, gap: int = 4, titles: tuple[str, str] = ("", "")) -> str:
    """Two blocks of text next to each other (expected | yours), padded to align."""
    left_lines = ([titles[0]] if titles[0] else []) + left.splitlines()
    right_lines = ([titles[1]] if titles[1] else []) + right.splitlines()
    width = max((len(line) for line in left_lines), default=0)
    height = max(len(left_lines), len(right_lines))
    left_lines += [""] * (height - len(left_lines))
    right_lines += [""] * (height - len(right_lines))
    return "\n".join(
        (a.ljust(width + gap) + b).rstrip() for a, b in zip(left_lines, right_lines, strict=True)
    )


def fits_side_by_side(left: str, right: str, width: int, gap: int = 4) -> bool:
    return _widest(left) + gap + _widest(right) <= width


def _widest(text: str) -> int:
    return max((len(line) for line in text.splitlines()), default=0)
