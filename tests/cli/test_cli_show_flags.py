"""``flashdl show``'s Flags row and same-day repeats (QA walkthrough defects 1, 3, 4).

A bury hides a card until the next study day starts (04:00 here, in UTC); the flag must show
while, and only while, the card is kept out of the queue. A card graded below 4 earlier today
comes back today (DESIGN §4 rule 5): ``show`` says so and ``is:due`` finds it, as ``due`` lists it.
"""

from __future__ import annotations

import io
import sqlite3
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from cli_helpers import deck_text, run, run_json
from hypothesis import given, settings
from hypothesis import strategies as st

START = datetime(2025, 1, 10, 0, 0, tzinfo=UTC)
ROLLOVER = 4  # the default study-day start, 04:00


@pytest.fixture
def deck(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "fl.yaml"
    path.write_text(deck_text("fl", 3), encoding="utf-8")
    code, _, err = run(capsys, "import", str(path), "--now", START.isoformat())
    assert code == 0, err
    return db


def bury_ends(buried_at: datetime) -> datetime:
    """The first 04:00 strictly after ``buried_at``: when the card is back (worked out from the
    clock face, not from the study-day arithmetic the code uses)."""
    candidate = buried_at.replace(hour=ROLLOVER, minute=0, second=0, microsecond=0)
    return candidate if candidate > buried_at else candidate + timedelta(days=1)


def unbury(path: Path) -> None:
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE card SET buried_until = NULL")
    db.close()


def schedule_rows(out: str) -> dict[str, str]:
    section = out.split("--- schedule\n", 1)[1]
    return {label: value.strip() for label, _, value in (line.partition("  ") for line in section.splitlines())}


def test_a_bury_shows_while_and_only_while_it_keeps_the_card_from_the_queue(
        deck: Path, capsys: pytest.CaptureFixture[str]) -> None:
    @settings(max_examples=30, deadline=None)
    @given(st.integers(0, 4 * 24 * 60), st.integers(0, 4 * 24 * 60))
    def check(buried_minute: int, later_minutes: int) -> None:
        buried_at = START + timedelta(minutes=buried_minute)
        viewed_at = buried_at + timedelta(minutes=later_minutes)
        unbury(deck)  # examples go back and forth in time: each starts from an unburied card
        stdin = io.StringIO("b\nq\n")
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(sys, "stdin", stdin)
            code, out, err = run(capsys, "study", "fl", "--plain", "--now", buried_at.isoformat())
        assert code == 0, err
        end = bury_ends(buried_at)
        assert f"buried fl/001 until {end.date().isoformat()}" in out
        hidden = viewed_at < end
        moment = viewed_at.isoformat()
        code, out, err = run(capsys, "show", "fl/001", "--now", moment)
        assert code == 0, err
        flags = schedule_rows(out).get("Flags")
        assert flags == (f"buried until {end.date().isoformat()}" if hidden else None)
        schedule = run_json(capsys, "show", "fl/001", "--now", moment)["schedule"]
        assert schedule["buried_until"] == (end.date().isoformat() if hidden else None)
        listed = [row["card"] for row in run_json(capsys, "due", "fl", "--now", moment)]
        assert ("fl/001" not in listed) == hidden  # the flag agrees with the queue

    check()


def test_show_has_a_flags_line_for_suspended_and_leech_cards(
        deck: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = sqlite3.connect(deck)
    with db:  # set as the suspend key and the leech rule set them, straight on the database
        db.execute("UPDATE card SET suspended = 1 WHERE slug = '002'")
        db.execute("UPDATE card SET leech = 1, suspended = 1 WHERE slug = '003'")
    db.close()
    now = START.isoformat()
    rows = [schedule_rows(run(capsys, "show", f"fl/{card}", "--now", now)[1]) for card in ("001", "002", "003")]
    assert [row.get("Flags") for row in rows] == [None, "suspended", "suspended, leech"]
    shown = [run_json(capsys, "show", f"fl/{card}", "--now", now)["schedule"] for card in ("001", "002", "003")]
    assert [(s["suspended"], s["leech"]) for s in shown] == [(False, False), (True, False), (True, True)]


@pytest.mark.parametrize("grade", [0, 1, 2, 3])
def test_a_card_graded_below_4_earlier_today_is_due_again_today(
        deck: Path, capsys: pytest.CaptureFixture[str], grade: int) -> None:
    reviewed = START + timedelta(hours=9)
    later = (reviewed + timedelta(hours=2)).isoformat()
    run(capsys, "review", "--card", "fl/001", "--grade", str(grade), "--now", reviewed.isoformat())
    # published SM-2 on a new card: I = 1 after any grade (failed: n = 0, I = 1; passed with n = 0: I = 1)
    scheduled = (reviewed.date() + timedelta(days=1)).isoformat()
    listed = {row["card"]: row for row in run_json(capsys, "due", "fl", "--now", later)}
    assert listed["fl/001"]["kind"] == "learning"
    code, out, _ = run(capsys, "show", "fl/001", "--now", later)
    assert schedule_rows(out)["Due"] == f"today (again: graded below 4), then {scheduled} (tomorrow)"
    schedule = run_json(capsys, "show", "fl/001", "--now", later)["schedule"]
    assert (schedule["due"], schedule["again_today"]) == (scheduled, True)
    with pytest.MonkeyPatch.context() as patch:  # `study --search is:due` takes it, as a same-day repeat
        patch.setattr(sys, "stdin", io.StringIO("q\n"))
        code, out, err = run(capsys, "study", "--search", "is:due", "--plain", "--now", later)
    assert code == 0, err
    assert "search: is:due · 1 card" in out and "fl/001 (learning)" in out
    # the next study day the repeat has lapsed: due that day as a plain review, not "again"
    next_day = (reviewed + timedelta(days=1)).isoformat()
    code, out, _ = run(capsys, "show", "fl/001", "--now", next_day)
    assert schedule_rows(out)["Due"] == f"{scheduled} (today)"
    assert run_json(capsys, "show", "fl/001", "--now", next_day)["schedule"]["again_today"] is False


def test_a_card_graded_4_is_not_due_again_today(deck: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reviewed = START + timedelta(hours=9)
    later = (reviewed + timedelta(hours=2)).isoformat()
    run(capsys, "review", "--card", "fl/001", "--grade", "4", "--now", reviewed.isoformat())
    assert "fl/001" not in [row["card"] for row in run_json(capsys, "due", "fl", "--now", later)]
    code, out, _ = run(capsys, "show", "fl/001", "--now", later)
    assert schedule_rows(out)["Due"] == f"{date(2025, 1, 11).isoformat()} (tomorrow)"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "stdin", io.StringIO("q\n"))
        code, out, err = run(capsys, "study", "--search", "is:due", "--plain", "--now", later)
    assert "search: is:due · 0 cards" in out
