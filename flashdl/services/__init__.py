"""The services: the one API the CLI, the TUI, stats and import/export call.

One user action = one function call = one transaction. Every function takes
an open ``flashdl.store.Store`` (``open_store(path)``) and, where time
matters, an aware ``now`` (from the injected clock); each returns plain
frozen dataclasses from ``flashdl.services.views`` (``card_views`` for one
card's content and schedule, ``deck_list`` for the deck list), never database rows.

- ``deck_sync``: ``sync_decks``, ``import_deck_files``,
  ``import_bundled_decks``, ``ensure_bundled_decks`` (the TUI calls this at
  start-up).
- ``study``: ``StudySession`` (queue, ``next_card``, ``answer``, ``undo``,
  ``suspend``, ``bury``, ``counts``), ``study_queue`` (today's queue as a list).
- ``queue_listing``: ``queue_lines`` (``flashdl due``: today's queue streamed
  a chunk of lines at a time), ``day_rules`` (what the queue is chosen by).
- ``reviews``: ``record_review``, ``undo_last_review``.
- ``card_flags``: ``suspend_card``, ``unsuspend_card``, ``bury_card``,
  ``unbury_card``.
- ``deck_list``: ``list_decks`` (``flashdl decks``, the home screen).
- ``browse``: ``card_details``, ``search_cards``, ``due_tomorrow``.
- ``settings``: ``get_settings``, ``update_settings``, ``set_deck_new_limit``.
- ``deck_options``: ``get_options``, ``set_options`` (switching a deck between SM-2 and
  FSRS re-derives its cards' states); ``fsrs_evidence``: ``optimize``, ``evaluate``,
  ``simulate`` on the review log (docs/fsrs.md).

Errors users can cause are ``flashdl.errors.FlashdlError`` subclasses
(``lookup.UnknownCardError``, ``UnknownDeckError``, ``RetiredCardError``,
``CardChangedError``, ``reviews.InvalidReviewError``, ``InputError`` for
deck files, ``store.StoreError`` for the database file).
"""
