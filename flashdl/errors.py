"""Error types shared by the core and the shell.

Every error a user can cause carries enough context (file, line, column) to be
fixed without reading a traceback; the CLI turns them into one stderr line and
exit code 2.
"""

from __future__ import annotations

from typing import NamedTuple


class FlashdlError(Exception):
    """Base class of every error flashdl reports to a user (exit code 2)."""


class UsageError(FlashdlError):
    """A command was called with arguments that cannot work."""


class SourcePosition(NamedTuple):
    """Where in a text file a problem is; line and column are 1-based.

    A named tuple, not a dataclass, so that importing this module (every command does) does not
    load the dataclasses module (~6 ms with the inspect module it imports).
    """

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


class InputError(FlashdlError):
    """A file or record that cannot be read as what it claims to be."""

    def __init__(self, message: str, position: SourcePosition | None = None) -> None:
        self.message = message
        self.position = position
        super().__init__(f"{position}: {message}" if position else message)

    @property
    def file(self) -> str | None:
        return self.position.file if self.position else None

    @property
    def line(self) -> int | None:
        return self.position.line if self.position else None


class NotEnoughReviewsError(UsageError):
    """Too little review history for what was asked (tuning or evaluating FSRS)."""

    def __init__(self, message: str, *, have: int, need: int) -> None:
        self.have, self.need = have, need
        super().__init__(message)


def is_utf(encoding: str | None) -> bool:
    """Whether ``encoding`` (a stream's, the locale's) can write every character flashdl shows."""
    import codecs

    try:
        return codecs.lookup(encoding or "ascii").name.startswith("utf")
    except LookupError:
        return False


class LocaleEncodingError(UsageError):
    """The locale's character encoding (``LANG=C`` with ``PYTHONUTF8=0``, a Latin-1 locale) cannot
    write flashdl's text: its cards' math (∑, ⌊⌋, x²), its ``·`` and the terminal UI's box drawing."""

    def __init__(self, encoding: str, character: str = "") -> None:
        # ASCII only: this message is written in that same encoding
        what = " ".join(f"U+{ord(c):04X}" for c in character) if character else "flashdl's text"
        super().__init__(f"the locale's character encoding ({encoding}) cannot write {what}: "
                         "use a UTF-8 locale, e.g. LANG=C.UTF-8")
