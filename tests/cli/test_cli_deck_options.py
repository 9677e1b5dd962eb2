"""``flashdl deck options`` and ``flashdl scheduler optimize|evaluate|simulate`` (DESIGN §3)."""

from __future__ import annotations

import json
import math
import random
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from cli_helpers import NOW, deck_text, dump, run, run_json

from flashdl.scheduler import fsrs_schedule


@pytest.fixture
def imported(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "quiz.yaml"
    path.write_text(deck_text("quiz", 60))
    code, _out, err = run(capsys, "import", str(path), "--now", NOW)
    assert code == 0, err
    return db


def synthetic_history(path: Path, cards: int = 60, reviews: int = 9) -> Path:
    """Reviews whose recall follows an exponential forgetting curve with per-card half-lives
    (not FSRS's model), on growing gaps; grade 4 when recalled, 1 when not."""
    rng = random.Random(7)
    start = datetime.fromisoformat(NOW)
    lines = []
    for card in range(1, cards + 1):
        half_life = math.exp(rng.gauss(math.log(8), 0.8))
        day, gap = 0, 1
        for _ in range(reviews):
            recalled = rng.random() < 2 ** (-gap / half_life)
            lines.append(json.dumps({"card": f"quiz/{card:03d}", "grade": 4 if recalled else 1,
                                     "at": (start + timedelta(days=day)).isoformat()}))
            gap = gap * 2 if recalled else 1
            day += gap
    path.write_text("\n".join(lines) + "\n")
    return path


def test_options_show_and_change(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shown = run_json(capsys, "deck", "options", "quiz")
    assert shown == {"deck": "quiz", "new_per_day": 20, "reviews_per_day": None, "new_order": "file",
                     "leech_threshold": 8, "leech_action": "suspend", "scheduler": "sm2",
                     "desired_retention": 0.9, "fsrs_parameters": None}
    changed = run_json(capsys, "deck", "options", "quiz", "--new-per-day", "5", "--reviews-per-day", "50",
                       "--new-order", "random", "--leech-threshold", "4", "--leech-action", "tag",
                       "--scheduler", "fsrs", "--desired-retention", "0.85")
    assert changed == {**shown, "new_per_day": 5, "reviews_per_day": 50, "new_order": "random",
                       "leech_threshold": 4, "leech_action": "tag", "scheduler": "fsrs",
                       "desired_retention": 0.85}
    assert run_json(capsys, "deck", "options", "quiz") == changed  # stored
    assert len(run_json(capsys, "due", "--now", NOW)) == 5
    code, out, _err = run(capsys, "deck", "options", "quiz")
    assert code == 0 and "scheduler: fsrs" in out and "reviews per day: 50" in out


@pytest.mark.parametrize(("argv", "message"), [
    (["--desired-retention", "0.5"], "desired retention: 0.5 is outside 0.7..0.99"),
    (["--fsrs-parameters", "1, 2, 3"], "needs 21 parameters"),
    (["--leech-threshold", "0"], "must be at least 1"),
    (["--new-order", "shuffled"], "invalid choice"),
])
def test_bad_options_exit_2_and_change_nothing(
    imported: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    before = dump(imported)
    code, out, err = run(capsys, "deck", "options", "quiz", *argv)
    assert code == 2 and out == "" and message in err and "Traceback" not in err
    assert dump(imported) == before


def test_corrupt_stored_parameters_are_refused(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    weights = list(fsrs_schedule.DEFAULT_PARAMETERS)
    weights[4] = 11.0
    db = sqlite3.connect(imported)
    db.execute("UPDATE deck SET options = ?", (json.dumps({"scheduler": "fsrs", "fsrs_parameters": weights}),))
    db.commit()
    db.close()
    before = dump(imported)
    for argv in (["deck", "options", "quiz"], ["due", "--now", NOW],
                 ["review", "--card", "quiz/001", "--grade", "4", "--now", NOW]):
        code, _out, err = run(capsys, *argv)
        assert code == 2, argv
        assert err.strip() == "flashdl: deck quiz options: FSRS parameters: w4 = 11.0 is outside 1.0..10.0"
    assert dump(imported) == before


def test_too_few_reviews_are_refused(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = dump(imported)
    for action in ("optimize", "evaluate"):
        code, _out, err = run(capsys, "scheduler", action, "quiz")
        assert code == 2 and ("too few reviews" in err or "at least 6" in err), err
    assert dump(imported) == before


def test_optimize_evaluate_simulate(imported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "review", "--batch", str(synthetic_history(tmp_path / "h.jsonl")))
    assert code == 0, err
    run_json(capsys, "deck", "options", "quiz", "--scheduler", "fsrs")
    tuned = run_json(capsys, "scheduler", "optimize", "quiz")
    assert tuned["reviews"] == 60 * 8  # every review but each card's first
    assert tuned["log_loss_after"] < tuned["log_loss_before"]
    fsrs_schedule.validate_parameters(tuned["parameters"])
    assert run_json(capsys, "deck", "options", "quiz")["fsrs_parameters"] == tuned["parameters"]
    db = sqlite3.connect(imported)  # the deck's cards were rescheduled with the tuned weights
    assert db.execute("SELECT count(*) FROM card WHERE fsrs_stability IS NOT NULL").fetchone()[0] == 60
    db.close()
    evaluation = run_json(capsys, "scheduler", "evaluate", "quiz")
    assert set(evaluation) == {"reviews", "schedulers"}
    assert set(evaluation["schedulers"]) == {"sm2", "fsrs_default", "fsrs_tuned"}
    assert set(evaluation["schedulers"]["sm2"]) == {"log_loss", "rmse_bins", "auc"}
    simulated = run_json(capsys, "scheduler", "simulate", "quiz", "--days", "20",
                         "--desired-retention", "0.8", "0.95")
    assert simulated["days"] == 20
    assert [w["desired_retention"] for w in simulated["workloads"]] == [0.8, 0.95]
    assert all(len(w["reviews_per_day"]) == 20 for w in simulated["workloads"])
    # Higher retention costs more reviews (the point of the simulator).
    low, high = (sum(w["reviews_per_day"]) for w in simulated["workloads"])
    assert high > low


def test_interrupted_optimize_changes_nothing(
    imported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(capsys, "review", "--batch", str(synthetic_history(tmp_path / "h.jsonl")))
    before = dump(imported)
    from flashdl.scheduler import fsrs_tuning

    def interrupted(histories: object) -> None:
        raise KeyboardInterrupt
    monkeypatch.setattr(fsrs_tuning, "optimize", interrupted)
    code, _out, err = run(capsys, "scheduler", "optimize")
    assert code == 130 and "interrupted" in err
    assert dump(imported) == before


def test_options_travel_with_the_history_side_file(
    imported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(capsys, "review", "--card", "quiz/001", "--grade", "4", "--now", NOW)
    run_json(capsys, "deck", "options", "quiz", "--scheduler", "fsrs", "--leech-threshold", "5",
             "--new-per-day", "7")
    out = tmp_path / "out" / "quiz.yaml"
    out.parent.mkdir()
    code, _out, err = run(capsys, "export", "quiz", "--format", "yaml", "--with-history", "--out", str(out))
    assert code == 0, err
    side = json.loads((out.parent / "quiz.history.json").read_text())
    assert side["options"] == {"leech_threshold": 5, "new_per_day": 7, "scheduler": "fsrs"}
    monkeypatch.setenv("FLASHDL_DB", str(tmp_path / "other.sqlite3"))
    code, _out, err = run(capsys, "import", str(out), "--with-history", "--now", NOW)
    assert code == 0, err
    options = run_json(capsys, "deck", "options", "quiz")
    assert (options["scheduler"], options["leech_threshold"], options["new_per_day"]) == ("fsrs", 5, 7)
    db = sqlite3.connect(tmp_path / "other.sqlite3")
    assert db.execute("SELECT count(*) FROM card WHERE fsrs_stability IS NOT NULL").fetchone()[0] == 1
    db.close()


def test_default_options_are_what_decks_without_their_own_follow(
        imported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(deck_text("other", 3))
    assert run(capsys, "import", str(other), "--now", NOW)[0] == 0
    assert run_json(capsys, "deck", "options", "other", "--new-per-day", "3")["new_per_day"] == 3
    defaults = run_json(capsys, "deck", "options", "--default", "--scheduler", "fsrs",
                        "--desired-retention", "0.8", "--new-per-day", "9")
    assert defaults["deck"] is None
    assert (defaults["scheduler"], defaults["desired_retention"], defaults["new_per_day"]) == ("fsrs", 0.8, 9)
    assert run_json(capsys, "deck", "options", "--default") == defaults
    quiz = run_json(capsys, "deck", "options", "quiz")
    assert (quiz["scheduler"], quiz["desired_retention"], quiz["new_per_day"]) == ("fsrs", 0.8, 9)
    assert run_json(capsys, "deck", "options", "other")["new_per_day"] == 3  # its own value stays
    db = sqlite3.connect(imported)
    stored = db.execute("SELECT value FROM setting WHERE key = 'deck_options'").fetchone()[0]
    deck_own = db.execute("SELECT options FROM deck WHERE slug = 'quiz'").fetchone()[0]
    db.close()
    assert json.loads(stored) == {"scheduler": "fsrs", "desired_retention": 0.8}
    assert deck_own is None
    code, out, _err = run(capsys, "deck", "options", "--default")
    assert code == 0 and out.startswith("default options") and "scheduler: fsrs" in out


@pytest.mark.parametrize("argv", [("deck", "options"), ("deck", "options", "quiz", "--default")])
def test_default_options_need_exactly_one_target(imported: Path, capsys: pytest.CaptureFixture[str],
                                                 argv: tuple[str, ...]) -> None:
    code, out, err = run(capsys, *argv, "--scheduler", "fsrs")
    assert code == 2 and out == "" and err.count("\n") == 1 and "--default" in err
    assert run_json(capsys, "deck", "options", "quiz")["scheduler"] == "sm2"


@pytest.mark.parametrize("limit", [None, 0, 3, 7, 100])
def test_decks_counts_follow_the_daily_limits_as_the_queue_does(
    imported: Path, capsys: pytest.CaptureFixture[str], limit: int | None
) -> None:
    """`decks` (and the home screen, which reads the same counts) said 10 due where the queue
    showed the 3 a reviews-per-day limit allows; the reference is `due --json`, today's queue."""
    for card in range(1, 11):  # ten reviews, due the next day
        assert run(capsys, "review", "--card", f"quiz/{card:03d}", "--grade", "5", "--now", NOW)[0] == 0
    options = ["--new-per-day", "4"] + ([] if limit is None else ["--reviews-per-day", str(limit)])
    assert run(capsys, "deck", "options", "quiz", *options)[0] == 0
    day = (datetime.fromisoformat(NOW) + timedelta(days=1)).isoformat()
    queue = run_json(capsys, "due", "--now", day)
    kinds = [entry["kind"] for entry in queue]
    (deck,) = run_json(capsys, "decks", "--now", day)
    assert deck["due"] == kinds.count("review") == (10 if limit is None else min(limit, 10))
    assert deck["new"] == kinds.count("new") == 4
    assert run(capsys, "review", "--card", "quiz/001", "--grade", "5", "--now", day)[0] == 0  # one done
    (deck,) = run_json(capsys, "decks", "--now", day)
    left = [entry["kind"] for entry in run_json(capsys, "due", "--now", day)].count("review")
    assert deck["due"] == left == (9 if limit is None else max(0, min(limit - 1, 9)))


def test_fsrs_parameters_default_goes_back_to_the_default_weights(
        imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Before, nothing but pasting the 21 numbers undid custom (or tuned) weights: 'default' was
    # "not a list of numbers". Reference: py-fsrs itself with its default weights.
    import fsrs

    tuned = "0.4,1.0,3.0,10.0,6.0,0.8,3.0,0.01,1.8,0.16,0.8,1.5,0.06,0.26,1.6,0.6,1.9,0.54,0.09,0.06,0.2"
    run_json(capsys, "deck", "options", "quiz", "--scheduler", "fsrs", "--fsrs-parameters", tuned)
    start = datetime.fromisoformat(NOW)
    ratings = [(0, 4, 3), (3, 2, 1), (4, 5, 4)]  # (day, grade, py-fsrs rating)
    for day, grade, _rating in ratings:
        at = (start + timedelta(days=day)).isoformat()
        assert run(capsys, "review", "--card", "quiz/001", "--grade", str(grade), "--now", at)[0] == 0
    shown = run_json(capsys, "deck", "options", "quiz", "--fsrs-parameters", "default")
    assert shown["fsrs_parameters"] is None and shown["scheduler"] == "fsrs"
    code, out, _err = run(capsys, "deck", "options", "quiz")
    assert code == 0 and "fsrs parameters: defaults" in out

    scheduler = fsrs.Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    card = fsrs.Card()
    for day, _grade, rating in ratings:  # 10:00 UTC: each review's study day is its date
        card, _ = scheduler.review_card(card, fsrs.Rating(rating), start.replace(hour=0) + timedelta(days=day))
    db = sqlite3.connect(imported)
    stability, difficulty, due = db.execute(
        "SELECT fsrs_stability, fsrs_difficulty, due FROM card WHERE slug = '001'").fetchone()
    db.close()
    assert stability == pytest.approx(card.stability, rel=1e-12)
    assert difficulty == pytest.approx(card.difficulty, rel=1e-12)
    assert due == card.due.date().isoformat()


@pytest.mark.parametrize(("hour", "day"), [(4, "2024-03-02"), (6, "2024-03-01"), (0, "2024-03-02")])
def test_the_hour_a_study_day_starts_is_configurable(imported: Path, capsys: pytest.CaptureFixture[str],
                                                     hour: int, day: str) -> None:
    """DESIGN §4: a study day starts at the rollover hour (04:00 local, configurable); nothing
    set it. A review at 05:30 belongs to the evening before when days start at 06:00 (as Anki's
    "next day starts at"): its study day and, with I = 1, its due date are a day earlier."""
    before = run_json(capsys, "deck", "options", "--default", "--json")
    assert before["rollover_hour"] == 4
    after = run_json(capsys, "deck", "options", "--default", "--rollover-hour", str(hour), "--json")
    assert after == {**before, "rollover_hour": hour}
    code, _out, err = run(capsys, "review", "--card", "quiz/001", "--grade", "4", "--now", "2024-03-02T05:30:00+00:00")
    assert code == 0, err
    con = sqlite3.connect(imported)
    try:
        (logged,) = con.execute("SELECT study_day FROM review_log").fetchone()
    finally:
        con.close()
    assert logged == day
    shown = run_json(capsys, "show", "quiz/001", "--now", "2024-03-02T05:30:00+00:00")
    due = (datetime.fromisoformat(day) + timedelta(days=1)).date().isoformat()
    assert shown["schedule"]["due"] == due
    assert run_json(capsys, "deck", "options", "--default", "--json")["rollover_hour"] == hour  # stored


@pytest.mark.parametrize("argv", [["--default", "--rollover-hour", "24"], ["--default", "--rollover-hour", "-1"],
                                  ["quiz", "--rollover-hour", "5"], ["--default", "--rollover-hour", "4.5"]])
def test_a_bad_rollover_hour_changes_nothing(imported: Path, capsys: pytest.CaptureFixture[str],
                                            argv: list[str]) -> None:
    before = dump(imported)
    code, out, err = run(capsys, "deck", "options", *argv)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert dump(imported) == before
    assert "rollover_hour" not in run_json(capsys, "deck", "options", "quiz", "--json")  # not a deck's
