"""Deck options as a service: show them, change them, and reschedule when the scheduler changes.

``get_options(store, deck) -> DeckOptions``
``set_options(store, deck, **changes) -> DeckOptions``  (deck None: the collection's defaults)
    One write transaction. When a change moves a deck to FSRS, or changes its
    FSRS weights or desired retention, every card of the deck gets the FSRS
    state its review log gives (``fsrs_schedule.switch_to_fsrs``); moving it
    back to SM-2 restores SM-2's due days, which were kept all along
    (docs/fsrs.md §2). So the FSRS state of a card is always the fold of its
    log under the deck's current configuration, which is what undo relies on.
``all_options(tx) -> {deck id: DeckOptions}``, ``review_options(loaded) -> DeckOptions``
``fsrs_state(card_log, config) -> FsrsState``

Stored values are validated when read; a corrupt one is an ``InputError``
(exit 2) naming the deck and the option, never replaced by a default.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from flashdl.errors import UsageError
from flashdl.scheduler import deck_options as rules
from flashdl.scheduler.deck_options import FSRS, DeckOptions
from flashdl.scheduler.sm2 import ReviewKind
from flashdl.services.lookup import resolve_deck
from flashdl.store import Store
from flashdl.store import deck_options as stored
from flashdl.store import queries
from flashdl.store import scheduling
from flashdl.store.connection import Transaction
from flashdl.store.settings import extra_new_on, load_settings, save_settings

if TYPE_CHECKING:
    from flashdl.scheduler.fsrs_schedule import FsrsConfig, FsrsState

COLLECTION = "collection options"


def _collection_layers(tx: Transaction) -> list[dict[str, Any]]:
    settings = load_settings(tx)
    collection = rules.overrides_from_json(stored.collection_options(tx), source=COLLECTION)
    return [collection, {"new_per_day": settings.new_cards_per_day}]


def all_options(tx: Transaction) -> dict[int, DeckOptions]:
    """Every deck's options (validated), by deck id."""
    base = _collection_layers(tx)
    found = {}
    for deck_id, (slug, text, new_per_day) in stored.deck_options(tx).items():
        own = rules.overrides_from_json(text, source=f"deck {slug} options")
        found[deck_id] = rules.resolve(*base, own, {} if new_per_day is None else {"new_per_day": new_per_day})
    return found


def review_options(loaded: scheduling.LoadedState) -> DeckOptions | None:
    """The options a review needs (scheduler, retention, weights); None: SM-2, nothing stored.

    Reads only what ``load_state`` read in the same statement; the common
    case (no options stored anywhere) costs nothing.
    """
    if loaded.deck_options is None and loaded.collection_options is None:
        return None
    return stored_options(loaded.collection_options, loaded.deck_options, loaded.full_id.partition("/")[0])


@lru_cache(maxsize=256)
def stored_options(collection_text: str | None, deck_text: str | None, deck: str) -> DeckOptions:
    """The options the stored texts give, validated; cached on the texts themselves, so a
    change of options is a new key and nothing goes stale (an error is never cached). Saves
    parsing and validating them at every review: an FSRS review with its commit takes
    0.090-0.096 ms instead of 0.104-0.111 ms, 13-14% less (``benchmarks/bench_review_options.py``,
    the two interleaved)."""
    return rules.resolve(
        rules.overrides_from_json(collection_text, source=COLLECTION),
        rules.overrides_from_json(deck_text, source=f"deck {deck} options"),
    )


def fsrs_state(log: scheduling.CardLog, config: FsrsConfig) -> FsrsState:
    """A card's FSRS state: its log folded through FSRS (docs/fsrs.md §2).

    A log that does not start from a new card (history imported without its
    reviews) starts from the SM-2 state before it; a card with no log at all
    starts from its SM-2 state now.
    """
    from flashdl.scheduler import fsrs_schedule

    start = log.first_before if log.reviews else log.state
    state = fsrs_schedule.switch_to_fsrs(log.reviews, config, sm2_before_log=start)
    if log.set_due is not None and state.stability is not None:  # a Set due date since: its day
        state = replace(state, due=log.set_due)
    return state


