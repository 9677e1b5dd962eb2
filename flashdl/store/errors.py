"""Errors about the database file itself (all exit code 2 through the CLI)."""

from __future__ import annotations

from flashdl.errors import FlashdlError


class StoreError(FlashdlError):
    """The database cannot be used as it is."""


class NotADatabaseError(StoreError):
    """The file exists but is not a flashdl SQLite database; it was left untouched."""


class NewerSchemaError(StoreError):
    """The database was written by a newer flashdl; it was left untouched."""
