"""A review log in Anki's columns is read as Anki schedules from it, as an ``.apkg``'s is.

A card reset ("Forget": a manual row, ``type`` 4, with ``factor`` 0) is new in Anki, which
ignores the reviews before the reset; a filtered deck's preview (``type`` 3, ``factor`` 0)
schedules nothing (rslib's ``RevlogEntry::is_reset`` / ``is_cramming``; the ``.apkg`` side is
checked against the real Anki in ``test_real_anki.py``). The revlog CSV import replayed both,
so a reset card came in with its old reviews, against docs/import-export.md.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from transfer_helpers import NOW, deck_yaml, ok

from flashdl.formats.revlog_csv import read_history, read_revlog

DAY_MS = 86_400_000
START_MS = int(datetime.fromisoformat(NOW).timestamp() * 1000) - 30 * DAY_MS
# (day, button, revlog.type, ivl, factor), as test_real_anki.py's reset test writes them
ROWS = {
    "001": [(0, 3, 0, 1, 2500), (3, 3, 1, 3, 2500), (10, 1, 1, 1, 2300), (11, 0, 4, 0, 0), (12, 3, 0, 1, 2500)],
    "002": [(12, 3, 0, 1, 2500)],                                          # "001" as Anki sees it
    "003": [(0, 3, 0, 1, 2500), (5, 1, 3, 1, 0), (12, 3, 1, 12, 2500)],   # a preview on day 5
    "004": [(0, 3, 0, 1, 2500), (12, 3, 1, 12, 2500)],                    # "003" as Anki sees it
    "005": [(0, 3, 0, 1, 2500), (4, 0, 4, 9, 2500), (12, 3, 1, 12, 2500)],  # Set due date: kept factor
}
HEADER = "id,cid,usn,ease,ivl,lastIvl,factor,time,type,card\n"


def _revlog() -> str:
    lines = [f"{START_MS + day * DAY_MS + n},{n},-1,{button},{ivl},0,{factor},5000,{kind},d/{card}"
             for n, (card, rows) in enumerate(ROWS.items()) for day, button, kind, ivl, factor in rows]
    return HEADER + "\n".join(sorted(lines)) + "\n"


def test_a_reset_drops_the_reviews_before_it_and_a_preview_is_no_review() -> None:
    read = read_revlog(_revlog(), "r.csv")
    reviews = {card: [(ms - START_MS) // DAY_MS for ms, _, _ in history.reviews]
               for card, history in read.cards.items()}
    assert reviews == {"d/001": [12], "d/002": [12], "d/003": [0, 12], "d/004": [0, 12], "d/005": [0, 12]}
    assert read.before_reset == 3
    assert read_history(_revlog(), "r.csv") == read.cards


def test_importing_a_reset_card_gives_the_card_anki_has(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deck = tmp_path / "d.yaml"
    deck.write_text(deck_yaml("d", 5))
    ok(capsys, "import", str(deck))
    log = tmp_path / "history.csv"
    log.write_text(_revlog())
    report = json.loads(ok(capsys, "import", str(log), "--format", "revlog", "--json"))
    assert report["reviews"] == {"cards": 5, "added": 8, "duplicates": 0}
    assert report["notes"] == [f"{log}: 3 review(s) made before their card was reset (Forget) in Anki "
                               "not imported: Anki schedules from the reviews after"]
    con = sqlite3.connect(db)
    try:
        state = {slug: rest for slug, *rest in con.execute(
            "SELECT slug, repetitions, ease, interval, due, last_review FROM card")}
        logged = dict(con.execute("SELECT c.slug, count(*) FROM review_log r JOIN card c ON c.id = r.card_id "
                                  "GROUP BY c.slug"))
    finally:
        con.close()
    assert state["001"] == state["002"] and logged["001"] == logged["002"] == 1
    assert state["003"] == state["004"] == state["005"] and logged["003"] == logged["004"] == logged["005"] == 2


def test_a_manual_reschedule_is_skipped_when_the_grade_cell_is_empty_too() -> None:
    """Anki's button 0 is a manual reschedule, not a review (docs/import-export.md); in a file with a
    `grade` column left empty on that row it was refused as 'rating 0 out of range'."""
    text = (HEADER.rstrip("\n") + ",grade\n"
            f"{START_MS},1,-1,0,9,0,2500,0,4,d/001,\n{START_MS + DAY_MS},1,-1,3,9,0,2500,0,1,d/001,\n")
    assert read_history(text, "r.csv") == {"d/001": (3, [(START_MS + DAY_MS, 4, 0)])}
