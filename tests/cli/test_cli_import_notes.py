"""Import notes: a sample on stderr, every one of them in --json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import NOW, run

from flashdl.commands.transfer import MAX_NOTES_SHOWN


def _outline(path: Path, lone_bullets: int) -> Path:
    lines = ["Lecture notes", "", "  • Pooling", "    • max", "    • average"]
    lines += [f"  • lone bullet {i}" for i in range(lone_bullets)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_many_skipped_lines_are_sampled_on_stderr_and_all_in_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = _outline(tmp_path / "notes.txt", MAX_NOTES_SHOWN + 5)
    code, _, err = run(capsys, "--db", str(tmp_path / "a.sqlite3"), "import", str(notes), "--now", NOW)
    assert code == 0
    lines = err.strip().splitlines()
    assert len(lines) == MAX_NOTES_SHOWN + 1
    assert lines[-1].startswith("flashdl: ... and 5 more notes")
    code, out, _ = run(capsys, "--db", str(tmp_path / "b.sqlite3"), "import", str(notes), "--now", NOW,
                       "--json")
    skipped = [n for n in json.loads(out)["notes"] if "lone bullet" in n]
    assert code == 0 and len(skipped) == MAX_NOTES_SHOWN + 5


def test_a_few_notes_are_all_shown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = _outline(tmp_path / "notes.txt", 2)
    code, _, err = run(capsys, "--db", str(tmp_path / "a.sqlite3"), "import", str(notes), "--now", NOW)
    assert code == 0 and len(err.strip().splitlines()) == 2 and "more notes" not in err
