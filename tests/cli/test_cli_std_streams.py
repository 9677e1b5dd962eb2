"""The standard streams as callers leave them: closed (``>&-``, a daemon), or endless (``< /dev/zero``).

Each case runs a real process, as the shell starts it. The promise: no
traceback; bad input is one line on stderr, exit 2, the database unchanged;
a graded review is kept even when its line cannot be printed.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

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


# ---------------------------------------------------------------- endless input


class Zeros(io.RawIOBase):
    """/dev/zero in-process, never a newline; it ends after 16 MB, far past the limit the test
    sets, so that a read without a bound fails the test rather than fill the memory."""

    left = 16 << 20

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        size = min(len(buffer), self.left)
        buffer[:size] = bytes(size)
        self.left -= size
        return size


def test_an_endless_batch_on_stdin_stops_at_the_limit(
    deck_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`review --batch - < /dev/zero` read without end (a MemoryError traceback, or the machine's
    memory); it is held to a batch file's limit (here made 1 MB, not to read 537 MB)."""
    import flashdl.services.exchange.files as files

    monkeypatch.setattr(files, "MAX_TEXT_BYTES", 1 << 20)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(Zeros())))
    before = dump(deck_db)
    code, out, err = run(capsys, "review", "--batch", "-", "--now", NOW)
    assert code == 2 and out == ""
    assert err == "flashdl: <stdin>: more than the limit of 1 MB\n"
    assert dump(deck_db) == before


@pytest.mark.parametrize("argv", [["study", "--plain", "q"], ["practice", "--plain"]])
def test_an_endless_answer_line_stops_at_the_limit(deck_db: Path, tmp_path: Path, argv: list[str]) -> None:
    """`study --plain < /dev/zero`: one line without end, read whole (a MemoryError traceback)."""
    from flashdl.commands.plain_study import MAX_LINE_CHARS

    deck = tmp_path / "c.yaml"  # a computed card, for practice
    deck.write_text("id: c\ncards:\n  - id: a\n    front: f\n    back: b\n    engine:\n"
                    "      family: conv2d_param_count\n      params: {in_channels: 3, out_channels: 8, "
                    "kernel: 3}\n")
    assert subprocess.run([sys.executable, "-m", "flashdl.cli", "import", str(deck), "--now", NOW],
                          cwd=REPO, env={**os.environ, "FLASHDL_DB": str(deck_db)},
                          capture_output=True, timeout=120).returncode == 0
    before = dump(deck_db)
    with open("/dev/zero", "rb") as zeros:
        done = subprocess.run([sys.executable, "-m", "flashdl.cli", *argv, "--now", NOW], cwd=REPO,
                              stdin=zeros, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "FLASHDL_DB": str(deck_db)})
    assert done.returncode == 2
    assert done.stderr == (f"flashdl: <stdin>: a line longer than {MAX_LINE_CHARS:,} characters; "
                           "answers are one short line each\n")
    assert dump(deck_db) == before


def test_an_answer_line_of_the_limit_is_still_read() -> None:
    """The bound counts characters before the newline: a line of exactly the limit is an answer."""
    from flashdl.commands.plain_study import MAX_LINE_CHARS, Quit, ask

    out = io.StringIO()
    assert ask(io.StringIO("x" * MAX_LINE_CHARS + "\nq\n"), out, "> ") == "x" * MAX_LINE_CHARS
    with pytest.raises(Quit):
        ask(io.StringIO(""), out, "> ")


@pytest.mark.parametrize(("argv", "code"), [
    (["show", "q/404"], 2),  # flashdl's message: it raised BrokenPipeError, exit 1
    (["review", "--card", "q/001", "--grade", "9"], 2),  # argparse's message
    (["decks"], 0),
])
def test_the_exit_status_tells_when_stderr_is_a_broken_pipe(deck_db: Path, argv: list[str], code: int) -> None:
    """`flashdl ... 2>&1 | head -1` after head has gone: the message has nowhere to go; the exit
    status is what is left, and it must still say 2 for a bad input."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run([sys.executable, "-m", "flashdl.cli", *argv, "--now", NOW], cwd=REPO,
                              stdout=subprocess.PIPE, stderr=write_end, timeout=120,
                              env={**os.environ, "FLASHDL_DB": str(deck_db)})
    finally:
        os.close(write_end)
    assert done.returncode == code
