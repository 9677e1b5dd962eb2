"""The int fast paths of `layout_matrix`, `format_inline`, `_check_size` and `clean_text`
against slow references written here: same text, same errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from flashdl.engine.answer_parse import clean_text
from flashdl.engine.array_parse import nested_shape, parse_array
from flashdl.engine.errors import AnswerParseError
from flashdl.engine.text_format import format_inline, layout_matrix

ints = st.integers(-10**6, 10**6)


@st.composite
def int_matrices(draw: st.DrawFn) -> list[list[int]]:
    rows, cols = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    return [[draw(ints) for _ in range(cols)] for _ in range(rows)]


def _reference_layout(rows: list[list[int]], indent: str) -> str:
    width = max(len(str(value)) for row in rows for value in row)
    return "\n".join(indent + "  ".join(str(value).rjust(width) for value in row) for row in rows)


def _reference_inline(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_reference_inline(item) for item in value) + "]"
    return str(value)


@given(int_matrices(), st.sampled_from(["", "    ", "      "]))
def test_int_layout_matches_the_row_by_row_reference(rows: list[list[int]], indent: str) -> None:
    assert layout_matrix(rows, indent) == _reference_layout(rows, indent)
    assert layout_matrix(np.array(rows), indent) == _reference_layout(rows, indent)


@given(st.lists(int_matrices(), min_size=1, max_size=3))
def test_int_inline_matches_the_recursive_reference(channels: list[list[list[int]]]) -> None:
    for value in (channels, channels[0], channels[0][0]):
        assert format_inline(value) == _reference_inline(value)


def test_inline_keeps_bools_floats_and_mixed_nests_on_the_general_path() -> None:
    assert format_inline([True, 1]) == "[true, 1]"
    assert format_inline([[1.5, 2], [3, 4]]) == "[[1.5, 2], [3, 4]]"
    assert format_inline([[1], 2]) == "[[1], 2]"


@given(st.recursive(ints, lambda inner: st.lists(inner, min_size=1, max_size=4), max_leaves=30))
def test_parsed_shape_check_accepts_and_rejects_as_nested_shape(value: object) -> None:
    text = _reference_inline(value)
    try:
        nested_shape(value)   # type: ignore[arg-type]
    except AnswerParseError:
        with pytest.raises(AnswerParseError):
            parse_array(text)
    else:
        assert parse_array(text) == value


@given(st.text(max_size=40))
def test_clean_text_maps_every_minus_sign(text: str) -> None:
    expected = text
    for sign in "−–—﹣－":
        expected = expected.replace(sign, "-")
    assert clean_text(text) == expected.replace("\r\n", "\n").replace("\r", "\n")
