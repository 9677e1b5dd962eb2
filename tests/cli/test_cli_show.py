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

FIELDS = {"card", "deck", "front", "back", "tags", "errata", "example"}


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
    assert (shown["front"], shown["back"]) == ("**Markdown** card", "w\\_ij \\* x")


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
