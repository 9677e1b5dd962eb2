"""``flashdl card forget`` and ``flashdl card set-due``: review --json's state keys, all cards in
one transaction, and one line on stderr with exit 2 and nothing changed for a bad card or spec."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from cli_helpers import NOW, deck_text, dump, run, run_json


@pytest.fixture
def imported(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "quiz.yaml"
    path.write_text(deck_text("quiz", 3))
    code, _out, err = run(capsys, "import", str(path), "--now", NOW)
    assert code == 0, err
    return db


def lines(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines()]


def test_forget_and_set_due_print_review_json_state(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reviewed = run_json(capsys, "review", "--card", "quiz/001", "--grade", "5", "--now", NOW)
    keys = {"card", "repetitions", "ease", "interval", "due"}
    assert keys < reviewed.keys()
    code, out, err = run(capsys, "card", "set-due", "quiz/001", "quiz/002", "--days", "3", "--json", "--now", NOW)
    assert code == 0, err
    # 001 (review card, I 1) keeps its interval; 002 (new) gets the days as interval (Anki)
    assert lines(out) == [
        {"card": "quiz/001", "repetitions": 1, "ease": 2.6, "interval": 1, "due": "2024-03-04"},
        {"card": "quiz/002", "repetitions": 0, "ease": 2.5, "interval": 3, "due": "2024-03-04"},
    ]
    code, out, err = run(capsys, "card", "set-due", "quiz/001", "--days", "7!", "--json", "--now", NOW)
    assert lines(out) == [{"card": "quiz/001", "repetitions": 1, "ease": 2.6, "interval": 7, "due": "2024-03-08"}]
    code, out, err = run(capsys, "card", "forget", "quiz/001", "quiz/002", "--json", "--now", NOW)
    assert code == 0, err
    assert lines(out) == [{"card": f"quiz/00{i}", "repetitions": 0, "ease": 2.5, "interval": 0, "due": None}
                          for i in (1, 2)]
    code, out, _ = run(capsys, "card", "forget", "quiz/003", "--now", NOW)
    assert (code, out) == (0, "quiz/003: forgotten, new again (ease 2.50, repetitions 0)\n")
    code, out, _ = run(capsys, "card", "set-due", "quiz/003", "--days", "0", "--now", NOW)
    assert (code, out) == (0, "quiz/003: due 2024-03-01 (interval 1 d, ease 2.50, repetitions 0)\n")
    due = run(capsys, "due", "--json", "--now", NOW)[1]
    assert [d["card"] for d in json.loads(due) if d["kind"] == "review"] == ["quiz/003"]  # set due today


@pytest.mark.parametrize(("argv", "message"), [
    (["card", "forget", "quiz/001", "quiz/nope"], "flashdl: unknown card 'quiz/nope'\n"),
    (["card", "set-due", "quiz/001", "nope/001", "--days", "2"], "flashdl: unknown card 'nope/001'\n"),
    (["card", "set-due", "quiz/001", "--days", "1w"], "--days: due date '1w': expected days from today"),
    (["card", "set-due", "quiz/001", "--days", "9999999"], "past the year 9999"),
    (["card", "set-due", "quiz/001"], "required: --days"),
    (["card", "forget"], "required: DECK/CARD"),
])
def test_bad_input_is_one_line_exit_2_and_changes_nothing(
        imported: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    before = dump(imported)
    code, out, err = run(capsys, *argv, "--now", NOW)
    assert (code, out) == (2, "")
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert dump(imported) == before


def test_card_alone_names_its_actions(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "card")
    assert code == 2 and "forget" in err and "set-due" in err


def test_set_due_today_of_a_card_graded_today_leaves_todays_queue(
        imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A card graded today and given "0" was listed due today however often it was graded (each
    later grade that day a drill, which moves no due day): `decks` said 1 due all day. It is due
    tomorrow, when a grade is a review again."""
    run_json(capsys, "review", "--card", "quiz/001", "--grade", "5", "--now", NOW)
    code, out, err = run(capsys, "card", "set-due", "quiz/001", "--days", "0", "--now", NOW)
    assert (code, out) == (0, "quiz/001: due 2024-03-02 (interval 1 d, ease 2.60, repetitions 1)\n"), err
    db = sqlite3.connect(imported)
    try:  # today's queue by hand: cards due today or earlier
        due_today = db.execute("SELECT count(*) FROM card WHERE due <= '2024-03-01'").fetchone()[0]
    finally:
        db.close()
    assert due_today == 0
    listed = json.loads(run(capsys, "due", "--json", "--now", NOW)[1])
    assert [d["card"] for d in listed if d["kind"] == "review"] == []
    tomorrow = run_json(capsys, "review", "--card", "quiz/001", "--grade", "5", "--now", "2024-03-02T10:00:00+00:00")
    assert (tomorrow["repetitions"], tomorrow["due"]) == (2, "2024-03-08")  # a review (n 1 -> 2, I 6), no drill


