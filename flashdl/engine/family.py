"""A problem family: how to draw, solve, pose, explain and check one kind of exercise."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flashdl.engine.answer_specs import AnswerSpec, check_answer
from flashdl.engine.params import as_mapping
from flashdl.engine.pcg_random import Pcg64Generator
from flashdl.engine.precision import DIGITS_ASKED
from flashdl.engine.text_format import posed_exactly
from flashdl.engine.verdict import Verdict

if TYPE_CHECKING:
    import numpy as np

    from flashdl.engine.grid import Grid

# A family draws from numpy's own stream (`pcg_random`); tests may pass a numpy Generator itself.
Rng = Pcg64Generator

Params = dict[str, Any]

# `-3`, `-0.5`; not `1e-08` or `2-layer`. The literal `-` comes first so the scan jumps from one
# hyphen to the next (ten times faster than a leading look-behind on a solution's few kB).
_ASCII_MINUS_RE = re.compile(r"-(?<![\w.]-)(?=\.?\d)")


def typeset(text: str) -> str:
    """Negative numbers with a true minus sign, as written by hand (`= −12`, `[1, −1]`); a
    student may type either sign, and the audit reads both."""
    return _ASCII_MINUS_RE.sub("−", text) if "-" in text else text


def _typeset(text_of: Callable[[Mapping[str, Any]], str]) -> Callable[[Mapping[str, Any]], str]:
    def typeset_text(params: Mapping[str, Any]) -> str:
        return typeset(text_of(params))
    return functools.update_wrapper(typeset_text, text_of)


def _noting_digits(text_of: Callable[[Mapping[str, Any]], str],
                   solve: Callable[[Mapping[str, Any]], Any]) -> Callable[[Mapping[str, Any]], str]:
    """A whole-number family's prompt says how many digits a fractional answer takes, when a
    card's real params give one (a kernel of 0.3333): the checker asks for them."""
    def posed(params: Mapping[str, Any]) -> str:
        text = text_of(params)
        if _has_real(params) and _fractional(params) and _fractional(solve(params)):
            text += f"\n\n(Entries that are not whole numbers: to {DIGITS_ASKED} significant digits.)"
        return text
    return functools.update_wrapper(posed, text_of)


def _has_real(params: Mapping[str, Any]) -> bool:
    """Whether params may hold a float, read off their repr at C speed (every float's repr has a
    `.` or an exponent): whole-number variants skip the walk of `_fractional` (3 % of a variant)."""
    text = repr(params)
    return "." in text or "e-" in text or "e+" in text


def _fractional(value: Any) -> bool:
    """Whether a param or answer holds a real that is not a whole number."""
    if isinstance(value, float):
        return not value.is_integer()
    if isinstance(value, Mapping):
        value = list(value.values())
    return isinstance(value, (list, tuple)) and any(map(_fractional, value))


def _exact(text_of: Callable[[Mapping[str, Any]], str]) -> Callable[[Mapping[str, Any]], str]:
    """A prompt states its params exactly: the answer is computed from them, not from 6 digits."""
    def posed(params: Mapping[str, Any]) -> str:
        return posed_exactly(text_of, params)
    return functools.update_wrapper(posed, text_of)


@dataclass(frozen=True)
class Family:
    """Pure functions of (rng or params); `check` compares a typed answer with `solve`."""

    name: str
    title: str
    integral: bool                                    # generated answers are whole numbers
    answer_spec: Callable[[Mapping[str, Any]], AnswerSpec]
    generate: Callable[[Rng], Params]
    solve: Callable[[Mapping[str, Any]], Any]
    prompt: Callable[[Mapping[str, Any]], str]
    solution: Callable[[Mapping[str, Any]], str]
    topic_params: tuple[str, ...] = ()                # what a card's own params pin in its variants

    def __post_init__(self) -> None:
        """Prompts and worked solutions are typeset once, here, for every family."""
        prompt = _noting_digits(self.prompt, self.solve) if self.integral else self.prompt
        object.__setattr__(self, "prompt", _typeset(_exact(prompt)))
        object.__setattr__(self, "solution", _typeset(self.solution))

    def check(self, params: Mapping[str, Any], text: str) -> Verdict:
        params = as_mapping(params)
        return check_answer(self.answer_spec(params), self.solve(params), text)

    def format_answer(self, params: Mapping[str, Any], answer: Any) -> str:
        """The answer as one line a student could type (what `Verdict.expected` shows)."""
        return self.answer_spec(as_mapping(params)).format(answer)

    def answer_hint(self, params: Mapping[str, Any]) -> str:
        """How to type the answer, e.g. `height x width, e.g. 4x4`."""
        return self.answer_spec(as_mapping(params)).hint


def constant_spec(spec: AnswerSpec) -> Callable[[Mapping[str, Any]], AnswerSpec]:
    return lambda params: spec


def pick(rng: Rng, options: list[Any] | tuple[Any, ...]) -> Any:
    """One of `options` itself (not a numpy scalar), drawn with an integer index."""
    return options[int(rng.integers(len(options)))]


def draw_int(rng: Rng, low: int, high: int) -> int:
    """An int in [low, high], both ends included."""
    return int(rng.integers(low, high + 1))


def draw_indices(rng: Rng, counts: Sequence[int]) -> list[int]:
    """One uniform index below each count, from a single draw: v mod c is exactly uniform when
    v is uniform below a common multiple of every c (one call is several times cheaper)."""
    common = math.lcm(*counts)
    return [value % count for value, count in zip(plain(rng.integers(0, common, size=len(counts))), counts)]


def plain(drawn: Any) -> list[Any]:
    """A sized draw as nested lists: the engine's generator gives lists, a numpy one arrays."""
    return drawn if isinstance(drawn, list) else nested_list(drawn)


def nested_list(array: np.ndarray | Grid) -> list[Any]:
    """An array or Grid as JSON-ready nested lists of Python numbers (numpy types `tolist` as Any)."""
    nested: list[Any] = array.tolist()
    return nested


def draw_matrix(rng: Rng, shape: tuple[int, ...], low: int, high: int) -> list[Any]:
    return plain(rng.integers(low, high + 1, size=shape))


def nest(flat: list[Any], channels: int, rows: int, cols: int) -> list[Any]:
    """A flat draw as a rows×cols matrix, or a list of `channels` matrices when channels > 1."""
    matrices = [[flat[(c * rows + r) * cols: (c * rows + r + 1) * cols] for r in range(rows)]
                for c in range(channels)]
    return matrices if channels > 1 else matrices[0]
