"""``flashdl show DECK/CARD [--json]``: a card as the study screen renders it (DESIGN §3)."""

from __future__ import annotations

import io
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import NOW, REPO, run, run_json

# conv output size by the textbook formula, worked here independently of the engine
W, F, P, S = 7, 3, 0, 2
SIDE = math.floor((W + 2 * P - F) / S) + 1

DECK = f"""\
format: flashdl-deck/1
id: src
name: From a source
markup: plain
cards:
- id: a
  front: 'Loss $L=-\\log{{x_y}}$ of (1*1) + (2*0)?'
  back: |
    - # channels
    *kept* and **kept**
    = 1/n
    Therefore the variance is kept
  tags: [init]
  errata:
  - field: back
    original: 'Var(z) = 1/n'
    note: It is $\\mathrm{{Var}}(w) = 1/n$ that keeps the variance.
- id: md
  front: '**Markdown** card'
  back: '$w_{{ij}} * x$'
  markup: markdown
- id: c
  front: Output size?
  back: Use the formula.
  engine:
    family: conv2d_output_size
    params: {{input: [{W}, {W}], kernel: [{F}, {F}], padding: {P}, stride: {S}}}
    vary: true
"""

FIELDS = {"card", "deck", "front", "back", "tags", "errata", "example", "schedule"}


