"""Review histories as the FSRS tools see them: what is predicted, and from what.

A history is one card's reviews as ``(study day, grade)`` pairs in log order,
the same pairs ``sm2.replay`` and ``fsrs_schedule.replay`` fold over: reviews
made in flashdl and reviews imported from Anki (.apkg, revlog CSV) alike.
Its first pair is taken as the card's first review ever: a card whose log is
incomplete (an SM-2 state imported without the reviews that made it) would
teach the optimiser a wrong first stability, so the shell leaves it out.

A review is *predictable* when the card has an earlier review on an earlier
study day (srs-benchmark's rule: the first review has nothing to predict
from, and a same-day repeat tests short-term memory, which neither SM-2 nor
the forgetting curve is for). ``ReviewTable`` lays those out as numpy arrays,
ordered in time, with what each scheduler needs to predict them; the
optimiser's items (``fsrs_rs_python.FSRSItem``) are built from the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import fsrs_rs_python
import numpy as np
import numpy.typing as npt

from flashdl.scheduler import sm2

CardHistory = Sequence[tuple[date, int]]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class ReviewTable:
    """Every predictable review, one array entry each, sorted by (study day, card, position).

    ``elapsed`` is study days since the card's previous review; ``index`` the
    review's 1-based position in the card's log; ``lapses`` how many earlier
    reviews on a later day than their predecessor failed (srs-benchmark's
    bins); ``sm2_interval`` the SM-2 interval the card had before the review.
    """

    card: IntArray
    position: IntArray
    day: IntArray
    recalled: npt.NDArray[np.bool_]
    elapsed: IntArray
    index: IntArray
    lapses: IntArray
    sm2_interval: IntArray
    total_reviews: int  # every review in the histories, predictable or not
    reviews: tuple[list[fsrs_rs_python.FSRSReview], ...]  # each card's log as fsrs-rs reviews

    def __len__(self) -> int:
        return int(self.card.shape[0])


def review_table(histories: Sequence[CardHistory]) -> ReviewTable:
    """The predictable reviews of ``histories`` (card number = index in the sequence).

    Raises ``ValueError`` (as ``sm2.review``) for a grade outside 0..5 or a
    review dated before the card's previous one.
    """
    rows: list[tuple[int, int, int, int, int, int, int, int]] = []
    total = 0
    reviews = []
    for card, history in enumerate(histories):
        state = sm2.CardState()
        lapses = 0
        previous: date | None = None
        card_reviews = []
        for position, (day, grade) in enumerate(history):
            total += 1
            outcome = sm2.review(state, grade, day)  # validates the grade and the order of days
            elapsed = 0 if previous is None else (day - previous).days
            card_reviews.append(fsrs_rs_python.FSRSReview(int(outcome.rating), elapsed))
            if elapsed > 0:
                rows.append((day.toordinal(), card, position, int(grade >= sm2.PASS_GRADE), elapsed,
                             position + 1, lapses, state.interval))
                lapses += int(grade < sm2.PASS_GRADE)
            state = outcome.after
            previous = day
        reviews.append(card_reviews)
    rows.sort()
    table = np.array(rows, dtype=np.int64).reshape(-1, 8)
    return ReviewTable(card=table[:, 1], position=table[:, 2], day=table[:, 0], recalled=table[:, 3] == 1,
                       elapsed=table[:, 4], index=table[:, 5], lapses=table[:, 6], sm2_interval=table[:, 7],
                       total_reviews=total, reviews=tuple(reviews))


def training_items(table: ReviewTable, rows: Iterable[int] | None = None) -> list[fsrs_rs_python.FSRSItem]:
    """The optimiser's items: for each chosen row, its card's reviews up to and including it."""
    chosen = range(len(table)) if rows is None else rows
    cards, positions, reviews = table.card, table.position, table.reviews
    return [fsrs_rs_python.FSRSItem(reviews[int(cards[row])][: int(positions[row]) + 1]) for row in chosen]


def fsrs_predictions(table: ReviewTable, parameters: Sequence[float]) -> FloatArray:
    """FSRS's predicted recall for every row: R(elapsed, stability after the previous review).

    Memory states come from fsrs-rs (the model the optimiser fits), for
    each card's whole log at once.
    """
    model = fsrs_rs_python.FSRS(list(parameters))
    cards = sorted(set(table.card.tolist()))
    states = model.historical_memory_state_batch([fsrs_rs_python.FSRSItem(table.reviews[c]) for c in cards])
    stability_of = {card: [s.stability for s in card_states] for card, card_states in zip(cards, states)}
    stability = np.array([stability_of[int(c)][int(p) - 1] for c, p in zip(table.card, table.position)],
                         dtype=np.float64)
    decay = float(parameters[20])
    factor = 0.9 ** (-1 / decay) - 1
    result: FloatArray = (1 + factor * table.elapsed / stability) ** -decay
    return result


def sm2_predictions(table: ReviewTable) -> FloatArray:
    """SM-2's recall as srs-benchmark's SM-2 baseline has it: R = 0.9^(t / I).

    SM-2 predicts no probability; srs-benchmark takes its interval I as the
    time at which recall has fallen to 90% on an exponential curve. Here I
    is flashdl's exact SM-2 interval (DESIGN §4) before the review and t the
    study days since the previous review.
    """
    result: FloatArray = np.power(0.9, table.elapsed / np.maximum(table.sm2_interval, 1))
    return result
