"""The standard streams as callers leave them: closed (``>&-``, a daemon), or endless (``< /dev/zero``).

Each case runs a real process, as the shell starts it. The promise: no
traceback; bad input is one line on stderr, exit 2, the database unchanged;
a graded review is kept even when its line cannot be printed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import NOW, REPO, deck_text, dump, run

REDIRECT = {"stdin": "<&-", "stdout": ">&-", "stderr": "2>&-"}


@pytest.fixture
def deck_db(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    deck = tmp_path / "q.yaml"
    deck.write_text(deck_text("q", 3))
    code, _out, err = run(capsys, "import", str(deck), "--now", NOW)
    assert code == 0, err
    return db


def run_with_closed(stream: str, db: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """``flashdl ARGV`` started by a shell with ``stream`` closed (not /dev/null: no descriptor)."""
    script = f'exec "$0" -m flashdl.cli "$@" {REDIRECT[stream]}'
    pipe = {name: subprocess.PIPE for name in ("stdout", "stderr") if name != stream}
    return subprocess.run(["sh", "-c", script, sys.executable, *argv], cwd=REPO, text=True,
                          timeout=120, env={**os.environ, "FLASHDL_DB": str(db)}, **pipe)  # type: ignore[call-overload]


def no_traceback(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stderr, done.stderr


def reviews(db: Path) -> int:
    import sqlite3

    con = sqlite3.connect(db)
    try:
        return int(con.execute("SELECT count(*) FROM review_log").fetchone()[0])
    finally:
        con.close()


@pytest.mark.parametrize(("stream", "argv", "code", "message"), [
    # stdin closed: input is at its end, as with < /dev/null
    ("stdin", ["review", "--batch", "-"], 2, "flashdl: <stdin>: no reviews in the batch"),
    ("stdin", ["study", "--plain", "q"], 0, None),
    ("stdin", ["practice", "--plain"], 2, "flashdl: Nothing to practise"),
    # stdout closed: the output goes nowhere, as print() drops it; errors still go to stderr
    ("stdout", ["decks", "--json"], 0, None),
    ("stdout", ["due"], 0, None),
    ("stdout", ["show", "q/001", "--json"], 0, None),
    ("stdout", ["show", "q/404"], 2, "flashdl: unknown card 'q/404'"),
    ("stdout", ["--help"], 0, None),
    # stderr closed: the exit status still tells
    ("stderr", ["show", "q/404"], 2, None),
    ("stderr", ["bogus"], 2, None),
])
def test_a_closed_stream_is_no_traceback(deck_db: Path, stream: str, argv: list[str], code: int,
                                         message: str | None) -> None:
    before = dump(deck_db)
    done = run_with_closed(stream, deck_db, *argv, "--now", NOW)
    assert done.returncode == code, done.stderr
    if stream != "stderr":
        no_traceback(done)
        if message is not None:
            assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith(message), done.stderr
        else:
            assert done.stderr == ""
    assert dump(deck_db) == before


def test_a_review_graded_with_stdout_closed_is_kept(deck_db: Path) -> None:
    """Its result line has nowhere to go; the grade is recorded all the same (and only once)."""
    done = run_with_closed("stdout", deck_db, "review", "--card", "q/001", "--grade", "4", "--now", NOW)
    assert done.returncode == 0 and done.stderr == ""
    assert reviews(deck_db) == 1
