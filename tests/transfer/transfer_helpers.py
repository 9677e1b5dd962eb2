"""Helpers for the import/export tests: running the CLI, dumping databases, building packages."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from flashdl.cli import main

REPO = Path(__file__).resolve().parents[2]
CARDS = REPO / "cards"
NOW = "2024-03-01T10:00:00+00:00"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``flashdl ARGV`` in-process with a fixed clock: (exit code, stdout, stderr)."""
    capsys.readouterr()
    try:
        code = main([*argv, "--now", NOW] if "--now" not in argv else list(argv))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def ok(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    return out


def dump(path: Path) -> str:
    """Every row of a database, for before/after comparisons ("" when it does not exist)."""
    if not path.exists():
        return ""
    db = sqlite3.connect(path)
    try:
        return "\n".join(db.iterdump())
    finally:
        db.close()


def deck_yaml(deck_id: str, count: int, *, extra: str = "") -> str:
    cards = "".join(
        f'  - id: "{i:03d}"\n    front: "Question {i} with $x_{i}$"\n    back: "Answer **{i}**"\n'
        f"    tags: [t{i % 3}]\n" for i in range(1, count + 1))
    return f"format: flashdl-deck/1\nid: {deck_id}\nname: Deck {deck_id}\n{extra}cards:\n{cards}"