def get_options(store: Store, deck: str | None) -> DeckOptions:
    """A deck's options (the collection's defaults when ``deck`` is None)."""
    with store.read() as tx:
        if deck is None:
            return rules.resolve(*_collection_layers(tx))
        deck_id = resolve_deck(tx, deck)
        assert deck_id is not None
        return all_options(tx)[deck_id]


def set_options(store: Store, deck: str | None, **changes: Any) -> DeckOptions:
    """Change options of a deck (or the collection's defaults); returns the new options."""
    for name in changes:
        if name not in rules.OPTION_NAMES:
            raise UsageError(f"unknown deck option {name!r}")
    with store.write() as tx:
        return change_options(tx, deck, changes)


def collection_defaults(store: Store, changes: dict[str, Any], *,
                        rollover_hour: int | None = None) -> tuple[DeckOptions, int]:
    """The collection's default options and the hour its study days start (as Anki's "next day
    starts at"), changing the ones given in one transaction."""
    if not changes and rollover_hour is None:
        with store.read() as tx:
            return rules.resolve(*_collection_layers(tx)), load_settings(tx).rollover_hour
    for name in changes:
        if name not in rules.OPTION_NAMES:
            raise UsageError(f"unknown deck option {name!r}")
    with store.write() as tx:
        options = change_options(tx, None, changes) if changes else rules.resolve(*_collection_layers(tx))
        settings = load_settings(tx)
        if rollover_hour is not None:
            try:
                settings = save_settings(tx, settings, rollover_hour=rollover_hour)
            except ValueError as error:
                raise UsageError(f"rollover hour: {error}") from None
        return options, settings.rollover_hour


def change_options(tx: Transaction, deck: str | None, changes: dict[str, Any]) -> DeckOptions:
    """``set_options`` inside the caller's write transaction.

    The options given replace the stored ones of the same name even when
    those are corrupt (that is how a user repairs them); any other corrupt
    stored value is still refused, and then nothing changes.
    """
    deck_id = resolve_deck(tx, deck)
    source = COLLECTION if deck is None else f"deck {deck} options"
    checked = {name: rules.validate_option(name, value, source=source) for name, value in changes.items()}
    before = _options_if_readable(tx)
    new_per_day = checked.pop("new_per_day", None)
    if deck_id is None:
        overrides = _raw_overrides(stored.collection_options(tx))
        overrides.update(checked)
        stored.save_collection_options(tx, rules.overrides_to_json(overrides))
        if new_per_day is not None:
            save_settings(tx, load_settings(tx), new_cards_per_day=new_per_day)
    else:
        _, text, _ = stored.deck_options(tx)[deck_id]
        overrides = _raw_overrides(text)
        overrides.update(checked)
        stored.save_deck_options(tx, deck_id, rules.overrides_to_json(overrides))
        if new_per_day is not None:
            from flashdl.store.settings import set_deck_new_limit

            set_deck_new_limit(tx, deck_id, int(new_per_day))  # type: ignore[call-overload]
    after = all_options(tx)  # validates everything stored; raises (rolling back) on what is left corrupt
    for changed_deck, options in after.items():
        if deck_id is None or changed_deck == deck_id:
            reschedule(tx, changed_deck, before.get(changed_deck), options)
    return after[deck_id] if deck_id is not None else rules.resolve(*_collection_layers(tx))


def _raw_overrides(text: str | None) -> dict[str, Any]:
    """Stored overrides as they are, unvalidated (validated again once merged); text that is
    not a JSON object at all holds nothing usable and counts as none."""
    import json

    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return dict(value) if isinstance(value, dict) else {}


def _options_if_readable(tx: Transaction) -> dict[int, DeckOptions]:
    """Every deck's options, leaving out those that cannot be read (corrupt)."""
    from flashdl.errors import InputError

    try:
        base = _collection_layers(tx)
    except InputError:
        return {}
    found = {}
    for deck_id, (slug, text, new_per_day) in stored.deck_options(tx).items():
        try:
            own = rules.overrides_from_json(text, source=f"deck {slug} options")
        except InputError:
            continue
        found[deck_id] = rules.resolve(*base, own, {} if new_per_day is None else {"new_per_day": new_per_day})
    return found


