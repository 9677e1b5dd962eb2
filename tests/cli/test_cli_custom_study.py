"""``flashdl study --search/--ahead/--new/--cram --plain``: custom study by lines of stdin,
checked in the database against SM-2 worked by hand (DESIGN §4)."""

from __future__ import annotations

import io
import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import NOW, deck_text, run

COMPUTED = """\
  - id: conv
    front: Output size?
    back: Use the formula.
    engine:
      family: conv2d_output_size
      params: {input: [9, 9], kernel: [3, 3], padding: 1, stride: 2}
"""
CONV_SIDE = (9 + 2 * 1 - 3) // 2 + 1  # floor((W + 2P - F) / S) + 1, by hand: 5


@pytest.fixture
def deck(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "cs.yaml"
    path.write_text(deck_text("cs", 5) + COMPUTED, encoding="utf-8")
    code, _, err = run(capsys, "import", str(path), "--now", NOW)
    assert code == 0, err
    return db


def study(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, now: str,
          options: list[str], *lines: str) -> str:
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
    code, out, err = run(capsys, "study", "cs", "--plain", "--now", now, *options)
    assert code == 0, err
    return out


def card(db: Path, slug: str) -> tuple[Any, ...]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT due, interval, ease, repetitions, (SELECT count(*) FROM review_log "
            "WHERE card_id = card.id) FROM card WHERE slug = ?", (slug,)).fetchone()


def review(capsys: pytest.CaptureFixture[str], slug: str, grade: int, now: str) -> None:
    code, _, err = run(capsys, "review", "--card", f"cs/{slug}", "--grade", str(grade), "--now", now)
    assert code == 0, err


def new_due(capsys: pytest.CaptureFixture[str], now: str) -> int:
    code, out, _ = run(capsys, "due", "cs", "--json", "--now", now)
    return sum(1 for item in json.loads(out) if item["kind"] == "new")


def test_review_ahead_is_a_real_review_from_the_day_it_is_made(
        deck: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    review(capsys, "001", 5, "2024-03-01T10:00:00+00:00")  # n=1, I=1, EF 2.6
    review(capsys, "001", 5, "2024-03-02T10:00:00+00:00")  # n=2, I=6, EF 2.7, due 03-08
    assert card(deck, "001") == ("2024-03-08", 6, 2700, 2, 2)
    out = study(capsys, monkeypatch, "2024-03-04T10:00:00+00:00", ["--ahead", "3"])
    assert "review ahead 3 days · 0 cards" in out  # due 03-08 is 4 days away
    out = study(capsys, monkeypatch, "2024-03-04T10:00:00+00:00", ["--ahead", "4"], "", "4")
    assert "review ahead 4 days · 1 card" in out and "recorded grade 4" in out
    # reviewed on 03-04: I = ceil(6 x 2.7) = ceil(16.2) = 17 -> due 03-21; a 4 keeps EF
    assert card(deck, "001") == ("2024-03-21", 17, 2700, 3, 3)


def test_extra_new_cards_count_in_todays_limit(
        deck: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = run(capsys, "deck", "options", "cs", "--new-per-day", "2")
    assert code == 0, err
    study(capsys, monkeypatch, NOW, [], "", "5", "", "5")  # today's 2 new cards
    assert new_due(capsys, NOW) == 0
    out = study(capsys, monkeypatch, NOW, ["--new", "2"], "", "5", "", "5", "", "5")
    assert "2 extra new cards · 2 cards" in out
    assert card(deck, "003")[3] == 1 and card(deck, "004")[3] == 1 and card(deck, "005")[3] == 0
    assert new_due(capsys, NOW) == 0  # the extra ones count: nothing new left today
    assert new_due(capsys, "2024-03-02T10:00:00+00:00") == 2  # tomorrow: the limit again (005, conv)
    with sqlite3.connect(deck) as conn:
        assert conn.execute("SELECT count(*) FROM review_log WHERE kind = 0").fetchone() == (4,)


def test_extra_new_cards_raise_the_days_limit_until_the_day_ends(
        deck: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Anki's "increase today's new card limit": the extra cards stay for the rest of the study
    day. Kept for the session only, a student who quit after one of two extras lost the other
    (``decks``/``due`` showed none, while the session summary said "1 new card left")."""
    code, _, err = run(capsys, "deck", "options", "cs", "--new-per-day", "2")
    assert code == 0, err
    study(capsys, monkeypatch, NOW, [], "", "5", "", "5")  # today's 2 new cards (001, 002)
    out = study(capsys, monkeypatch, NOW, ["--new", "2"], "", "5", "q")  # 003, then quit
    assert "1 new card left for today" in out
    assert new_due(capsys, NOW) == 1  # 004, as the summary says
    out = study(capsys, monkeypatch, NOW, [], "", "5")  # an ordinary session takes it
    assert "cs/004 (new)" in out and card(deck, "004")[3] == 1
    assert new_due(capsys, NOW) == 0
    study(capsys, monkeypatch, NOW, ["--new", "1"], "", "5")  # a second raise adds to the first
    assert card(deck, "005")[3] == 1 and new_due(capsys, NOW) == 0
    assert new_due(capsys, "2024-03-02T10:00:00+00:00") == 1  # the next day: its own limit (2), 1 left (conv)


def test_extra_new_cards_end_with_their_study_day(
        deck: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Raised at 03:50 (still the day before, the rollover being 04:00), the limit is the plain
    one again at 04:10: the new day gets its 1 new card, not 1 + 2."""
    code, _, err = run(capsys, "deck", "options", "cs", "--new-per-day", "1")
    assert code == 0, err
    study(capsys, monkeypatch, "2024-03-02T03:50:00+00:00", ["--new", "2"], "q")
    assert new_due(capsys, "2024-03-02T03:55:00+00:00") == 3
    assert new_due(capsys, "2024-03-02T04:10:00+00:00") == 1


def test_cram_grades_without_rescheduling(
        deck: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    review(capsys, "001", 5, "2024-03-01T10:00:00+00:00")
    review(capsys, "001", 5, "2024-03-02T10:00:00+00:00")
    before = card(deck, "001")
    out = study(capsys, monkeypatch, "2024-03-03T10:00:00+00:00",
                ["--search", "prop:interval>1", "--cram"], "", "1", "", "5")
    assert "cram: prop:interval>1 · 1 card · graded, not rescheduled" in out
    assert "again in this session (cram: schedule unchanged)" in out
    assert "schedule unchanged (cram): due in 5 days" in out
    assert card(deck, "001") == before  # due, interval, EF, n, and no log row added
    # The same search without --cram: a real (early) review, which moves the card.
    study(capsys, monkeypatch, "2024-03-03T10:00:00+00:00", ["--search", "prop:interval>1"], "", "4")
    assert card(deck, "001") == ("2024-03-20", 17, 2700, 3, 3)  # ceil(6 x 2.7) from 03-03


def test_cram_keeps_a_typed_answer_as_a_practice_attempt(
        deck: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    study(capsys, monkeypatch, NOW, ["--search", "Output", "--cram"], f"{CONV_SIDE}x{CONV_SIDE}", "")
    assert card(deck, "conv") == (None, 0, 2500, 0, 0)  # still new, nothing in the log
    with sqlite3.connect(deck) as conn:
        assert conn.execute("SELECT family, typed_answer, correct FROM practice_attempt").fetchall() == [
            ("conv2d_output_size", f"{CONV_SIDE}x{CONV_SIDE}", 1)]


def test_a_search_takes_at_most_100_cards(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "cs.yaml"
    path.write_text(deck_text("cs", 130), encoding="utf-8")
    assert run(capsys, "import", str(path), "--now", NOW)[0] == 0
    out = study(capsys, monkeypatch, NOW, ["--search", "question"])
    assert "search: question · 100 cards (the first 100" in out
    out = study(capsys, monkeypatch, NOW, ["--search", "question 12"])  # 12, 112, 120..129
    assert "· 12 cards" in out


@pytest.mark.parametrize(("options", "message"), [
    (["--search", "is:dew"], "unknown search term 'is:dew'"),
    (["--search", "prop:ease<x"], "prop:ease<x"),
    (["--search", " "], "--search needs a query"),
    # Anki's syntax without a meaning here: an error, not a word that silently finds no card
    (["--search=-tag:conv"], "search term '-tag:conv': no or, - (not) or \"phrases\"; terms are ANDed"),
    (["--search", "relu or sigmoid"], "search term 'or'"),
    (["--search", '"weight decay"'], "search term '\"weight'"),
    (["--search", "deck:a deck:b"], "deck:a and deck:b"),
    # SQLite's limits (expression depth 1,000, LIKE pattern 50,000 bytes): a usage error, not a database error
    (["--search", " ".join(["relu"] * 1001)], "search too long: 1,001 terms"),
    (["--search", "x" * 60_000], "search too long: 1 term, 60,000 characters"),
    (["--new", "-3"], "--new '-3' must be 1..9,999"),
    (["--new", "two"], "--new 'two' is not a whole number"),
    (["--ahead", "0"], "--ahead '0' must be 1..36,500"),
    (["--cram"], "--cram needs --search"),
    (["--ahead", "2", "--cram"], "--cram goes with --search"),
    (["--ahead", "2", "--new", "1"], "not --ahead and --new"),
])
def test_bad_input_is_one_line_and_exit_2(db: Path, capsys: pytest.CaptureFixture[str],
                                          options: list[str], message: str) -> None:
    code, out, err = run(capsys, "study", "--plain", "--now", NOW, *options)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err, err
    assert not db.exists()  # checked before the database is opened: nothing changed


def test_search_is_due_takes_a_card_failed_earlier_today_as_a_same_day_repeat(
        deck: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Anki's ``is:due`` takes learning cards; a card failed earlier today is one (DESIGN §4 rule 5):
    ``due`` lists it, and ``study --search is:due`` repeats it as drill, leaving its schedule alone."""
    review(capsys, "001", 1, NOW)  # SM-2 by hand: n = 0, I = 1, EF 2.5 - 0.54 = 1.96; due tomorrow
    review(capsys, "002", 4, NOW)  # passed: not due again today
    later = NOW.replace("T10:", "T12:")
    listed = json.loads(run(capsys, "due", "cs", "--json", "--now", later)[1])
    assert [(item["card"], item["kind"]) for item in listed if item["kind"] != "new"] == [("cs/001", "learning")]
    out = study(capsys, monkeypatch, later, ["--search", "is:due"], "", "4")
    assert "search: is:due · 1 card" in out and "cs/001 (learning)" in out
    assert card(deck, "001") == ("2024-03-02", 1, 1960, 0, 2)  # the drill changed nothing but the log
    with sqlite3.connect(deck) as conn:
        assert conn.execute("SELECT kind FROM review_log ORDER BY id DESC LIMIT 1").fetchone()[0] == 2  # drill


def test_search_tags_are_anki_tags_hierarchy_case_and_wildcard(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``tag:dl`` takes ``DL::cnn`` (Anki's hierarchy, case-insensitive, also in a non-Latin
    script), ``tag:cn*`` a prefix; counted by hand from the deck below. ``tag:ÖKONOMIE`` found
    nothing: SQLite's LIKE, which narrowed the search by the tag's text, folds only ASCII."""
    path = tmp_path / "cs.yaml"
    tagged = {"001": "[DL::cnn]", "002": "[dl]", "003": "[dlx]", "004": "[ml::dl]", "005": "[ökonomie]",
              "006": "[cnn]"}
    path.write_text("id: cs\ncards:\n" + "".join(
        f'  - id: "{card}"\n    front: "Q{card}"\n    back: "A"\n    tags: {tags}\n'
        for card, tags in tagged.items()), encoding="utf-8")
    assert run(capsys, "import", str(path), "--now", NOW)[0] == 0
    for query, count in (("tag:dl", 2), ("tag:DL::CNN", 1), ("tag:cn*", 1), ("tag:dl::*", 1),
                         ("tag:ÖKONOMIE", 1), ("tag:ml", 1), ("tag:d*", 3)):
        out = study(capsys, monkeypatch, NOW, ["--search", query, "--cram"])
        assert f"{query} · {count} card" in out, (query, out.splitlines()[0])
