"""Helpers for the CLI tests: deck files, running ``main``, database dumps."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from flashdl.cli import main

REPO = Path(__file__).resolve().parents[2]
NOW = "2024-03-01T10:00:00+00:00"


def deck_text(deck_id: str, count: int) -> str:
    cards = "".join(
        f'  - id: "{i:03d}"\n    front: "Question {i}"\n    back: "Answer {i}"\n'
        for i in range(1, count + 1)
    )
    return f"id: {deck_id}\nname: Deck {deck_id}\ncards:\n{cards}"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``flashdl ARGV`` in-process: (exit code, stdout, stderr)."""
    capsys.readouterr()
    try:
        code = main(list(argv))
    except SystemExit as exit_:  # argparse errors
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def dump(path: Path) -> str:
    db = sqlite3.connect(path)
    try:
        return "\n".join(db.iterdump())
    finally:
        db.close()


def flashdl_process(*argv: str, **kwargs: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "flashdl.cli", *argv],
        cwd=REPO, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs,
    )
