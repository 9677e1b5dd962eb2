"""The workload simulation: fsrs-rs's simulator behind a pure, validated call."""

from __future__ import annotations

import json

import pytest

from flashdl.errors import InputError, UsageError
from flashdl.scheduler import fsrs_schedule as fs
from flashdl.scheduler.fsrs_simulation import simulate


def test_higher_retention_costs_more_reviews_and_keeps_more_cards() -> None:
    runs = simulate(deck_size=400, new_per_day=20, days=90, desired_retentions=(0.8, 0.9, 0.95), seed=5)
    assert [r.desired_retention for r in runs] == [0.8, 0.9, 0.95]
    for run in runs:
        assert len(run.reviews_per_day) == len(run.new_per_day) == len(run.remembered) == 90
        assert all(n <= 20 for n in run.new_per_day) and sum(run.new_per_day) == 400  # 20 days of new cards
        introduced = 0
        for new, remembered in zip(run.new_per_day, run.remembered):
            introduced += new
            assert 0 <= remembered <= introduced + 1e-6
        json.dumps(run.to_json())
    totals = [sum(r.reviews_per_day) for r in runs]
    assert totals[0] < totals[1] < totals[2]
    assert runs[0].remembered[-1] < runs[1].remembered[-1] < runs[2].remembered[-1]


def test_same_seed_same_numbers_and_a_review_limit_is_kept() -> None:
    once = simulate(deck_size=200, new_per_day=10, days=40, desired_retentions=(0.9,), seed=1)
    assert once == simulate(deck_size=200, new_per_day=10, days=40, desired_retentions=(0.9,), seed=1)
    capped = simulate(deck_size=200, new_per_day=10, days=40, desired_retentions=(0.9,), reviews_per_day=5)
    assert max(capped[0].reviews_per_day) <= 5


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"desired_retentions": (1.2,)}, InputError, "desired retention"),
    ({"parameters": (0.1,) * 21}, InputError, "w4 = 0.1 is outside"),
    ({"days": 0}, UsageError, "days must be a whole number"),
    ({"new_per_day": -1}, UsageError, "new cards per day"),
    ({"reviews_per_day": -3}, UsageError, "reviews per day"),
])
def test_bad_simulation_input_is_refused(kwargs: dict, error: type[Exception], message: str) -> None:
    arguments: dict = {"deck_size": 50, "new_per_day": 5, "days": 10, **kwargs}
    with pytest.raises(error, match=message):
        simulate(**arguments)


def test_tuned_parameters_simulate() -> None:
    runs = simulate(deck_size=50, new_per_day=5, days=20, parameters=fs.DEFAULT_PARAMETERS)
    assert len(runs) == 4
