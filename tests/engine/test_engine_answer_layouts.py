"""How a typed matrix's layout decides its shape: `;` (or a new line) always starts a row, in
brackets or not, so `[a; b; c]` is a column, as `a; b; c` is; a column is no answer to a row."""

from __future__ import annotations

from fractions import Fraction

import pytest
from engine_reference import correlate_loops
from hypothesis import given, settings
from hypothesis import strategies as st

from flashdl.engine import AnswerParseError, generate_variant, get_family
from flashdl.engine.array_parse import parse_array

# An entry as typed, with its value read independently of the engine's scanners.
_INTEGER_ENTRY = st.integers(-10**6, 10**6).map(lambda n: (str(n), Fraction(n)))
_DECIMAL_ENTRY = st.tuples(st.integers(-10**6, 10**6), st.integers(1, 4)).map(
    lambda pair: (f"{pair[0] / 10**pair[1]:.{pair[1]}f}", Fraction(f"{pair[0] / 10**pair[1]:.{pair[1]}f}")))
_ENTRY = st.one_of(_INTEGER_ENTRY, _DECIMAL_ENTRY)


@settings(max_examples=200, deadline=None)
@given(st.lists(_ENTRY, min_size=2, max_size=12), st.sampled_from(["; ", ";", " ; ", ";\n"]))
def test_a_bracketed_column_reads_as_the_same_column_unbracketed(entries: list[tuple[str, Fraction]],
                                                                 separator: str) -> None:
    texts = [text for text, _ in entries]
    column = [[value] for _, value in entries]
    assert parse_array("[" + separator.join(texts) + "]") == column
    assert parse_array("(" + separator.join(texts) + ")") == column
    assert parse_array(separator.join(texts)) == column
    assert parse_array("[" + separator.join(f"[{text}]" for text in texts) + "]") == column


@settings(max_examples=150, deadline=None)
@given(st.integers(2, 6), st.integers(1, 5), st.data())
def test_semicolons_separate_rows_in_brackets_as_outside(height: int, width: int, data: st.DataObject) -> None:
    rows = data.draw(st.lists(st.lists(_ENTRY, min_size=width, max_size=width), min_size=height, max_size=height))
    matrix = [[value for _, value in row] for row in rows]
    typed = "; ".join(" ".join(text for text, _ in row) for row in rows)
    assert parse_array(typed) == matrix
    assert parse_array("[" + typed + "]") == matrix
    assert parse_array("[" + "; ".join("[" + ", ".join(text for text, _ in row) + "]" for row in rows) + "]") == matrix


def _block_maxima(matrix: list[list[int]], block: int) -> list[int]:
    """The maximum of each run of `block` rows, by a plain loop."""
    return [max(max(row) for row in matrix[start: start + block]) for start in range(0, len(matrix), block)]


_SMALL = st.integers(-50, 50)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 4), st.integers(1, 3), st.integers(1, 3), st.data())
def test_a_column_answer_typed_in_brackets_is_right(count: int, block: int, width: int, data: st.DataObject) -> None:
    """Pooling each block of rows across the full width leaves a count×1 column."""
    matrix = data.draw(st.lists(st.lists(_SMALL, min_size=width, max_size=width),
                                min_size=count * block, max_size=count * block))
    maxima = _block_maxima(matrix, block)
    params = {"input": matrix, "kernel": [block, width]}
    family = get_family("maxpool2d_forward")
    for typed in ("[" + "; ".join(map(str, maxima)) + "]", "; ".join(map(str, maxima)),
                  "[" + ";".join(map(str, maxima)) + ";]", "\n".join(map(str, maxima)),
                  "[" + "\n ".join(f"[{m}]" for m in maxima) + "]"):
        verdict = family.check(params, typed)
        assert verdict.correct, (typed, verdict)
    for typed in ("[" + ", ".join(map(str, maxima)) + "]", " ".join(map(str, maxima))):   # a row is not a column
        verdict = family.check(params, typed)
        assert not verdict.correct
        assert verdict.feedback == f"shape mismatch: expected a {count}×1 matrix, got a list of {count} numbers"


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 4), st.integers(1, 3), st.integers(1, 3), st.data())
def test_a_column_is_no_answer_to_a_row(count: int, block: int, height: int, data: st.DataObject) -> None:
    """Pooling each block of columns across the full height leaves a 1×count row."""
    matrix = data.draw(st.lists(st.lists(_SMALL, min_size=count * block, max_size=count * block),
                                min_size=height, max_size=height))
    transposed = [list(column) for column in zip(*matrix)]
    maxima = _block_maxima(transposed, block)
    params = {"input": matrix, "kernel": [height, block]}
    family = get_family("maxpool2d_forward")
    for typed in ("[" + " ".join(map(str, maxima)) + "]", ", ".join(map(str, maxima)),
                  "[[" + ", ".join(map(str, maxima)) + "]]", " ".join(map(str, maxima))):
        verdict = family.check(params, typed)
        assert verdict.correct, (typed, verdict)
    for typed in ("[" + "; ".join(map(str, maxima)) + "]", "; ".join(map(str, maxima)),
                  "[" + "; ".join(f"[{m}]" for m in maxima) + "]"):
        verdict = family.check(params, typed)
        assert not verdict.correct, typed
        assert verdict.feedback == f"shape mismatch: expected a 1×{count} matrix, got a {count}×1 matrix"


def test_the_reported_column_answers() -> None:
    """The QA cases: a 2×1 and a 4×1 output typed MATLAB-style, and a 1×2 one typed as a column."""
    pool = get_family("maxpool2d_forward")
    column = {"input": [[8, 5, 1], [1, 4, 6], [4, 8, 0], [4, 5, 9]], "kernel": 2}
    for typed in ("[8; 8]", "8; 8", "[[8],[8]]", "[[8]\n [8]]", "[8]\n[8]"):
        assert pool.check(column, typed).correct, typed
    row = {"input": [[2, 4, 3, 0, 0, 0], [6, 9, 9, 6, 9, 4], [5, 6, 4, 2, 7, 3]], "kernel": 3, "stride": 2}
    for typed in ("[9 9]", "9, 9", "[[9, 9]]", "9 9"):
        assert pool.check(row, typed).correct, typed
    wrong = pool.check(row, "[9; 9]")
    assert not wrong.correct and wrong.feedback == "shape mismatch: expected a 1×2 matrix, got a 2×1 matrix"
    conv = generate_variant("conv2d_forward", 24)   # a 4×1 output
    params = conv.params
    assert correlate_loops(params["input"], params["kernel"], (1, 1), (0, 0)) == [[7], [16], [11], [-7]]
    assert get_family("conv2d_forward").check(params, "[7; 16; 11; -7]").correct


@pytest.mark.parametrize("typed", ["[0.3333; 0.3333; 0.3333]", "0.3333; 0.3333; 0.3333", "[0.3333, 0.3333, 0.3333]",
                                   "0.3333 0.3333 0.3333", "[[0.3333], [0.3333], [0.3333]]"])
def test_a_list_answer_still_takes_a_column_or_a_row(typed: str) -> None:
    """softmax of three equal logits is 1/3 each: a list, which may be typed either way."""
    verdict = get_family("softmax").check({"logits": [0, 0, 0]}, typed)
    assert verdict.correct, verdict


def test_a_short_row_in_brackets_is_named() -> None:
    with pytest.raises(AnswerParseError, match=r"^ragged: row 2 has 1 entry, row 1 has 2 entries$"):
        parse_array("[1 2; 3]")
