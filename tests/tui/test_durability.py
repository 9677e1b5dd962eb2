"""A graded review survives the app being killed: the real CLI in a pseudo-terminal, then SIGKILL.

Each grade is one committed transaction before the next card shows, so a
kill at any moment loses at most the card on screen, never a graded one.
"""

from __future__ import annotations

import fcntl
import os
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from tui_helpers import NOW, details, grades

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 60.0  # generous: the machine running the suite may be busy


class Terminal:
    """A child process on an 80×24 pseudo-terminal, its output collected in the background."""

    def __init__(self, argv: list[str]) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "TEXTUAL_ANIMATIONS": "none", "NO_COLOR": "1"}
        env.pop("TEXTUAL", None)
        self.process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, cwd=REPO, env=env, start_new_session=True
        )
        os.close(slave)
        self.master = master
        self.output = bytearray()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output.extend(chunk)

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def kill(self) -> int:
        self.process.send_signal(signal.SIGKILL)
        code = self.process.wait(timeout=TIMEOUT)
        os.close(self.master)
        return code


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.slow
def test_sigkill_in_the_middle_of_a_session_loses_no_graded_review(db_path: Path) -> None:
    terminal = Terminal([sys.executable, "-m", "flashdl.cli", "--db", str(db_path),
                         "--now", NOW.isoformat(), "study", "tui-sample"])
    try:
        wait_until(lambda: b"show the answer" in terminal.output, "the first card")
        terminal.send(" 4")
        wait_until(lambda: grades(db_path, "tui-sample/size") == [4], "the first grade")
        terminal.send(" 2")
        wait_until(lambda: grades(db_path, "tui-sample/relu") == [2], "the second grade")
        terminal.send(" ")  # the third card's answer is showing, not graded
        time.sleep(0.2)
    finally:
        code = terminal.kill()
    assert code == -signal.SIGKILL
    assert grades(db_path, "tui-sample/size") == [4]
    assert grades(db_path, "tui-sample/relu") == [2]
    assert grades(db_path, "tui-sample/xavier") == []
    assert details(db_path, "tui-sample/relu").state.repeat_pending  # graded 2: due again today
