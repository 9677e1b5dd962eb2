"""Layout detection and bad input: one clear InputError, never a deck, never a hang."""

from __future__ import annotations

import random
import string
import time

import pytest

from flashdl.errors import InputError
from flashdl.formats import BRAINSCAPE, NOTES, detect_layout, parse_source

FLASHCARDS = "Deck\n1\nQ\nWhy?\nA\nBecause\n"
TERSE = "Deck\n1\nWhy?\nBecause\n2\nHow?\nLike so\n"
UNNUMBERED = "Deck\nQ\nWhy?\nA\nBecause\n"
NOTES_TEXT = "Notes\n\n  • Pooling\n    • max\n"
SECONDS_FOR_50_MB = 10.0  # generous: the check itself takes well under a second


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
    text = _random_text(1_000_000) * 50
    started = time.perf_counter()
    for fmt in ("auto", BRAINSCAPE):
        with pytest.raises(InputError):
            parse_source(text, "random.txt", fmt)
    assert time.perf_counter() - started < SECONDS_FOR_50_MB


def test_parsing_time_grows_linearly() -> None:
    """Ten times the cards must cost about ten times the time, not a hundred."""
    def seconds(cards: int) -> float:
        text = "Deck\n" + "".join(
            f"{n}\nQ\nquestion {n}\nA\n  • {n + 1}\n{n + 1}\n  1. item\n" for n in range(1, cards + 1)
        )
        started = time.perf_counter()
        assert len(parse_source(text, "x.txt").deck.cards) == cards
        return time.perf_counter() - started

    small, large = seconds(2_000), seconds(20_000)
    assert large < 30 * max(small, 1e-3)
