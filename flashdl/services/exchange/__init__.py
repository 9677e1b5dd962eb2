"""Import and export (issue 7): formats in ``flashdl.formats``, use cases here.

- ``imports``: ``load_sources`` (flashcard-export text, lecture notes),
  ``load_apkg``, ``load_text`` (CSV/TSV), ``load_revlog`` read and validate
  inputs into a ``PreparedImport``; ``apply_import`` writes it in one
  transaction (all or nothing).
- ``exports``: ``export_yaml`` (with a ``.history.json`` side file on
  request), ``export_apkg``, ``export_text``, ``export_revlog``; each writes
  its output atomically.
- ``history``: review history merged into the log and replayed through SM-2.
"""
