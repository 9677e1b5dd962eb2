"""The SQLite store. The only package that speaks SQL.

- ``connection``: ``connect`` (the one connection factory and its pragmas),
  ``Transaction`` (what every store function takes) and ``open_reader``
  (a plain read-only connection).
- ``database``: ``open_store(path) -> Store`` (WAL, migrations,
  ``Store.read()`` / ``Store.write()`` transactions, yielding a ``Transaction``).
  A database already at ``schema_version.SCHEMA_VERSION`` is opened and used
  through ``sqlite3`` alone; SQLAlchemy 2.x is imported to create or upgrade
  one (``migrations``, ``schema``), or when a store function asks for
  ``tx.sql`` (``sql_bridge``). A one-shot ``flashdl decks`` or ``review``
  never loads it (issue 17).
- ``schema``: the typed models (tables, units); ``schema_version``: ``SCHEMA_VERSION``.
- ``migrations``: ordered, named upgrade steps.
- ``card_content``: deck sync writes; ``scheduling``: the review hot path;
  ``queries``: reads; ``settings``: settings; ``records``: what they return.

Services (``flashdl.services``) open transactions and pass them to these;
nothing outside this package sees sqlite3, SQLAlchemy, a row or SQL
(``tests/store/test_store_boundary.py`` checks it).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flashdl.store.connection import Transaction
    from flashdl.store.database import Store, open_store
    from flashdl.store.errors import NewerSchemaError, NotADatabaseError, StoreError
    from flashdl.store.schema_version import SCHEMA_VERSION

# Imported on first use (PEP 562): naming this package loads nothing heavy.
_LAZY = {
    "Store": "flashdl.store.database",
    "Transaction": "flashdl.store.connection",
    "open_store": "flashdl.store.database",
    "NewerSchemaError": "flashdl.store.errors",
    "NotADatabaseError": "flashdl.store.errors",
    "StoreError": "flashdl.store.errors",
    "SCHEMA_VERSION": "flashdl.store.schema_version",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
