"""The terminal UI's way to the data: one open store, the clock, and the service calls.

Screens never see the store: they call these methods, each one service call
(``flashdl.services``: the same functions the CLI uses) and so one
transaction. The store and the services (SQLAlchemy) are imported only when
``open()`` runs, which the app does in a worker thread after its first
frame, so start-up draws before the ~0.3 s of imports.

Injected, so tests build an app on a temp database with a fixed clock and
fixed variant seeds: ``Collection(db_path, clock, seeds=..., timer=...)``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from flashdl.clock import Clock
from flashdl.errors import FlashdlError

if TYPE_CHECKING:
    from flashdl.scheduler.deck_options import DeckOptions
    from flashdl.scheduler.due_spec import DueSpec
    from flashdl.services.manual_schedule import ManualResult
    from flashdl.scheduler.fsrs_tuning import TuningResult
    from flashdl.services.edit_card import EditableCard
    from flashdl.services.practice import PracticeOptions, PracticeRun
    from flashdl.services.custom_study import CustomStudy
    from flashdl.services.study import StudySession
    from flashdl.services.deck_list import DeckSummary
    from flashdl.services.views import CardDetails, SearchHit, SyncReport
    from flashdl.store import Store

SEARCH_LIMIT = 200


class Collection:
    """The database at ``db_path`` as the UI uses it (see the module docstring)."""

    def __init__(
        self,
        db_path: Path | str,
        clock: Clock,
        *,
        seeds: Iterator[int] | None = None,
        timer: Callable[[], float] = time.monotonic,
        import_bundled: bool = True,
        bundled_dir: Path | None = None,
    ) -> None:
        self.db_path = Path(db_path).expanduser()
        self.clock = clock
        self.timer = timer
        self._seeds = seeds  # None: drawn from the system's randomness on first use
        self._import_bundled = import_bundled
        self._bundled_dir = bundled_dir
        self._store: Store | None = None
        self._lock = threading.Lock()
        self.imported: SyncReport | None = None
        # of merging a new release into the user's copies: conflicts, and studied cards it changed
        self.bundled_conflicts: tuple[str, ...] = ()

    # ------------------------------------------------------------------ life

    def open(self) -> None:
        """Open the database; on an empty one, import the bundled decks (DESIGN §3)."""
        with self._lock:
            if self._store is not None:
                return
            from flashdl.services.deck_sync import ensure_bundled_decks
            from flashdl.store import open_store

            store = open_store(self.db_path, backup=True)  # a study session: the daily backup
            try:
                if self._import_bundled:
                    self.imported = ensure_bundled_decks(store, self.now(), self._bundled_dir)
                    if self.imported is None:  # a new flashdl's bundled decks into the user's copies
                        from flashdl.services.bundled_copies import refresh_bundled_copies

                        try:
                            merged = refresh_bundled_copies(store, self.now(), self._bundled_dir)
                        except FlashdlError as error:  # a broken copy must not keep the app from starting
                            self.bundled_conflicts = (f"the new release was not merged: {error}",)
                        else:
                            self.bundled_conflicts = (tuple(merged.conflict_lines() + merged.changed_lines())
                                                      if merged else ())
            except BaseException:
                store.close()
                raise
            self._store = store

    @property
    def is_open(self) -> bool:
        return self._store is not None

    @property
    def store(self) -> Store:
        if self._store is None:
            self.open()
        assert self._store is not None
        return self._store

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None

    def now(self) -> datetime:
        return self.clock.now()

    def next_seed(self) -> int:
        if self._seeds is None:
            from flashdl.services.exercises import random_seeds

            self._seeds = random_seeds()
        return int(next(self._seeds))

    # -------------------------------------------------------------- services

    def decks(self) -> list[DeckSummary]:
        from flashdl.services.deck_list import list_decks

        return list_decks(self.store, self.now())

    def start_session(self, deck: str | None, custom: CustomStudy | None = None) -> StudySession:
        from flashdl.services.study import StudySession

        return StudySession(self.store, self.now(), deck, custom)

    def start_practice(self, options: PracticeOptions) -> PracticeRun:
        from flashdl.services.practice import PracticeRun

        return PracticeRun(self.store, options, self.next_seed)

    def due_tomorrow(self, deck: str | None = None) -> int:
        from flashdl.services.browse import due_tomorrow

        return due_tomorrow(self.store, self.now(), deck)

    def search(
        self,
        text: str,
        *,
        deck: str | None = None,
        limit: int = SEARCH_LIMIT,
        states: Sequence[str] = (),
        props: Sequence[tuple[str, str, float]] = (),
        offset: int = 0,
        order: str = "deck",
    ) -> list[SearchHit]:
        from flashdl.services.browse import search_cards

        return search_cards(
            self.store, text, deck=deck, limit=limit, include_retired=True,
            states=states, props=props, now=self.now(), offset=offset, order=order,
        )

    def card_details(self, card: int | str) -> CardDetails:
        from flashdl.services.browse import card_details

        return card_details(self.store, card, self.now())

    def set_suspended(self, card: int | str, suspended: bool) -> None:
        from flashdl.services import card_flags

        (card_flags.suspend_card if suspended else card_flags.unsuspend_card)(self.store, card)

    def forget(self, card: int | str) -> ManualResult:
        """Anki's Forget: the card new again (``services.manual_schedule``)."""
        from flashdl.services.manual_schedule import forget_cards

        return forget_cards(self.store, [card], self.now())[0]

    def set_due(self, card: int | str, spec: DueSpec) -> ManualResult:
        """Anki's Set due date (``services.manual_schedule``)."""
        from flashdl.services.manual_schedule import set_due_cards

        return set_due_cards(self.store, [card], spec, self.now())[0]

    def set_leech(self, card: int | str, leech: bool) -> None:
        from flashdl.services import card_flags

        card_flags.set_leech(self.store, card, leech)

    def deck_options(self, deck: str | None) -> DeckOptions:
        from flashdl.services.deck_options import get_options

        return get_options(self.store, deck)

    def set_deck_options(self, deck: str | None, **changes: object) -> DeckOptions:
        from flashdl.services.deck_options import set_options

        return set_options(self.store, deck, **changes)

    def collection_defaults(self, changes: dict[str, object] | None = None, *,
                            rollover_hour: int | None = None) -> tuple[DeckOptions, int]:
        """The default options and the hour a study day starts, changing those given (one transaction)."""
        from flashdl.services.deck_options import collection_defaults

        return collection_defaults(self.store, dict(changes or {}), rollover_hour=rollover_hour)

    def optimize_fsrs(self, deck: str | None) -> TuningResult:
        """Tune FSRS on the deck's (None: every deck's) reviews and store the weights in its
        options (``NotEnoughReviewsError`` when too few); slow: call it from a worker."""
        from flashdl.services.fsrs_evidence import optimize

        return optimize(self.store, deck)

    def add_card(self, deck: str, front: str, back: str, tags: Sequence[str]) -> str:
        """A new card appended to ``deck``'s file, then synced (``flashdl add``); its ``DECK/CARD``."""
        from flashdl.services.add_card import add_card

        return add_card(self.store, deck, front, back, tags, self.now())

    def card_for_edit(self, card: int | str) -> EditableCard:
        from flashdl.services.edit_card import card_for_edit

        return card_for_edit(self.store, card)

    def edit_card(self, deck: str, card: str, front: str | None, back: str | None,
                  tags: Sequence[str] | None) -> str:
        """One card rewritten in its deck file, then synced (history kept); None keeps a field."""
        from flashdl.services.edit_card import edit_card

        return edit_card(self.store, deck, card, front, back, tags, self.now())

    def deck_markup(self, deck: str) -> str:
        from flashdl.services.edit_card import deck_markup

        return deck_markup(self.store, deck)

    def deck_file_for_edit(self, deck: str) -> Path:
        """The file to edit for ``deck``: for a bundled deck the user's copy (made now if needed)."""
        from flashdl.services.bundled_copies import deck_file_for_edit

        return deck_file_for_edit(self.store, deck, self.now()).path

    def reload_deck_file(self, path: str) -> SyncReport:
        """Re-read a deck file after it was edited (history kept, DESIGN §2)."""
        from flashdl.services.deck_sync import import_deck_files

        return import_deck_files(self.store, [Path(path)], self.now())

    def today(self) -> date:
        """The current study day (for relative dates on screen)."""
        from flashdl.clock import study_day
        from flashdl.services.settings import get_settings

        return study_day(self.now(), rollover_hour=get_settings(self.store).rollover_hour)
