"""The import/export format modules are core: no database, no UI (STYLE §7)."""

from __future__ import annotations

import subprocess
import sys

import pytest

FORMAT_MODULES = ["anki_collection", "anki_export", "anki_import", "anki_notetype", "anki_package",
                  "anki_text", "history_json", "text_decks", "html_markdown", "revlog_csv", "safe_zip"]


@pytest.mark.parametrize("module", FORMAT_MODULES)
def test_format_module_imports_neither_sqlalchemy_nor_textual(module: str) -> None:
    code = (f"import sys, flashdl.formats.{module}; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'textual')))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "[]"
