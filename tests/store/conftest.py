"""Store tests run on temp-file SQLite databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from flashdl.store import Store, open_store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "flashdl.sqlite3") as opened:
        yield opened
