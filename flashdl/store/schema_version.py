"""The current schema version, apart from the models: opening a database checks it without SQLAlchemy.

``schema.py`` (the models) re-exports it. Bump it with the models and a new step in ``migrations``.
"""

SCHEMA_VERSION = 11
