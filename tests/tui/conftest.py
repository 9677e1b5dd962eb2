"""Fixtures of the terminal-UI tests: temp databases, no cursor blink, async tests.

Nondeterminism is removed (harlequin's approach): the clock is fixed,
variant seeds and answer times come from counters (``tui_helpers``), the
input cursor does not blink, and the theme is pinned unless a test picks one.
Async tests run on a fresh event loop each, without a pytest plugin.
"""

from __future__ import annotations

import asyncio
import inspect
from pathlib import Path

import pytest
from textual.widgets import Input
from tui_helpers import MATRIX_DECK, SAMPLE_DECK, import_decks


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    arguments = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    asyncio.run(pyfuncitem.obj(**arguments))
    return True


@pytest.fixture(autouse=True)
def _no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A database holding the sample deck (5 cards: 3 plain, 2 computed)."""
    path = tmp_path / "flashdl.sqlite3"
    import_decks(path, SAMPLE_DECK)
    return path


@pytest.fixture
def matrix_db(tmp_path: Path) -> Path:
    """A database holding one computed card with fixed matrices."""
    path = tmp_path / "matrix.sqlite3"
    import_decks(path, MATRIX_DECK)
    return path
