"""The interval a card's scheduler keeps, as SQL: one rule for every query that reads it.

SM-2's ``interval`` column; for a card with an FSRS state (``fsrs_stability`` set, ``due``
then FSRS's) the days from its last review to that due day, as the card screen and
`flashdl show` give it (``services.card_schedule``). Browse's Ivl column, `prop:interval`,
its interval sort and the statistics' young/mature split and interval histogram read it: the
SM-2 column alone showed an FSRS card due in 27 days as "201d". A module of its own so that
`stats`, which reads the store through plain SQL, imports nothing else for it.
"""

from __future__ import annotations


def scheduled_interval(table: str = "") -> str:
    """The SQL expression of the interval, its columns prefixed by ``table`` (``"c."`` or ``""``)."""
    t = table
    return (f"(CASE WHEN {t}fsrs_stability IS NULL OR {t}due IS NULL OR {t}last_review IS NULL "
            f"THEN {t}interval ELSE CAST(julianday({t}due) - julianday({t}last_review) AS INTEGER) END)")
