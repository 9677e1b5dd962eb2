"""Leeches: cards that keep lapsing, as Anki finds them (pure).

A lapse is a review-kind review (the first of a seen card on a study day)
graded < 3: SM-2's failing grades, FSRS's Again (grades 0..2 are its rating
1). Same-day drills and a new card's first review are not lapses. The review
log's partial index ``ix_review_log_lapse`` and ``prop:lapses`` count the same.

A lapse that brings a card's lapses to the deck's ``leech_threshold`` marks
it a leech, and so does every ``ceil(threshold / 2)`` lapses after that, as
Anki does (``rslib/src/scheduler/states/review.rs``, ``leech_threshold_met``;
its test: threshold 3 fires at 3, 5, 7 and not at 4 or 6). The deck's
``leech_action`` says what happens then: ``suspend`` (Anki's default)
suspends it and tags it `leech`; ``tag`` only tags it.
"""

from __future__ import annotations

from typing import NamedTuple

from flashdl.scheduler.sm2 import PASS_GRADE, ReviewKind

LEECH_TAG = "leech"  # Anki's note tag; flashdl's ``card.leech`` flag, shown and searched as this tag
SUSPEND, TAG_ONLY = "suspend", "tag"  # deck_options.LEECH_ACTIONS


def exported_tags(tags: tuple[str, ...], leech: bool) -> tuple[str, ...]:
    """A card's tags as an Anki export writes them (.apkg, CSV/TSV): a leech carries Anki's tag."""
    return (*tags, LEECH_TAG) if leech and LEECH_TAG not in tags else tags


def is_lapse(kind: int, grade: int) -> bool:
    """Whether a review of this kind and grade is a lapse (see the module docstring)."""
    return kind == ReviewKind.REVIEW and grade < PASS_GRADE


def threshold_met(lapses: int, threshold: int) -> bool:
    """Whether a card whose lapses just reached ``lapses`` becomes (again) a leech."""
    if threshold <= 0 or lapses < threshold:
        return False
    half = max(-(-threshold // 2), 1)  # ceil(threshold / 2), at least 1
    return (lapses - threshold) % half == 0


class LeechFlags(NamedTuple):
    """A card's leech and suspended flags."""

    leech: bool
    suspended: bool


def after_leech(before: LeechFlags, action: str) -> LeechFlags:
    """The flags of a card that a lapse has just made a leech, under the deck's ``action``."""
    return LeechFlags(True, before.suspended or action == SUSPEND)


def replayed_leech(lapses: int, threshold: int) -> bool:
    """Whether a card whose imported history holds ``lapses`` became a leech on the way (the
    lapse that reached the threshold fired). Only the flag: whether the card was suspended then
    and is still, a review log does not say (Anki's users unsuspend leeches and study on)."""
    return 0 < threshold <= lapses


def flag_bits(flags: LeechFlags) -> int:
    """Flags as stored in ``review_log.leech_flags_before``: bit 0 leech, bit 1 suspended."""
    return int(flags.leech) | int(flags.suspended) << 1


def bits_flags(bits: int) -> LeechFlags:
    return LeechFlags(bool(bits & 1), bool(bits & 2))
