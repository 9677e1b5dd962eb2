"""``flashdl practice --plain``: a run by lines of stdin, then the database checked."""

from __future__ import annotations

import io
import itertools
import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import NOW, run, run_json

from flashdl.engine import generate_variant

LIKE = {"in_features": 4, "out_features": 3}
DECK = f"""\
id: prac
name: Practice deck
cards:
  - id: dense
    front: How many parameters does Linear(4, 3) have?
    back: 15
    tags: [dense]
    engine:
      family: linear_param_count
      params: {json.dumps(LIKE)}
  - id: plain
    front: What is a tensor?
    back: An n-dimensional array.
"""


def linear_params(params: dict[str, Any]) -> int:
    """nn.Linear's parameter count by hand: in·out weights plus out biases."""
    return params["in_features"] * params["out_features"] + (params["out_features"]
                                                            if params.get("bias", True) else 0)


@pytest.fixture
def deck(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "prac.yaml"
    path.write_text(DECK, encoding="utf-8")
    code, _, err = run(capsys, "import", str(path), "--now", NOW)
    assert code == 0, err
    # fixed variant seeds: the run's order draws 7, the exercises 8, 9, ...
    monkeypatch.setattr("flashdl.services.exercises.random_seeds", lambda: itertools.count(7))
    return db


def practise(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *lines: str,
             args: tuple[str, ...] = ("prac", "--count", "3")) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
    return run(capsys, "practice", *args, "--plain", "--now", NOW)


def table(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_a_run_by_lines_records_attempts_outside_the_schedule(
        deck: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    first, second, third = (generate_variant("linear_param_count", seed, like=LIKE).params
                            for seed in (8, 9, 10))
    cards_before = table(deck, "SELECT * FROM card ORDER BY id")
    code, out, err = practise(capsys, monkeypatch, str(linear_params(first)),
                              str(linear_params(second) + 1), "")
    assert code == 0, err
    rows = table(deck, "SELECT c.slug, p.family, p.params, p.typed_answer, p.correct, p.study_day "
                       "FROM practice_attempt AS p JOIN card AS c ON c.id = p.card_id ORDER BY p.id")
    assert [(slug, family, json.loads(params), typed, correct, day)
            for slug, family, params, typed, correct, day in rows] == [
        ("dense", "linear_param_count", first, str(linear_params(first)), 1, "2024-03-01"),
        ("dense", "linear_param_count", second, str(linear_params(second) + 1), 0, "2024-03-01"),
        ("dense", "linear_param_count", third, "", 0, "2024-03-01"),
    ]
    assert table(deck, "SELECT count(*) FROM review_log") == [(0,)]  # no review, no due date moved
    assert table(deck, "SELECT * FROM card ORDER BY id") == cards_before
    assert "✔ Right" in out and "✘ Wrong" in out and "worked solution" in out
    assert "No answer: counted as not known" in out and "could not" not in out
    assert "practice done: 1 of 3 right" in out


def test_q_ends_the_run_and_stats_count_the_practice(
        deck: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = practise(capsys, monkeypatch, "", "q")
    assert code == 0 and "practice done: 0 of 1 right" in out
    data = run_json(capsys, "stats", "--now", NOW)
    assert data["engine"] == [{"family": "linear_param_count", "attempts": 1, "correct": 0, "last10": 0,
                               "last10_attempts": 1, "practice": 1}]


def test_a_question_mark_is_help_not_an_answer(
        deck: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """`?` is help in practice as in study (it was checked as an answer, "could not read",
    and kept as a wrong attempt that lowered the family's accuracy)."""
    code, out, err = practise(capsys, monkeypatch, "?", "q")
    assert code == 0, err
    assert "an empty line shows the worked solution" in out and "could not" not in out
    assert table(deck, "SELECT count(*) FROM practice_attempt") == [(0,)]


def test_end_of_input_ends_the_run_quietly(
        deck: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = practise(capsys, monkeypatch)
    assert code == 0 and err == "" and "nothing answered" in out
    assert table(deck, "SELECT count(*) FROM practice_attempt") == [(0,)]


@pytest.mark.parametrize(("args", "message"), [
    (("nodeck",), "unknown deck 'nodeck'"),
    (("--family", "nope"), "unknown family 'nope'"),
    (("prac", "--tag", "absent"), "Nothing to practise"),
    (("--count", "0"), "must be at least 1"),
])
def test_bad_filters_are_one_line_and_exit_2(
        deck: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        args: tuple[str, ...], message: str) -> None:
    code, out, err = practise(capsys, monkeypatch, args=args)
    assert code == 2 and message in err.strip().splitlines()[-1]  # argparse's usage lines first
    assert table(deck, "SELECT count(*) FROM practice_attempt") == [(0,)]


def test_the_heading_counts_one_exercise_in_the_singular(
        deck: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """It read "1 exercises"."""
    code, out, err = practise(capsys, monkeypatch, "q", args=("prac", "--count", "1"))
    assert code == 0, err
    assert out.splitlines()[0] == "practice: prac, 1 exercise, outside the schedule"
    code, out, err = practise(capsys, monkeypatch, "q", args=("prac", "--count", "2"))
    assert out.splitlines()[0] == "practice: prac, 2 exercises, outside the schedule"
