"""Issue 15: a large deck import says what is happening on a terminal, and nothing off one."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from flashdl.commands import transfer
from flashdl.deck.model import Card, Deck
from flashdl.deck.yaml_deck import dump_deck
from flashdl.services.deck_sync import load_deck_files


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_progress_line_off_a_terminal() -> None:
    assert transfer.progress_line(io.StringIO()) is None


def test_a_large_file_reports_in_steps_and_ends_with_done(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deck = Deck(id="big", name="Big", cards=tuple(Card(f"{i}", f"q {i}", f"a {i}") for i in range(3000)))
    path = tmp_path / "big.yaml"
    path.write_text(dump_deck(deck))
    monkeypatch.setattr(transfer, "PROGRESS_FROM_CHARS", 0)
    stream = Terminal()
    [(loaded, _)] = load_deck_files([path], transfer.progress_line(stream))
    assert loaded == deck
    shown = stream.getvalue()
    assert shown.endswith("\rreading big.yaml: done        \n")
    steps = [part for part in shown.split("\r") if part]
    assert 2 <= len(steps) <= 22  # 5 % steps, not one line per card
    assert all(step.startswith("reading big.yaml: ") for step in steps)


def test_a_small_file_prints_nothing(tmp_path: Path) -> None:
    path = tmp_path / "small.yaml"
    path.write_text(dump_deck(Deck(id="s", name="S", cards=(Card("1", "q", "a"),))))
    stream = Terminal()
    load_deck_files([path], transfer.progress_line(stream))
    assert stream.getvalue() == ""
