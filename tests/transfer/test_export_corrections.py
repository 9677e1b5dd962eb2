"""Exports for Anki show the notes of a card's corrections under the answer (its Solution
field), as flashdl shows them under the sides: they travelled in the hidden field only."""

from __future__ import annotations

import csv
import html
from pathlib import Path

import pytest
from transfer_helpers import ok


def _as_anki_shows(field: str) -> str:
    """What a browser shows of a field (independent of flashdl's code)."""
    return html.unescape(field.replace("<br>", "\n").replace("&nbsp;", " "))


def test_text_exports_show_the_notes_of_corrections_under_the_answer(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Anki's Solution field (shown under the answer) holds the notes of a card's corrections,
    in the CSV/TSV export as in the .apkg; they travelled in the hidden field only."""
    from flashdl.deck.files import bundled_decks_dir, load_deck_file

    ok(capsys, "import", "--bundled")
    deck = load_deck_file(bundled_decks_dir() / "quiz-2.yaml")
    out = tmp_path / "quiz-2.csv"
    ok(capsys, "export", "quiz-2", "--format", "csv", "--out", str(out))
    lines = [line for line in out.read_text().splitlines(keepends=True) if not line.startswith("#")]
    rows = {row[4]: row for row in csv.reader(lines)}  # GUID, Front, Back, Solution, Card, ...
    checked = 0
    for card in deck.cards:
        shown = _as_anki_shows(rows[f"quiz-2/{card.id}"][3])
        for erratum in card.errata:
            if "$" not in erratum.note:
                assert "✎ Corrected: " + erratum.note.strip() in shown
                checked += 1
    assert checked > 10
