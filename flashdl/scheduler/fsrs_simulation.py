"""Workload at a given desired retention: fsrs-rs's simulator, run for several retentions.

``simulate`` answers "how many reviews a day, and how many cards remembered,
if I study this deck with FSRS at retention R for N days?" with fsrs-rs's
``simulate`` (the simulator behind Anki's FSRS workload graph). It simulates
the deck's cards from their first sight: ``deck_size`` cards introduced at
``new_per_day`` a day, each review's outcome drawn from FSRS's own recall
prediction. The Python binding takes no existing card states, so cards
already studied are simulated as new (a stated limit, docs/fsrs.md).

flashdl has no learning steps: a card graded below 4 comes back later the
same day until graded 4 or 5, modelled as one learning and one relearning
step. The seed is passed in: the same call gives the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import fsrs_rs_python

from flashdl.errors import UsageError
from flashdl.scheduler.fsrs_schedule import (
    DEFAULT_PARAMETERS,
    validate_desired_retention,
    validate_parameters,
)

DEFAULT_DAYS = 365
DEFAULT_RETENTIONS = (0.80, 0.85, 0.90, 0.95)
SAME_DAY_STEPS = 1  # a failed card comes back once or more the same day: one step
UNLIMITED = 10**9  # fsrs-rs's "no limit" is u64::MAX; any number past a deck's size does


@dataclass(frozen=True)
class Workload:
    """One desired retention's simulated days (index 0 is the first day)."""

    desired_retention: float
    reviews_per_day: tuple[int, ...]  # reviews of cards already seen
    new_per_day: tuple[int, ...]  # cards seen for the first time
    remembered: tuple[float, ...]  # expected cards recallable at the end of each day

    def to_json(self) -> dict[str, object]:
        return {"desired_retention": self.desired_retention, "reviews_per_day": list(self.reviews_per_day),
                "new_per_day": list(self.new_per_day), "remembered": list(self.remembered)}


def simulate(*, deck_size: int, new_per_day: int, days: int = DEFAULT_DAYS,
             desired_retentions: Sequence[float] = DEFAULT_RETENTIONS,
             parameters: Sequence[float] = DEFAULT_PARAMETERS, reviews_per_day: int | None = None,
             seed: int = 0) -> tuple[Workload, ...]:
    """One ``Workload`` per desired retention, in the order given."""
    checked = validate_parameters(parameters)
    retentions = [validate_desired_retention(r) for r in desired_retentions]
    for name, value in (("days", days), ("deck size", deck_size), ("new cards per day", new_per_day)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise UsageError(f"simulate: {name} must be a whole number of at least 1, got {value!r}")
    if reviews_per_day is not None and (isinstance(reviews_per_day, bool) or reviews_per_day < 0):
        raise UsageError(f"simulate: reviews per day must be 0 or more, got {reviews_per_day!r}")
    results = []
    for retention in retentions:
        config = fsrs_rs_python.default_simulator_config()
        config.deck_size = deck_size
        config.learn_span = days
        config.learn_limit = new_per_day
        config.review_limit = UNLIMITED if reviews_per_day is None else reviews_per_day
        config.max_cost_perday = float(UNLIMITED)  # limit by counts, not by seconds
        config.learning_step_count = SAME_DAY_STEPS
        config.relearning_step_count = SAME_DAY_STEPS
        run = fsrs_rs_python.simulate(list(checked), retention, config, seed)
        results.append(Workload(
            desired_retention=retention,
            reviews_per_day=tuple(int(n) for n in run.review_cnt_per_day),
            new_per_day=tuple(int(n) for n in run.learn_cnt_per_day),
            remembered=tuple(float(n) for n in run.memorized_cnt_per_day),
        ))
    return tuple(results)