@pytest.fixture
def deck(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "src.yaml"
    path.write_text(DECK, encoding="utf-8")
    code, _, err = run(capsys, "import", str(path), "--now", NOW)
    assert code == 0, err
    return db


def test_json_is_the_card_as_written_with_its_latex_in_unicode(deck: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    shown = run_json(capsys, "show", "src/a")
    assert set(shown) == FIELDS
    assert (shown["card"], shown["deck"], shown["tags"]) == ("src/a", "src", ["init"])
    assert shown["front"] == "Loss L=-log x_y of (1*1) + (2*0)?"
    assert shown["back"] == "- # channels\n*kept* and **kept**\n= 1/n\nTherefore the variance is kept"
    assert shown["errata"] == [{"field": "back", "original": "Var(z) = 1/n",
                                "note": "It is Var(w) = 1/n that keeps the variance."}]
    assert shown["example"] is None


def test_a_markdown_card_keeps_its_markdown(deck: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shown = run_json(capsys, "show", "src/md")
    assert (shown["front"], shown["back"]) == ("**Markdown** card", "w\\_ij \\* x")  # Markdown, for a renderer
    code, out, _err = run(capsys, "show", "src/md")  # printed as it is: no escapes to read out
    assert code == 0 and "\n--- back\nw_ij * x\n" in out


def test_a_computed_card_shows_its_own_example_and_worked_solution(
        deck: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = run_json(capsys, "show", "src/c")
    assert first == run_json(capsys, "show", "src/c")  # its own params, not a random variant
    example = first["example"]
    assert example["family"] == "conv2d_output_size"
    assert f"{W}" in example["prompt"] and f"{SIDE}" in example["solution"]
    assert "`" not in example["prompt"] + example["solution"]


def test_text_output_is_what_the_line_mode_prints(deck: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "show", "src/a")
    assert code == 0 and err == ""
    assert out == (
        "src/a\n"
        "--- front\n"
        "Loss L=-log x_y of (1*1) + (2*0)?\n"
        "--- back\n"
        "- # channels\n*kept* and **kept**\n= 1/n\nTherefore the variance is kept\n\n"
        "✎ Corrected: It is Var(w) = 1/n that keeps the variance.\n"
        "--- back as the source had it\n"
        "Var(z) = 1/n\n"
        "--- tags: init\n"
        "--- schedule\n"
        "Scheduler    SM-2\n"
        "Due          new\n"
        "Interval     0 days\n"
        "Ease         2.50\n"
        "Repetitions  0\n"
    )
    code, out, _ = run(capsys, "show", "src/c")
    assert "--- exercise (conv2d_output_size)" in out and "--- worked solution" in out


@pytest.mark.parametrize("ref", ["src/nope", "nope/a", "nope"])
def test_an_unknown_card_is_one_line_on_stderr_and_exit_2(deck: Path, capsys: pytest.CaptureFixture[str],
                                                          ref: str) -> None:
    code, out, err = run(capsys, "show", ref)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and ref in err and "Traceback" not in err


def test_show_never_imports_the_terminal_ui(deck: Path) -> None:
    script = ("import sys; from flashdl.cli import main; code = main(['show', 'src/a', '--json']); "
              "bad = [m for m in sys.modules if m.startswith(('textual', 'flashdl.tui', 'rich.markdown'))]; "
              "assert not bad, bad; sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=False,
                          env={**_env(), "FLASHDL_DB": str(deck)}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["card"] == "src/a"


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "PYTHONPATH": str(REPO)}


def test_the_line_mode_shows_a_plain_card_as_written(deck: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n4\nq\n"))
    code, out, err = run(capsys, "study", "src", "--plain", "--now", NOW)
    assert code == 0, err
    assert "Loss L=-log x_y of (1*1) + (2*0)?\n" in out
    assert "- # channels\n*kept* and **kept**\n= 1/n\nTherefore the variance is kept\n" in out


def _days_later(days: int) -> str:
    from datetime import datetime, timedelta

    return (datetime.fromisoformat(NOW) + timedelta(days=days)).isoformat()


# the keys added to "schedule" for a card with no flag and no same-day repeat waiting
NO_FLAGS = {"again_today": False, "suspended": False, "buried_until": None, "leech": False, "retired": False}


def test_json_schedule_of_an_sm2_card_follows_the_published_sm2(deck: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    new = run_json(capsys, "show", "src/a")["schedule"]
    assert new == {"scheduler": "sm2", "due": None, "interval": 0, "ease": 2.5, "repetitions": 0,
                   "stability": None, "difficulty": None, "retrievability": None, **NO_FLAGS}
    run(capsys, "review", "--card", "src/a", "--grade", "3", "--now", NOW)
    run(capsys, "review", "--card", "src/a", "--grade", "5", "--now", _days_later(1))
    shown = run_json(capsys, "show", "src/a", "--now", _days_later(2))["schedule"]
    # SM-2 by hand: q=3 -> I=1, EF 2.5-0.14 = 2.36; q=5 -> I=6, EF 2.46
    assert shown == {"scheduler": "sm2", "due": _days_later(7)[:10], "interval": 6, "ease": 2.46,
                     "repetitions": 2, "stability": None, "difficulty": None, "retrievability": None,
                     **NO_FLAGS}


def test_json_schedule_of_an_fsrs_card_is_the_fsrs_package_state(deck: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from datetime import UTC, datetime, timedelta

    import fsrs

    assert run(capsys, "deck", "options", "src", "--scheduler", "fsrs", "--desired-retention", "0.85")[0] == 0
    run(capsys, "review", "--card", "src/a", "--grade", "4", "--now", NOW)
    run(capsys, "review", "--card", "src/a", "--grade", "2", "--now", _days_later(3))
    shown = run_json(capsys, "show", "src/a", "--now", _days_later(8))["schedule"]
    # The reference: py-fsrs fed the same ratings on the same days (docs/fsrs.md §1)
    scheduler = fsrs.Scheduler(desired_retention=0.85, learning_steps=(), relearning_steps=(),
                               maximum_interval=36500, enable_fuzzing=False)
    day0 = datetime(2000, 1, 1, tzinfo=UTC)
    card, _ = scheduler.review_card(fsrs.Card(), fsrs.Rating.Good, day0)
    card, _ = scheduler.review_card(card, fsrs.Rating.Again, day0 + timedelta(days=3))
    assert shown["scheduler"] == "fsrs" and shown["repetitions"] == 0
    assert shown["stability"] == pytest.approx(card.stability, rel=1e-9)
    assert shown["difficulty"] == pytest.approx(card.difficulty, rel=1e-9)
    interval = (card.due - (day0 + timedelta(days=3))).days
    assert shown["interval"] == interval and shown["due"] == _days_later(3 + interval)[:10]
    decay = fsrs.scheduler.DEFAULT_PARAMETERS[20]
    factor = 0.9 ** (-1 / decay) - 1
    assert shown["retrievability"] == pytest.approx((1 + factor * 5 / card.stability) ** -decay)
    assert run_json(capsys, "show", "src/md")["schedule"]["stability"] is None  # not reviewed yet


def schedule_rows(out: str) -> dict[str, str]:
    """The ``--- schedule`` section of plain ``show`` as {label: value}."""
    section = out.split("--- schedule\n", 1)[1]
    return {label: value.strip() for label, _, value in (line.partition("  ") for line in section.splitlines())}


def test_text_schedule_of_an_sm2_card_follows_the_published_sm2(deck: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "review", "--card", "src/a", "--grade", "3", "--now", NOW)
    run(capsys, "review", "--card", "src/a", "--grade", "5", "--now", _days_later(1))
    code, out, err = run(capsys, "show", "src/a", "--now", _days_later(2))
    assert code == 0 and err == ""
    # SM-2 by hand: q=3 -> I=1, EF 2.5-0.14 = 2.36; q=5 -> I=6, EF 2.46; due 6 days after day 1
    assert schedule_rows(out) == {"Scheduler": "SM-2", "Due": f"{_days_later(7)[:10]} (in 5 days)",
                                  "Interval": "6 days", "Ease": "2.46", "Repetitions": "2"}


def test_text_schedule_of_an_fsrs_card_is_the_fsrs_package_state(deck: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from datetime import UTC, datetime, timedelta

    import fsrs

    assert run(capsys, "deck", "options", "src", "--scheduler", "fsrs", "--desired-retention", "0.85")[0] == 0
    run(capsys, "review", "--card", "src/a", "--grade", "4", "--now", NOW)
    run(capsys, "review", "--card", "src/a", "--grade", "2", "--now", _days_later(3))
    code, out, _ = run(capsys, "show", "src/a", "--now", _days_later(8))
    rows = schedule_rows(out)
    scheduler = fsrs.Scheduler(desired_retention=0.85, learning_steps=(), relearning_steps=(),
                               maximum_interval=36500, enable_fuzzing=False)
    day0 = datetime(2000, 1, 1, tzinfo=UTC)
    card, _ = scheduler.review_card(fsrs.Card(), fsrs.Rating.Good, day0)
    card, _ = scheduler.review_card(card, fsrs.Rating.Again, day0 + timedelta(days=3))
    decay = fsrs.scheduler.DEFAULT_PARAMETERS[20]
    factor = 0.9 ** (-1 / decay) - 1
    recall = (1 + factor * 5 / card.stability) ** -decay
    assert code == 0 and rows["Scheduler"] == "FSRS"
    assert rows["Stability"] == f"{card.stability:.2f} days"
    assert rows["Difficulty"] == f"{card.difficulty:.2f} (1-10)"
    assert rows["Retrievability"] == f"{recall:.0%} today"
    interval = (card.due - (day0 + timedelta(days=3))).days
    assert rows["Interval"].split()[0] == str(interval)
    assert rows["Due"].startswith(_days_later(3 + interval)[:10])
