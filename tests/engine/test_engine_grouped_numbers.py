"""Thousands grouped by commas (`1,280,000`) in an answer that is one number; nowhere else.

The reference for what is a grouping is Python's own `,` format: a text with a comma is read
exactly when Python writes its number so, and then as that number; any other comma is refused."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flashdl.engine import AnswerParseError, get_family
from flashdl.engine.answer_parse import parse_scalar
from flashdl.engine.array_parse import parse_array


@settings(max_examples=300, deadline=None)
@given(st.integers(-10**15, 10**15))
def test_any_integer_grouped_by_python_reads_back(n: int) -> None:
    assert parse_scalar(f"{n:,}") == n
    assert parse_scalar(f" {n:+,} ") == n


@settings(max_examples=200, deadline=None)
@given(st.integers(-10**12, 10**12), st.integers(1, 6))
def test_a_grouped_decimal_reads_back(units: int, places: int) -> None:
    value = Decimal(units).scaleb(-places)
    assert parse_scalar(f"{value:,}") == Fraction(value)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 10**8), st.integers(1, 4096))
def test_a_grouped_parameter_count_is_right(num_embeddings: int, embedding_dim: int) -> None:
    params = {"num_embeddings": num_embeddings, "embedding_dim": embedding_dim}
    count = num_embeddings * embedding_dim   # num_embeddings rows of embedding_dim weights
    family = get_family("embedding_param_count")
    assert family.check(params, f"{count:,}").correct
    assert not family.check(params, f"{count + 1:,}").correct


def _python_grouping(text: str) -> Fraction | None:
    """The number `text` is when Python's `,` format (plus a decimal part) writes it so, else None."""
    text = text.strip()
    whole, dot, decimals = text.partition(".")
    digits = whole.replace(",", "")
    if not digits.lstrip("+-").isdigit() or digits.count("-") + digits.count("+") > 1:
        return None
    if dot and not (decimals.isdigit() and decimals.isascii()):
        return None
    number = int(digits)
    if whole not in (f"{number:,}", f"{number:+,}"):
        return None
    return Fraction(digits + dot + decimals)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(list("0123456789,,,.-+ ")), min_size=1, max_size=16).map("".join))
def test_a_comma_is_read_only_as_python_groups_thousands(text: str) -> None:
    if "," not in text:
        return
    reference = _python_grouping(text)
    if reference is None:
        with pytest.raises(AnswerParseError):
            parse_scalar(text)
    else:
        assert parse_scalar(text) == reference


@pytest.mark.parametrize("text", ["0,8269", "0,5", "1,28", "12,3456", "1,2345", "1,234,56", ",123", "1,,000",
                                  "01,000", "0,000", "1,000.", "1,000,", "1 280 000", "3 4", "1,280 * 2",
                                  "1,000e3", "1,000%", "1.000,5"])
def test_other_commas_and_spaces_are_refused(text: str) -> None:
    with pytest.raises(AnswerParseError):
        parse_scalar(text)


def test_a_decimal_comma_is_never_another_number() -> None:
    metric = {"tp": 3, "fp": 1, "tn": 2, "fn": 1, "metric": "precision"}   # 0.75
    verdict = get_family("confusion_metrics").check(metric, "0,75")
    assert not verdict.correct
    assert verdict.feedback == ("could not read the answer: one number is asked: a comma may only group "
                                "thousands (1,280,000), and a decimal takes a point (0.5, not 0,5)")
    count = {"num_embeddings": 5000, "embedding_dim": 256}
    for text in ("1,280,00", "1280,000", "1 280 000"):
        assert not get_family("embedding_param_count").check(count, text).correct, text


def test_the_reported_grouped_count() -> None:
    verdict = get_family("embedding_param_count").check({"num_embeddings": 5000, "embedding_dim": 256}, "1,280,000")
    assert verdict.correct and verdict.feedback == "correct"
    assert verdict.given == "1280000"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 999), min_size=2, max_size=6))
def test_in_a_list_a_comma_still_separates_entries(entries: list[int]) -> None:
    typed = ",".join(map(str, entries))   # 1,280,000 is three entries where a list is read
    assert parse_array(typed) == entries
    assert parse_array("[" + typed + "]") == entries
    assert parse_array(typed + "; " + typed) == [entries, entries]


def test_a_matrix_answer_reads_commas_as_separators() -> None:
    """`1,280,000` is the three entries 1, 280 and 0 of a 1×3 output, and `128,000` two entries,
    not the one entry 128000 of a 1×1 output."""
    pool = get_family("maxpool2d_forward")
    assert pool.check({"input": [[1, 280, 0]], "kernel": 1}, "1,280,000").correct
    single = pool.check({"input": [[128000]], "kernel": 1}, "128,000")
    assert not single.correct
    assert single.feedback == "shape mismatch: expected a 1×1 matrix, got a list of 2 numbers"
    assert pool.check({"input": [[128000]], "kernel": 1}, "128000").correct
    parts = get_family("conv2d_backward").check(
        {"input": [[1, 2], [3, 4]], "kernel": [[1]], "grad_output": [[1000, 0], [0, 2000]]},
        "dX: 1000, 0; 0, 2000  dW: 9000  db: 3,000")
    assert parts.correct, parts.feedback   # db is one number: its comma groups; dX's separate


def test_long_groupings_and_bare_commas() -> None:
    assert parse_scalar("+1,000,000,000,000,000,000,000,000.5") == Fraction(10**24 * 2 + 1, 2)
    for text in ("1,", ",", "-,", ",,"):
        with pytest.raises(AnswerParseError):
            parse_scalar(text)
