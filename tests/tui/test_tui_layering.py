"""The UI stays a thin shell: no SQL in ``flashdl/tui``, and a lean start-up.

The first frame must not wait for SQLAlchemy or numpy (about 0.3 s each to
import): the app and its home screen import neither; the store is opened by
a worker after the first frame and the engine on the first computed card.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from flashdl.cli import main

TUI = Path(__file__).resolve().parents[2] / "flashdl" / "tui"
SQL = re.compile(r"\bsqlalchemy\b|\bsqlite3\b|\b(SELECT|INSERT|UPDATE|DELETE)\s+\S+.*\b(FROM|INTO|SET)\b|\.execute\(")


@pytest.mark.parametrize("path", sorted(TUI.rglob("*.py")), ids=lambda p: str(p.relative_to(TUI)))
def test_no_sql_in_the_ui(path: Path) -> None:
    offending = [line for line in path.read_text().splitlines() if SQL.search(line)]
    assert not offending, f"{path.name} talks to the database directly: {offending[:3]}"


def test_first_screen_imports_neither_sqlalchemy_nor_numpy() -> None:
    code = (
        "import sys; import flashdl.cli, flashdl.tui.launch, flashdl.tui.app, "
        "flashdl.tui.screens.home, flashdl.tui.screens.study; "
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    loaded = set(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                text=True).stdout.split())
    assert "textual" in loaded
    assert not loaded & {"sqlalchemy", "numpy", "pylatexenc", "markdown_it"}


def test_the_ui_refuses_to_run_without_a_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(tmp_path / "x.sqlite3")]) == 2  # pytest's stdin is not a terminal
    assert "needs an interactive terminal" in capsys.readouterr().err
    assert not (tmp_path / "x.sqlite3").exists()


@pytest.mark.parametrize("command", [["study"], ["study", "quiz-3"], ["practice"]])
def test_a_session_without_a_terminal_is_told_about_line_mode(
        command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The README's line mode is for pipes (`--plain`); the refusal named only decks, due and
    review, so `flashdl study < answers.txt` left the user without the way to do it."""
    assert main(["--db", str(tmp_path / "x.sqlite3"), *command]) == 2  # pytest's stdin is not a terminal
    err = capsys.readouterr().err
    assert "needs an interactive terminal" in err and "--plain" in err
    assert not (tmp_path / "x.sqlite3").exists()


def test_the_home_screen_is_drawn_without_the_other_screens() -> None:
    """Study, browse, card, stats, help and summary are imported when first shown."""
    code = (
        "import sys; from flashdl.tui.app import make_app; "
        "print(type(make_app('/nonexistent/x.sqlite3').get_default_screen()).__name__); "
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('flashdl'))))"
    )
    first, loaded = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                   text=True).stdout.splitlines()
    assert first == "HomeScreen"
    modules = set(loaded.split())
    assert "flashdl.tui.screens.home" in modules
    assert not {m for m in modules if m.startswith("flashdl.tui.screens.") and m != "flashdl.tui.screens.home"}
    assert not {m for m in modules if m.startswith(("flashdl.services", "flashdl.store", "flashdl.engine"))}
    assert "flashdl.presentation.view_models" not in modules  # imported by the worker, with the data
