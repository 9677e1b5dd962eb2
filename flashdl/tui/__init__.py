"""flashdl's terminal UI (Textual): a thin shell over ``flashdl.services``.

- ``app``: ``FlashdlApp`` (routing between screens) and the factory
  ``make_app(db_path, clock, ...)``; ``launch.run_tui`` runs it for the CLI.
- ``collection``: the app's one way to the data (service calls, no SQL).
- ``messages``: what a screen posts to ask the app for another screen.
- ``screens``: home (decks), study, summary, browse, card, stats, help; their
  base ``FlashdlScreen`` gives them the app, typed.
- ``widgets``: the card face, the card under study, the verdict on a typed
  answer, the grade bar, the session progress line, the keys footer, the charts.

What both front ends show as text (view models, LaTeX to Unicode, answer
layout) is in ``flashdl.presentation``; engine use cases are in
``flashdl.services.exercises``. This package never imports
``flashdl.commands``. Importing it imports nothing heavy; the CLI imports
``launch`` only when the TUI runs.
"""
