"""flashdl's terminal UI (Textual): a thin shell over ``flashdl.services``.

- ``app``: ``FlashdlApp`` and the factory ``make_app(db_path, clock, ...)``.
- ``collection``: the app's one way to the data (service calls, no SQL).
- ``screens``: home (decks), study, summary, browse, card, help; the stats
  screen is ``screens.stats``.
- ``widgets``: the card face, the grade bar, the session progress line.
- ``latex_text``, ``view_models``, ``computed``: pure helpers, no Textual.

Importing this package imports nothing heavy; the CLI imports ``app`` only
when the TUI runs.
"""
