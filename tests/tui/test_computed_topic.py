"""Fresh variants of a computed card keep asking the card's own question."""

from __future__ import annotations

from itertools import count
from types import SimpleNamespace

from flashdl.services.exercises import exercise_for


def test_an_fpr_card_keeps_asking_for_the_fpr() -> None:
    # quiz-2's "What is the False Positive rate (FPR)?" is a confusion_metrics card asking one metric.
    spec = SimpleNamespace(family="confusion_metrics", vary=True,
                           params={"tp": 3, "fp": 1, "tn": 3, "fn": 1, "metric": "fpr"})
    card = SimpleNamespace(id=1, engine=spec)
    seeds = count(1)
    exercises = [exercise_for(card, lambda: next(seeds)) for _ in range(30)]
    assert all(ex is not None and ex.params.get("metric") == "fpr" for ex in exercises)
    assert len({ex.seed for ex in exercises}) == 30  # a fresh variant each review
    assert len({tuple(sorted(ex.params.items())) for ex in exercises}) > 1
