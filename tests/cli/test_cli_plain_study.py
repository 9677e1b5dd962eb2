"""``flashdl study --plain``: a whole session by lines of stdin, then the database checked."""

from __future__ import annotations

import io
import json
import math
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from cli_helpers import NOW, run

from flashdl.scheduler.due_spec import parse_due_spec
from flashdl.services.manual_schedule import forget_cards, set_due_cards
from flashdl.store import Store, open_store

# conv output size by the textbook formula, worked here independently of the engine
W, F, P, S = 9, 3, 1, 2
SIDE = math.floor((W + 2 * P - F) / S) + 1

DECK = f"""\
id: plain
name: Plain deck
cards:
  - id: a
    front: "What is $\\\\frac{{N+2P-F}}{{S}}+1$?"
    back: The output size.
  - id: b
    front: Second
    back: Answer b
  - id: c
    front: Output size?
    back: Use the formula.
    engine:
      family: conv2d_output_size
      params: {{input: [{W}, {W}], kernel: [{F}, {F}], padding: {P}, stride: {S}}}
"""


@pytest.fixture
def deck(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "plain.yaml"
    path.write_text(DECK, encoding="utf-8")
    code, _, err = run(capsys, "import", str(path), "--now", NOW)
    assert code == 0, err
    return db


def study(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *lines: str) -> str:
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
    code, out, err = run(capsys, "study", "plain", "--plain", "--now", NOW)
    assert code == 0, err
    return out


def log(db: Path) -> list[tuple[str, int, str | None, int | None]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT card.slug, grade, typed_answer, answer_correct FROM review_log "
            "JOIN card ON card.id = review_log.card_id ORDER BY review_log.id").fetchall()


def test_a_whole_session_by_lines(deck: Path, capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    out = study(capsys, monkeypatch,
                "", "5",                      # a: reveal, perfect
                "", "1",                      # b: wrong, so it comes back today
                f"{SIDE}x{SIDE}", "",         # c: typed right, enter = 4
                "", "4")                      # b again (the same-day repeat)
    assert log(deck) == [("a", 5, None, None), ("b", 1, None, None),
                         ("c", 4, f"{SIDE}x{SIDE}", 1), ("b", 4, None, None)]
    assert "frac" not in out and "What is (N+2P-F)/S+1?" in out  # LaTeX made readable
    assert "✔ Right" in out and "worked solution" in out
    assert "Answers: 4, 3 right" in out and "Cards: 3 (1 repeat" in out


def test_a_grade_typed_before_the_answer_says_so_and_grades_nothing(
        deck: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A student who answers ``4`` at "[enter] show the answer" was told "unknown key '4'"."""
    out = study(capsys, monkeypatch, "4", "", "5", "q")
    assert "unknown key" not in out and "grade after the answer" in out
    assert log(deck) == [("a", 5, None, None)]  # the 4 graded nothing; the 5 after the answer did


def test_a_wrong_typed_answer_is_recorded_as_grade_1(deck: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    out = study(capsys, monkeypatch, "", "4", "", "4", f"{SIDE + 1}x{SIDE + 1}", "q")
    assert log(deck)[-1] == ("c", 1, f"{SIDE + 1}x{SIDE + 1}", 0)
    assert "✘ Wrong" in out and f"{SIDE}" in out


def test_s_after_a_wrong_answer_suspends_that_card(deck: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The prompt after a wrong answer takes s and b as the terminal UI does (its ? help listed
    them, and they were "unknown key")."""
    out = study(capsys, monkeypatch, "", "4", "", "4", f"{SIDE + 1}x{SIDE + 1}", "s", "q")
    assert log(deck)[-1] == ("c", 1, f"{SIDE + 1}x{SIDE + 1}", 0)
    assert "suspended plain/c" in out and "unknown key" not in out
    with sqlite3.connect(deck) as conn:
        assert conn.execute("SELECT suspended FROM card WHERE slug = 'c'").fetchone() == (1,)


@pytest.mark.parametrize("typed", ["", "   "])
def test_an_empty_answer_means_i_dont_know(deck: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch, typed: str) -> None:
    out = study(capsys, monkeypatch, "", "4", "", "4", typed, "q")
    assert log(deck)[-1] == ("c", 1, "", 0)   # grade 1, the typed answer logged as empty
    exercise = out[out.index("--- exercise"):]
    assert "No answer" in exercise and "recorded as grade 1" in exercise
    assert "Wrong" not in exercise and "could not" not in exercise   # no error message
    assert f"expected:\n{SIDE} × {SIDE}" in exercise  # as the worked solution writes the answer
    assert "your answer:\n(nothing typed)" in exercise
    assert "--- worked solution" in exercise and f"= {SIDE}" in exercise


def test_undo_suspend_and_bury(deck: Path, capsys: pytest.CaptureFixture[str],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    out = study(capsys, monkeypatch,
                "", "3",        # a graded 3
                "u",            # at b: undo a's grade; a is shown again
                "s",            # a suspended
                "b",            # b buried
                "q")
    assert log(deck) == []
    assert "undone: plain/a" in out and "suspended plain/a" in out and "buried plain/b" in out
    with sqlite3.connect(deck) as conn:
        flags = dict(conn.execute("SELECT slug, suspended FROM card"))
        buried = dict(conn.execute("SELECT slug, buried_until FROM card"))
    assert flags["a"] == 1 and buried["b"] == "2024-03-02"


def test_bad_keys_are_explained_and_end_of_input_keeps_every_grade(
        deck: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    out = study(capsys, monkeypatch, "", "9", "x", "2", "")  # input ends at b's answer
    assert "grade one of 0, 1, 2, 3, 4, 5" in out and "unknown key 'x'" in out
    assert log(deck) == [("a", 2, None, None)]
    assert "Answers: 1, 0 right" in out


def test_plain_mode_through_a_pipe(deck: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "flashdl.cli", "--db", str(deck), "--now", NOW, "study", "plain",
         "--plain"], input="\n5\n", capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "session summary" in done.stdout and log(deck) == [("a", 5, None, None)]


def test_the_terminal_ui_still_refuses_a_pipe_without_plain(deck: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "flashdl.cli", "--db", str(deck), "study", "plain"],
        input="", capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "interactive terminal" in done.stderr


def test_term_dumb_studies_in_line_mode_and_the_home_screen_says_how(
        deck: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """TERM=dumb (Emacs' shell, some screen-reader set-ups) cannot show the terminal UI."""
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n5\nq\n"))
    code, out, err = run(capsys, "study", "plain", "--now", NOW)  # no --plain
    assert code == 0, err
    assert "session summary" in out and log(deck) == [("a", 5, None, None)]
    code, _out, err = run(capsys, "--now", NOW)
    assert code == 2 and "TERM=dumb" in err and "flashdl study --plain" in err


def test_a_leech_is_announced_and_leaves_the_session(deck: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(capsys, "deck", "options", "plain", "--leech-threshold", "1")[0] == 0
    assert run(capsys, "review", "--card", "plain/a", "--grade", "5", "--now", "2024-02-29T10:00:00+00:00")[0] == 0
    out = study(capsys, monkeypatch, "", "1", "q")  # a is due: failed, its first lapse
    assert "plain/a is a leech (it keeps lapsing): suspended and tagged leech" in out
    with sqlite3.connect(deck) as conn:
        assert conn.execute("SELECT leech, suspended FROM card WHERE slug = 'a'").fetchone() == (1, 1)


@pytest.mark.parametrize("key", ["b", "s"])
def test_a_new_card_taken_out_leaves_its_place_to_the_next_one(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        key: str) -> None:
    """Burying or suspending a new card uses up none of the day's 20 new cards (as in Anki): the
    session goes on with 20, as ``decks`` counts them, and an undo puts the card back in front."""
    from cli_helpers import deck_text

    path = tmp_path / "many.yaml"
    path.write_text(deck_text("many", 25), encoding="utf-8")
    assert run(capsys, "import", str(path), "--now", NOW)[0] == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{key}\nq\n"))
    code, out, err = run(capsys, "study", "many", "--plain", "--now", NOW)
    assert code == 0, err
    assert out.count("--- 0 done · 20 left: 20 new · 0 learning · 0 review\n") == 2
    assert "many/002 (new)" in out and out.rstrip().count("20 new cards left for today") == 1
    code, listed, _ = run(capsys, "decks", "--json", "--now", NOW)
    assert json.loads(listed)[0]["new"] == 20  # the default 20 a day; one of the 25 taken out
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{key}\nu\nq\n"))
    code, out, err = run(capsys, "study", "many", "--plain", "--now", NOW)
    assert code == 0, err
    headers = [line for line in out.splitlines() if line.startswith("--- 0 done")]
    shown = [line.split()[0] for line in out.splitlines() if line.endswith("(new)")]
    assert headers[-1] == "--- 0 done · 20 left: 20 new · 0 learning · 0 review"
    # the first session's card is still out (buried or suspended) until this undo of a new one
    assert shown[0] == "many/002" and shown[-1] == "many/002"


@pytest.mark.parametrize("key", ["b", "s"])
def test_a_review_taken_out_at_the_limit_leaves_its_place_to_the_next_due_one(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        key: str) -> None:
    """With 2 reviews a day and 4 due, burying or suspending the first uses up neither (as in
    Anki): the session still offers 2, as ``decks`` counts them (it offered 1, while decks said 2)."""
    from cli_helpers import deck_text

    path = tmp_path / "seen.yaml"
    path.write_text(deck_text("seen", 4), encoding="utf-8")
    assert run(capsys, "import", str(path), "--now", "2024-02-20T10:00:00+00:00")[0] == 0
    for i in range(1, 5):  # seen/001 is the most overdue
        assert run(capsys, "review", "--card", f"seen/{i:03d}", "--grade", "5",
                   "--now", f"2024-02-2{i}T10:00:00+00:00")[0] == 0
    assert run(capsys, "deck", "options", "seen", "--reviews-per-day", "2")[0] == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{key}\nq\n"))
    code, out, err = run(capsys, "study", "seen", "--plain", "--now", NOW)
    assert code == 0, err
    assert out.count("--- 0 done · 2 left: 0 new · 0 learning · 2 review\n") == 2
    assert "seen/001 (review)" in out and "seen/002 (review)" in out
    assert out.rstrip().count("2 review cards left for today") == 1
    code, listed, _ = run(capsys, "decks", "--json", "--now", NOW)
    assert json.loads(listed)[0]["due"] == 2


def test_a_session_open_across_the_rollover_takes_the_new_days_queue(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A card graded 3 at 03:50 (n=2, I=6, EF=2.7: I = ceil(6 x 2.7) = 17) waits for its same-day
    repeat; graded again at 04:05, a new study day, it was recorded as a real review 16 days
    early (I 17 -> 44). Now the grade is refused with a line saying why and the new day's queue
    follows (here: nothing due)."""
    import itertools
    from datetime import UTC, datetime, timedelta

    from cli_helpers import deck_text

    from flashdl.commands.plain_study import PlainSession
    from flashdl.services.study import StudySession
    from flashdl.store import open_store

    path = tmp_path / "late.yaml"
    path.write_text(deck_text("late", 1), encoding="utf-8")
    assert run(capsys, "import", str(path), "--now", "2026-01-01T10:00:00+00:00")[0] == 0
    for day in ("2026-01-01", "2026-01-02"):
        assert run(capsys, "review", "--card", "late/001", "--grade", "5", "--now", f"{day}T10:00:00+00:00")[0] == 0
    before = datetime(2026, 1, 9, 3, 50, tzinfo=UTC)  # study day 01-08: late/001 is due
    moment = [before]

    class Keys(io.StringIO):
        """stdin whose clock passes 04:00 as the student shows the repeat's answer."""

        def readline(self, size: int | None = -1) -> str:
            line = super().readline(size)
            if self.tell() == len("\n3\n\n"):
                moment[0] = before + timedelta(minutes=15)
            return line

    out = io.StringIO()
    with open_store(db) as store:
        session = StudySession(store, before, "late")
        PlainSession(session, Keys("\n3\n\n5\n"), out, clock=lambda: moment[0], seeds=itertools.count()).run()
    text = out.getvalue()
    assert "late/001 (learning)" in text and "recorded grade 3: again in this session" in text
    assert ("not recorded: a new study day began (2026-01-09): late/001 was a repeat of 2026-01-08 "
            "and is not due until 2026-01-25") in text
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT study_day, grade, interval_after FROM review_log ORDER BY id").fetchall() == [
            ("2026-01-01", 5, 1), ("2026-01-02", 5, 6), ("2026-01-08", 3, 17)]
        assert conn.execute("SELECT interval, due FROM card").fetchone() == (17, "2026-01-25")


def test_undo_after_a_wrong_typed_answer_shows_the_same_numbers(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``u = undo (try again)`` after a wrong answer to a varying computed card shows the same
    exercise again, as the terminal UI does (it showed new numbers); the retry is checked and
    logged against those numbers. The right answer is H·W·C read off the prompt."""
    import itertools
    import re
    from datetime import datetime

    from flashdl.commands.plain_study import PlainSession
    from flashdl.services.study import StudySession
    from flashdl.store import open_store

    path = tmp_path / "vary.yaml"
    path.write_text("id: vary\nname: Vary\ncards:\n  - id: mem\n    front: How many values?\n    back: H·W·C\n"
                    "    engine:\n      family: activation_memory\n"
                    "      params: {height: 4, width: 4, channels: 2}\n      vary: true\n", encoding="utf-8")
    assert run(capsys, "import", str(path), "--now", NOW)[0] == 0
    out = io.StringIO()
    shapes = re.compile(r"has shape (\d+) × (\d+) × (\d+)")

    def right_answer() -> str:
        h, w, c = map(int, shapes.findall(out.getvalue())[-1])
        return str(h * w * c)

    class Student(io.StringIO):
        """stdin that types each answer after reading the screen."""

        script = iter(["x", "u", right_answer, "5"])

        def readline(self, size: int | None = -1) -> str:
            step = next(self.script, None)
            if step is None:
                return ""
            return (step() if callable(step) else step) + "\n"

    with open_store(db) as store:
        now = datetime.fromisoformat(NOW)
        session = StudySession(store, now, "vary")
        PlainSession(session, Student(), out, clock=lambda: now, seeds=itertools.count(7)).run()
    text = out.getvalue()
    shown = shapes.findall(text)
    assert len(shown) == 2 and shown[0] == shown[1], text  # seeds 7 and 8 would differ
    assert "undone: vary/mem comes again" in text and "✔ Right" in text
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT grade, answer_correct, variant_params FROM review_log").fetchall()
    h, w, c = map(int, shown[0])
    assert [(g, ok, json.loads(p)) for g, ok, p in rows] == [
        (5, 1, {"height": h, "width": w, "channels": c})]


def test_undoing_a_bury_of_a_card_just_suspended_as_a_leech_leaves_it_out(
        deck: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A wrong typed answer makes plain/c a leech (suspended); ``b`` on its screen, then ``u``,
    put the suspended card back at the head of the session ("it comes again")."""
    assert run(capsys, "deck", "options", "plain", "--leech-threshold", "1")[0] == 0
    assert run(capsys, "review", "--card", "plain/c", "--grade", "5", "--now", "2024-02-29T10:00:00+00:00")[0] == 0
    out = study(capsys, monkeypatch, "0", "b", "u", "q")  # c is due; 0 is wrong: its first lapse
    assert "plain/c is a leech (it keeps lapsing): suspended and tagged leech" in out
    assert "undone: the bury of plain/c\n" in out
    assert out.count("plain/c (review)") == 1 and "plain/a (new)" in out
    with sqlite3.connect(deck) as conn:
        assert conn.execute("SELECT leech, suspended, buried_until FROM card WHERE slug = 'c'").fetchone() == (
            1, 1, None)
    assert log(deck) == [("c", 5, None, None), ("c", 1, "0", 0)]


def test_undo_of_a_grade_forgotten_since_says_so(deck: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """a graded, then forgotten from another window, then u: it said "nothing to undo in this
    session"; it says why, keeps the grade and the forget, and goes on with the session."""
    def forget_then_undo() -> str:
        forget_cards(store, ["plain/a"], datetime.fromisoformat(NOW))
        return "u"

    class Student(io.StringIO):
        script = iter(["", "3", forget_then_undo, "q"])

        def readline(self, size: int | None = -1) -> str:
            step = next(self.script, None)
            return "" if step is None else (step() if callable(step) else step) + "\n"

    with open_store(deck) as store:
        monkeypatch.setattr(sys, "stdin", Student())
        code, out, err = run(capsys, "study", "plain", "--plain", "--now", NOW)
    assert code == 0, err
    assert "card plain/a was forgotten on 2024-03-01 after its last review; nothing undone" in out
    assert "nothing to undo" not in out
    with sqlite3.connect(deck) as conn:
        assert conn.execute("SELECT kind, grade FROM review_log ORDER BY id").fetchall() == [(0, 3), (3, 0)]


@pytest.mark.parametrize(("reviewed_before", "change"), [
    (False, lambda store, now: set_due_cards(store, ["plain/b"], parse_due_spec("5"), now)),
    (True, lambda store, now: set_due_cards(store, ["plain/b"], parse_due_spec("5"), now)),
    (True, lambda store, now: forget_cards(store, ["plain/b"], now)),
])
def test_a_card_changed_in_another_window_mid_session_leaves_it(
        deck: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        reviewed_before: bool, change: Callable[[Store, datetime], object]) -> None:
    """plain/b given a due date in 5 days (or forgotten) from another window while the session shows
    plain/a: the session went on to show b as queued (new, or a due review) and graded it (an early
    review of a postponed card, a forgotten one taken as a review). It is left out, as a retired card."""
    if reviewed_before:  # a and b due reviews today
        for card in ("plain/a", "plain/b"):
            assert run(capsys, "review", "--card", card, "--grade", "5", "--now", "2024-02-29T10:00:00+00:00")[0] == 0
        assert run(capsys, "deck", "options", "plain", "--new-per-day", "0")[0] == 0

    def change_b_then_show() -> str:
        change(store, datetime.fromisoformat(NOW))
        return ""

    class Student(io.StringIO):
        script = iter([change_b_then_show, "5", "", "5", "q"])

        def readline(self, size: int | None = -1) -> str:
            step = next(self.script, None)
            return "" if step is None else (step() if callable(step) else step) + "\n"

    with open_store(deck) as store:
        monkeypatch.setattr(sys, "stdin", Student())
        code, out, err = run(capsys, "study", "plain", "--plain", "--now", NOW)
    assert code == 0, err
    assert "plain/b (" not in out and "plain/a (" in out
    with sqlite3.connect(deck) as conn:  # b: no grade today, only the change
        today_b = conn.execute("SELECT kind FROM review_log JOIN card ON card.id = card_id "
                               "WHERE slug = 'b' AND study_day = '2024-03-01'").fetchall()
    assert len(today_b) == 1 and today_b[0][0] in (3, 4)
