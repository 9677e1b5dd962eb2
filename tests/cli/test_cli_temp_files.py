"""The hidden temporary file an output is written to before its rename (``.NAME.XXXXXXXX.tmp``).

SIGTERM and SIGHUP mid-write unwind as Ctrl-C does, leaving no temporary file behind: the
signal is sent by the process to itself at a known point (the first ``fsync`` of an output,
after its bytes are written and before the rename), so the test does not depend on timing.
And a long but legal output name gets a temporary name that is legal too.
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


@pytest.mark.parametrize("name", ["a" * 250 + ".out", "é" * 125 + ".out"], ids=["ascii", "two-byte"])
@pytest.mark.parametrize("command", sorted(set(COMMANDS) - {"export yaml with history"}))  # its side
def test_a_long_legal_output_name_is_written(                                  # file's name is too long

    deck_db: Path, tmp_path: Path, command: str, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A name of 242..255 bytes is legal, but its temporary `.NAME.XXXXXXXX.tmp` was not: the
    write failed with "File name too long", naming that temporary file. The reference: the same
    command to a short name."""
    assert len(name.encode()) in (254, 255)
    long_dir, short_dir = tmp_path / "long", tmp_path / "short"
    long_dir.mkdir()
    short_dir.mkdir()
    for out in (long_dir / name, short_dir / "q.out"):
        code, _out, err = run(capsys, *COMMANDS[command], str(out), "--now", NOW)
        assert code == 0, err
    written = sorted(long_dir.iterdir())
    assert [p.name for p in written if p.name.startswith(".")] == []
    assert len(written) == len(list(short_dir.iterdir())) == 1
    if command.startswith("export") and "apkg" not in command:
        assert (long_dir / name).read_bytes() == (short_dir / "q.out").read_bytes()
    else:  # a zip or SQLite file with its own timestamps: a whole, readable copy
        assert (long_dir / name).stat().st_size == (short_dir / "q.out").stat().st_size > 0


def test_main_in_another_thread_leaves_the_signals_alone(deck_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Only the main thread may set signal handlers; a script calling ``main`` from a worker
    thread got a ValueError from signal.signal instead of its command."""
    import threading

    codes = []
    worker = threading.Thread(target=lambda: codes.append(run(capsys, "show", "q/001", "--json")[0]))
    worker.start()
    worker.join(timeout=120)
    assert codes == [0]