def deck_own_options(tx: Transaction, deck_id: int) -> dict[str, Any]:
    """The options a deck sets itself (validated), for the ``--with-history`` side file."""
    slug, text, new_per_day = stored.deck_options(tx)[deck_id]
    own = rules.overrides_from_json(text, source=f"deck {slug} options")
    if new_per_day is not None:
        own["new_per_day"] = new_per_day
    return {k: list(v) if isinstance(v, tuple) else v for k, v in sorted(own.items())}


def import_deck_options(tx: Transaction, deck: str, options: dict[str, Any] | None, where: str) -> None:
    """Apply a side file's deck options (None: keep the deck's)."""
    from flashdl.errors import InputError

    if options:
        try:
            change_options(tx, deck, dict(options))
        except InputError as error:
            raise InputError(f"{where}: {error}") from None


def park_fsrs(tx: Transaction) -> None:
    """Put every card of an FSRS deck on its SM-2 state alone, for writers that know only
    SM-2's columns (history imports); ``unpark_fsrs`` afterwards."""
    for deck_id, options in all_options(tx).items():
        if options.scheduler == FSRS:
            reschedule(tx, deck_id, options, rules.DEFAULTS)


def unpark_fsrs(tx: Transaction) -> None:
    """Give every card of an FSRS deck the FSRS state its (possibly new) log gives."""
    for deck_id, options in all_options(tx).items():
        if options.scheduler == FSRS:
            reschedule(tx, deck_id, rules.DEFAULTS, options)


def _fsrs_key(options: DeckOptions) -> tuple[object, ...] | None:
    if options.scheduler != FSRS:
        return None
    return (options.desired_retention, options.fsrs_parameters)


def reschedule(tx: Transaction, deck_id: int, old: DeckOptions | None, new: DeckOptions) -> int:
    """Bring a deck's cards to ``new``'s scheduler (see the module docstring); cards changed.
    ``old`` None (unknown: it was unreadable) re-derives every card."""
    if old is not None and _fsrs_key(old) == _fsrs_key(new):
        return 0
    changed = 0
    if new.scheduler == FSRS:
        config = new.fsrs_config
        for log in scheduling.deck_logs(tx, deck_id):
            state = fsrs_state(log, config)
            if state.stability is None and log.stability is None:
                continue  # new, and stays so
            scheduling.save_schedule(tx, log.card_id, log.state, state.due, state.stability,
                                     state.difficulty)
            changed += 1
    else:
        for log in scheduling.deck_logs(tx, deck_id):
            if log.stability is not None:
                scheduling.save_schedule(tx, log.card_id, log.state, None, None, None)
                changed += 1
    return changed


def daily_allowances(conn: Transaction, today: date,
                     options: dict[int, DeckOptions]) -> tuple[dict[int, int], dict[int, int]]:
    """What each deck may still show on ``today``: new cards (by its new-per-day option, raised
    by custom study's extra new cards for the day, less the new cards seen today), and reviews
    for the decks with a reviews-per-day limit. The queue (``day_rules``) and the deck list's
    counts (``deck_list.list_decks``) both read this; ``options``: ``all_options``."""
    seen = queries.new_seen_on(conn, today)
    raised = extra_new_on(conn, today)  # custom study's extra new cards, for this day only
    allowance = {d: max(0, o.new_per_day + raised.get(d, 0) - seen.get(d, 0)) for d, o in options.items()}
    review_allowance: dict[int, int] = {}
    if any(o.reviews_per_day is not None for o in options.values()):
        reviewed = queries.new_seen_on(conn, today, ReviewKind.REVIEW)
        review_allowance = {
            d: max(0, o.reviews_per_day - reviewed.get(d, 0))
            for d, o in options.items() if o.reviews_per_day is not None
        }
    return allowance, review_allowance