def test_grading_a_new_card_given_a_due_date_takes_none_of_the_days_new_cards(
        imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """New cards 2 a day: a new card given "0" is a review card due today (Anki); grading it left
    one new card for the day instead of 2, as if it were one of them."""
    assert run(capsys, "deck", "options", "quiz", "--new-per-day", "2", "--now", NOW)[0] == 0
    assert run(capsys, "card", "set-due", "quiz/003", "--days", "0", "--now", NOW)[0] == 0
    assert run_json(capsys, "review", "--card", "quiz/003", "--grade", "4", "--now", NOW)["due"] == "2024-03-02"
    db = sqlite3.connect(imported)
    try:  # the day's new cards by hand: new cards with a first grade today
        first_today = db.execute("SELECT count(*) FROM review_log WHERE study_day = '2024-03-01' "
                                 "AND kind = 0").fetchone()[0]
    finally:
        db.close()
    assert first_today == 0
    listed = json.loads(run(capsys, "due", "--json", "--now", NOW)[1])
    assert [d["card"] for d in listed if d["kind"] == "new"] == ["quiz/001", "quiz/002"]


def test_nothing_is_logged_before_a_forget_or_set_due_date(
        imported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A batch of past reviews applied after a Forget logged them after it (the card reviewed
    again), while exports and history files, in time order, fold them before it (the card new):
    two states for one log. A review before a card's Forget or Set due date, or either before the
    card's latest row, is refused: exit 2, one line, nothing changed."""
    day1, day2, day3 = (f"2024-03-0{d}T10:00:00+00:00" for d in (1, 2, 3))
    assert run(capsys, "review", "--card", "quiz/001", "--grade", "5", "--now", day1)[0] == 0
    assert run(capsys, "card", "forget", "quiz/001", "--now", day3)[0] == 0
    assert run(capsys, "card", "set-due", "quiz/002", "--days", "4", "--now", day3)[0] == 0
    batch = tmp_path / "past.jsonl"
    batch.write_text(json.dumps({"card": "quiz/001", "grade": 5, "at": day2}) + "\n")
    before = dump(imported)
    for argv, said in [
        (["review", "--batch", str(batch)], "past.jsonl:1: card quiz/001: review at 2024-03-02T10:00:00+00:00 "
                                            "comes before the card was forgotten at 2024-03-03T10:00:00+00:00"),
        (["review", "--card", "quiz/002", "--grade", "4", "--now", day2], "given a due date at 2024-03-03"),
        (["card", "set-due", "quiz/001", "--days", "1", "--now", day2], "is before its latest review-log row"),
        (["card", "forget", "quiz/002", "--now", day2], "is before its latest review-log row"),
    ]:
        code, out, err = run(capsys, *argv, "--now", day3) if argv[1] == "--batch" else run(capsys, *argv)
        assert (code, out) == (2, ""), err
        assert said in err and err.count("\n") == 1 and "Traceback" not in err
        assert dump(imported) == before
    assert run(capsys, "review", "--card", "quiz/001", "--grade", "5", "--now", day3)[0] == 0  # the same moment: after
    db = sqlite3.connect(imported)
    try:  # the log in time order is the log in row order
        by_time = db.execute("SELECT id FROM review_log ORDER BY card_id, reviewed_ms, id").fetchall()
        by_row = db.execute("SELECT id FROM review_log ORDER BY card_id, id").fetchall()
    finally:
        db.close()
    assert by_time == by_row
