"""The SQLite store, through SQLAlchemy 2.x. The only package that speaks SQL.

- ``database``: ``open_store(path) -> Store`` (pragmas, WAL, migrations,
  ``Store.read()`` / ``Store.write()`` transactions).
- ``schema``: the typed models (tables, units) and ``SCHEMA_VERSION``.
- ``migrations``: ordered, named upgrade steps.
- ``card_content``: deck sync writes; ``scheduling``: the review hot path;
  ``queries``: reads; ``settings``: settings; ``records``: what they return.

Services (``flashdl.services``) open transactions and call these; nothing
outside this package sees a row, a session or SQL.
"""

from flashdl.store.database import Store, open_store
from flashdl.store.errors import NewerSchemaError, NotADatabaseError, StoreError
from flashdl.store.schema import SCHEMA_VERSION

__all__ = [
    "SCHEMA_VERSION",
    "NewerSchemaError",
    "NotADatabaseError",
    "Store",
    "StoreError",
    "open_store",
]
