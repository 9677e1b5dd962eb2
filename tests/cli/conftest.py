"""CLI tests: each gets its own database through FLASHDL_DB."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data" / "flashdl.sqlite3"
    path.parent.mkdir()  # an explicit FLASHDL_DB's folder must exist
    monkeypatch.setenv("FLASHDL_DB", str(path))
    return path
