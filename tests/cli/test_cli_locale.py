"""A locale whose encoding is not UTF-8 (``LC_ALL=C`` with ``PYTHONUTF8=0``, a Latin-1 locale).

flashdl's text needs Unicode (``·``, ``∑``, ``⌊⌋``, ``x²``, box drawing). Before, line mode and
``show`` stopped on "text that is not valid Unicode (…)", blaming the cards, and the terminal UI
drew every such character as a ``\\xb7`` or ``\\u2501`` escape, garbled. Now each says, in one
ASCII line on stderr with exit 2, that the locale is the problem and how to fix it; no review is
recorded on the way.
"""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from cli_helpers import NOW, REPO, run

from flashdl.clock import FixedClock
from flashdl.errors import LocaleEncodingError

DECK = """\
id: m
cards:
  - id: sum
    front: "Unicode math: $\\\\sum_{i=1}^{n} x_i^2$ and ⌊x⌋"
    back: "x²"
"""


@pytest.fixture
def math_db(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    deck = tmp_path / "m.yaml"
    deck.write_text(DECK, encoding="utf-8")
    code, _out, err = run(capsys, "import", str(deck), "--now", NOW)
    assert code == 0, err
    return db


def ascii_flashdl(db: Path, *argv: str, stdin: str = "") -> subprocess.CompletedProcess[bytes]:
    """``flashdl ARGV`` with ASCII standard streams, as in ``LC_ALL=C PYTHONUTF8=0``."""
    env = {**os.environ, "FLASHDL_DB": str(db), "PYTHONIOENCODING": "ascii", "PYTHONUTF8": "0"}
    return subprocess.run([sys.executable, "-m", "flashdl.cli", *argv, "--now", NOW], cwd=REPO,
                          input=stdin.encode(), capture_output=True, env=env, timeout=120)


def reviews(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        return int(con.execute("SELECT count(*) FROM review_log").fetchone()[0])
    finally:
        con.close()


def one_locale_line(done: subprocess.CompletedProcess[bytes]) -> str:
    err = done.stderr.decode("ascii")  # the message itself is ASCII: it is written in that locale
    assert done.returncode == 2, err
    assert "Traceback" not in err and "not valid Unicode" not in err, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "locale's character encoding (ascii)" in lines[0] and "LANG=C.UTF-8" in lines[0], err
    return lines[0]


@pytest.mark.parametrize("argv", [["study", "--plain"], ["study", "m", "--plain"]])
def test_line_mode_says_the_locale_cannot_write_its_text(math_db: Path, argv: list[str]) -> None:
    done = ascii_flashdl(math_db, *argv, stdin="\n4\nq\n")
    one_locale_line(done)
    assert reviews(math_db) == 0


def test_show_names_the_character_the_locale_cannot_write(math_db: Path) -> None:
    line = one_locale_line(ascii_flashdl(math_db, "show", "m/sum"))
    assert "U+2211" in line  # ∑, the first character of the front that ASCII lacks


def test_terminal_ui_refuses_a_non_utf8_locale_before_drawing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from flashdl.tui import launch
    from flashdl.tui.widgets import card_images

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    def drawing(_db: Path) -> None:
        raise AssertionError("the terminal UI started in an ASCII locale")

    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr(sys, "stdout", Terminal())
    monkeypatch.setattr(sys, "__stderr__", io.TextIOWrapper(io.BytesIO(), encoding="ascii"))
    monkeypatch.setattr(card_images, "prepare", drawing)
    db = tmp_path / "f.sqlite3"
    with pytest.raises(LocaleEncodingError, match=r"\(ascii\).*LANG=C\.UTF-8"):
        launch.run_tui(db, FixedClock(datetime.fromisoformat(NOW)))
    assert not db.exists()
