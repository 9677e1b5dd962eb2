"""The layers hold: the import contracts of pyproject.toml, and a core free of the shell's heavy dependencies."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CORE_MODULES = [
    "flashdl.deck",
    "flashdl.deck.yaml_deck",
    "flashdl.clock",
    "flashdl.formats",
    "flashdl.scheduler",
    "flashdl.scheduler.fsrs_tuning",
    "flashdl.scheduler.fsrs_simulation",
    "flashdl.engine",
]
SHELL_ONLY = ("textual", "sqlalchemy")


def _imported_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return set(out.stdout.split())


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_imports_neither_textual_nor_sqlalchemy(module: str) -> None:
    loaded = _imported_after(f"import {module}")
    leaked = sorted(m for m in loaded if m.split(".")[0] in SHELL_ONLY)
    assert not leaked, f"{module} pulls in {leaked[:5]}"


def test_help_imports_no_heavy_library() -> None:
    loaded = _imported_after("import flashdl.cli as cli; cli.build_parser().format_help()")
    heavy = sorted(m for m in loaded if m.split(".")[0] in ("textual", "sqlalchemy", "numpy", "yaml"))
    assert not heavy, f"--help imports {heavy[:5]}"


def test_import_contracts_hold() -> None:
    """``lint-imports``: the layer, independence and forbidden-import contracts in pyproject.toml."""
    pytest.importorskip("importlinter")
    root = Path(__file__).resolve().parents[1]
    # This checkout's flashdl first, whatever copy the interpreter has installed.
    path = os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))
    code = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True, no_logo=True))"
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": path}, timeout=120)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
