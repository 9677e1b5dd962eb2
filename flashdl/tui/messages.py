"""Messages a screen posts to ask the app to go somewhere ("attributes down, messages up").

Screens never call the app's navigation: they post one of these and the app
(``FlashdlApp``, the ``on_*`` handlers) decides which screen comes next, so a
screen does not know the other screens and the app holds the routing. A
screen's messages bubble to the app (its parent). ``post_message`` is
thread-safe, so a worker thread posts ``Failed`` directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.message import Message

from flashdl.errors import FlashdlError

if TYPE_CHECKING:
    from flashdl.presentation.view_models import SessionTally
    from flashdl.services.custom_study import CustomStudy
    from flashdl.services.practice import PracticeOptions
    from flashdl.services.views import QueueCounts


class HomeRequested(Message):
    """Back to the deck list."""


class StudyRequested(Message):
    """A study session of ``deck`` (None: every deck); ``custom``: a custom study session."""

    def __init__(self, deck: str | None, custom: CustomStudy | None = None) -> None:
        super().__init__()
        self.deck = deck
        self.custom = custom


class PracticeRequested(Message):
    """A practice run (fresh variants of computed cards, outside the schedule)."""

    def __init__(self, options: PracticeOptions) -> None:
        super().__init__()
        self.options = options


class SessionFinished(Message):
    """A study session of ``deck`` ended: its summary replaces it."""

    def __init__(self, tally: SessionTally, deck: str | None, left: QueueCounts | None = None,
                 *, cram: bool = False) -> None:
        super().__init__()
        self.tally = tally
        self.deck = deck
        self.left = left  # cards still in today's queue (a session ended early)
        self.cram = cram  # a cram session: its grades changed no schedule and logged no review


class BrowseRequested(Message):
    """The card browser, searching ``query``."""

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.query = query


class CardRequested(Message):
    """One card in full (its store id), from the browser."""

    def __init__(self, card_id: int) -> None:
        super().__init__()
        self.card_id = card_id


class StatsRequested(Message):
    """The statistics of ``deck`` (None: every deck)."""

    def __init__(self, deck: str | None = None) -> None:
        super().__init__()
        self.deck = deck


class OptionsRequested(Message):
    """The options of ``deck`` (None: the collection's defaults)."""

    def __init__(self, deck: str | None) -> None:
        super().__init__()
        self.deck = deck


class CustomStudyRequested(Message):
    """The custom study form for ``deck`` (None: every deck)."""

    def __init__(self, deck: str | None) -> None:
        super().__init__()
        self.deck = deck


class Failed(Message):
    """A user error found after start (bad database, unknown deck): the app exits with code 2."""

    def __init__(self, error: FlashdlError) -> None:
        super().__init__()
        self.error = error


class CardEditRequested(Message):
    """The card editor: ``card`` (store id or DECK/CARD) prefilled, or None for a new card of ``deck``.

    ``on_saved(DECK/CARD)`` runs once the editor has saved and closed.
    """

    def __init__(self, card: int | str | None, deck: str | None = None,
                 on_saved: Callable[[str], None] | None = None) -> None:
        super().__init__()
        self.card = card
        self.deck = deck
        self.on_saved = on_saved


class TagsRequested(Message):
    """The tags editor of ``card`` (store id or DECK/CARD); ``on_saved`` as for ``CardEditRequested``."""

    def __init__(self, card: int | str, on_saved: Callable[[str], None] | None = None) -> None:
        super().__init__()
        self.card = card
        self.on_saved = on_saved
