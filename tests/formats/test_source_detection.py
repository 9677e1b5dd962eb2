"""Layout detection and bad input: one clear InputError, never a deck, never a hang."""

from __future__ import annotations

import random
import string

import pytest

from flashdl.errors import InputError
from flashdl.formats import BRAINSCAPE, NOTES, detect_layout, parse_source

FLASHCARDS = "Deck\n1\nQ\nWhy?\nA\nBecause\n"
TERSE = "Deck\n1\nWhy?\nBecause\n2\nHow?\nLike so\n"
UNNUMBERED = "Deck\nQ\nWhy?\nA\nBecause\n"
NOTES_TEXT = "Notes\n\n  • Pooling\n    • max\n"


@pytest.mark.parametrize(
    ("text", "layout"),
    [(FLASHCARDS, BRAINSCAPE), (TERSE, BRAINSCAPE), (UNNUMBERED, BRAINSCAPE), (NOTES_TEXT, NOTES)],
)
def test_detects_each_layout(text: str, layout: str) -> None:
    assert detect_layout(text, "x.txt") == layout
    assert parse_source(text, "x.txt").deck.cards


@pytest.mark.parametrize(
    ("text", "problem", "line"),
    [
        ("", "empty file", None),
        (" \n\t\n", "empty file", None),
        ("\ufeff\n", "empty file", None),
        ("\x00\x01\x02binary\x00", "binary data", None),
        ("\x89PNG\r\n\x1a\n" + "\x00" * 40, "binary data", None),
        ("Title\nJust some prose here.\nAnd more.\n", "unknown layout", 2),
        ("Only a title", "unknown layout", 1),
    ],
)
def test_bad_input_is_one_clear_error(text: str, problem: str, line: int | None) -> None:
    with pytest.raises(InputError, match=problem) as error:
        parse_source(text, "bad.txt")
    assert error.value.file == "bad.txt"
    assert error.value.line == line


def test_unknown_format_name() -> None:
    with pytest.raises(InputError, match="unknown source format 'csv'"):
        parse_source(FLASHCARDS, "x.txt", "csv")


def test_forced_layout_that_does_not_fit_names_the_line() -> None:
    with pytest.raises(InputError, match="not a flashcard export") as error:
        parse_source(NOTES_TEXT, "notes.txt", BRAINSCAPE)
    assert error.value.line == 3


def _random_text(size: int) -> str:
    rng = random.Random(7)
    alphabet = string.ascii_letters + string.digits + "  \n\n•QA."
    return "".join(rng.choices(alphabet, k=size))


@pytest.mark.slow
def test_fifty_megabytes_of_random_text_fails_fast() -> None:
    # How long the refusal takes is measured in benchmarks/bench_parsers.py.
    text = _random_text(1_000_000) * 50
    for fmt in ("auto", BRAINSCAPE):
        with pytest.raises(InputError):
            parse_source(text, "random.txt", fmt)
