"""SIGTERM and SIGHUP mid-write: the run unwinds as on Ctrl-C, leaving no half-written file behind.

The signal is sent by the process to itself at a known point (the first
``fsync`` of an output, after its bytes are written and before the rename),
so the test does not depend on timing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import NOW, REPO, deck_text, dump, run

SELF_SIGNAL = """
import os, signal, sys
from flashdl.cli import main
real_fsync, signum = os.fsync, int(sys.argv[1])
def fsync_then_signal(fd):
    real_fsync(fd)
    os.kill(os.getpid(), signum)
os.fsync = fsync_then_signal
sys.exit(main(sys.argv[2:]))
"""


@pytest.fixture
def deck_db(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    deck = tmp_path / "q.yaml"
    deck.write_text(deck_text("q", 3))
    code, _out, err = run(capsys, "import", str(deck), "--now", NOW)
    assert code == 0, err
    return db


def signalled_run(db: Path, signum: int, *argv: str, ignore: bool = False) -> subprocess.CompletedProcess[str]:
    def ignored() -> None:
        signal.signal(signum, signal.SIG_IGN)

    return subprocess.run([sys.executable, "-c", SELF_SIGNAL, str(int(signum)), *argv], cwd=REPO,
                          capture_output=True, text=True, timeout=120, preexec_fn=ignored if ignore else None,
                          env={**os.environ, "FLASHDL_DB": str(db), "PYTHONPATH": str(REPO)})


COMMANDS = {
    "export yaml": ["export", "q", "--format", "yaml", "--out"],
    "export yaml with history": ["export", "q", "--format", "yaml", "--with-history", "--out"],
    "export csv": ["export", "q", "--format", "csv", "--out"],
    "export apkg": ["export", "q", "--format", "apkg", "--out"],
    "export revlog": ["export", "q", "--format", "revlog", "--out"],
    "db backup": ["db", "backup"],
}


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["TERM", "HUP"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_signal_mid_write_leaves_the_old_file_and_nothing_else(
    deck_db: Path, tmp_path: Path, command: str, signum: int
) -> None:
    """By default the signal killed the process where it stood: `.out.XXXX.tmp` stayed behind."""
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "q.out"
    out.write_text("old\n")
    before = dump(deck_db)
    done = signalled_run(deck_db, signum, *COMMANDS[command], str(out))
    assert done.returncode == 128 + signum, done.stderr
    assert done.stderr == "flashdl: terminated\n" and done.stdout == ""
    assert sorted(p.name for p in folder.iterdir()) == ["q.out"]  # no temporary file, no side file
    assert out.read_text() == "old\n"
    assert dump(deck_db) == before


def test_an_ignored_hangup_stays_ignored(deck_db: Path, tmp_path: Path) -> None:
    """`nohup flashdl export ...`: the caller chose to ignore SIGHUP; the export completes."""
    out = tmp_path / "q.csv"
    done = signalled_run(deck_db, signal.SIGHUP, "export", "q", "--format", "csv", "--out", str(out),
                         ignore=True)
    assert done.returncode == 0, done.stderr
    assert [line.split(",")[1] for line in out.read_text().splitlines()[-3:]] == [
        "Question 1", "Question 2", "Question 3"]


def test_main_gives_back_the_signal_handlers(deck_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``main`` is also called in-process (tests, scripts): its handlers go when it returns."""
    before = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGHUP)}
    assert run(capsys, "decks")[0] == 0
    assert run(capsys, "show", "q/404")[0] == 2
    assert {signum: signal.getsignal(signum) for signum in before} == before
