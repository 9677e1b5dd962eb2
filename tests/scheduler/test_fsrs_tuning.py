"""Tuning FSRS on review histories, and evaluating the schedulers as srs-benchmark does."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta

import fsrs_rs_python
import numpy as np
import pytest
from forgetting_model import synthetic_histories

from flashdl.errors import NotEnoughReviewsError, UsageError
from flashdl.scheduler import fsrs_schedule as fs
from flashdl.scheduler import fsrs_tuning
from flashdl.scheduler.review_history import (
    fsrs_predictions,
    review_table,
    sm2_predictions,
    training_items,
)

D0 = date(2024, 1, 1)


@pytest.fixture(scope="module")
def histories() -> list[list[tuple[date, int]]]:
    return synthetic_histories(800, 8, seed=7)


def test_review_table_keeps_only_reviews_on_a_later_day() -> None:
    day = [D0 + timedelta(days=n) for n in range(40)]
    card = [(day[0], 4), (day[1], 2), (day[1], 4), (day[7], 5), (day[20], 1), (day[20], 4)]
    table = review_table([card])
    # predictable: day 1 (after day 0), day 7, day 20; the same-day repeats are not.
    assert table.total_reviews == 6 and len(table) == 3
    assert table.elapsed.tolist() == [1, 6, 13]
    assert table.index.tolist() == [2, 4, 5]  # 1-based positions in the card's log
    assert table.recalled.tolist() == [False, True, False]
    assert table.lapses.tolist() == [0, 1, 1]  # the day-1 failure counts for later reviews
    # SM-2 before each: after day 0 (q=4) I=1; after day 1 (q=2: n=0) I=1; after day 7 (q=5 with
    # n=0 again: the first step) I=1.
    assert table.sm2_interval.tolist() == [1, 1, 1]


def test_sm2_prediction_is_srs_benchmarks_baseline() -> None:
    # day 0 q=4 (I=1), day 1 q=4 (I=6), reviewed again on day 10: t=9, I=6 -> R = 0.9^(9/6) = 0.853815.
    card = [(D0, 4), (D0 + timedelta(days=1), 4), (D0 + timedelta(days=10), 4)]
    table = review_table([card])
    assert sm2_predictions(table).tolist() == pytest.approx([0.9, 0.9 ** 1.5])
    assert pytest.approx(0.853815, abs=1e-6) == 0.9 ** 1.5


def test_fsrs_predictions_are_the_forgetting_curve_of_the_previous_state(histories: list) -> None:
    sample = histories[:20]
    table = review_table(sample)
    predicted = fsrs_predictions(table, fs.DEFAULT_PARAMETERS)
    for row in range(len(table)):
        card, position = int(table.card[row]), int(table.position[row])
        state = fs.replay(sample[card][:position])  # py-fsrs's fold over the earlier reviews
        day = sample[card][position][0]
        assert predicted[row] == pytest.approx(fs.retrievability(state, day), rel=2e-3)


def test_log_loss_agrees_with_fsrs_rs_own_evaluation(histories: list) -> None:
    # fsrs-rs's ``evaluate`` weights a batch by recency, so it is asked one item (one review) at a time.
    sample = histories[:60]
    table = review_table(sample)
    ours = fsrs_tuning.recall_metrics.log_loss(table.recalled, fsrs_predictions(table, fs.DEFAULT_PARAMETERS))
    model = fsrs_rs_python.FSRS(list(fs.DEFAULT_PARAMETERS))
    theirs = [model.evaluate([item]).log_loss for item in training_items(table)]
    assert len(theirs) == len(table) > 100
    assert ours == pytest.approx(sum(theirs) / len(theirs), rel=1e-5)


def test_optimize_fits_valid_parameters_that_predict_better(histories: list) -> None:
    before = copy.deepcopy(histories)
    result = fsrs_tuning.optimize(histories)
    assert histories == before  # read-only
    assert fs.validate_parameters(result.parameters) == result.parameters
    assert all(round(w, 4) == w for w in result.parameters)
    assert result.log_loss_after < result.log_loss_before
    assert result.reviews == len(review_table(histories))
    shape = result.to_json()
    assert set(shape) == {"reviews", "parameters", "log_loss_before", "log_loss_after"}
    json.dumps(shape)
    fs.FsrsConfig(parameters=result.parameters)  # usable for scheduling as is


def test_optimize_refuses_too_few_reviews() -> None:
    few = synthetic_histories(20, 5, seed=1)
    with pytest.raises(NotEnoughReviewsError, match="at least 400 needed") as refused:
        fsrs_tuning.optimize(few)
    assert refused.value.need == fsrs_tuning.MIN_TRAINING_REVIEWS == 400
    assert refused.value.have == len(review_table(few)) < 400
    assert isinstance(refused.value, UsageError)
    with pytest.raises(NotEnoughReviewsError):
        fsrs_tuning.optimize([])


def test_evaluate_shape_and_tuned_fsrs_beats_sm2_on_an_exponential_forgetting_model(histories: list) -> None:
    # Recall in these histories follows 2^(-t/h) with lognormal per-card half-lives (not FSRS's curve).
    result = fsrs_tuning.evaluate(histories)
    shape = result.to_json()
    assert set(shape) == {"reviews", "schedulers"}
    assert set(result.schedulers) == {"sm2", "fsrs_default", "fsrs_tuned"}
    for score in result.schedulers.values():
        assert set(score.to_json()) == {"log_loss", "rmse_bins", "auc"}
        assert sum(row.count for row in score.calibration) == result.reviews
    json.dumps(shape)
    json.dumps(result.calibration_json())
    table = review_table(histories)
    assert result.reviews == 5 * (len(table) // 6)  # the five test folds
    assert result.folds_tuned == 5
    sm2_score, tuned = result.schedulers["sm2"], result.schedulers["fsrs_tuned"]
    assert tuned.log_loss < sm2_score.log_loss
    assert tuned.rmse_bins < sm2_score.rmse_bins
    assert tuned.auc is not None and sm2_score.auc is not None and tuned.auc > sm2_score.auc


def test_evaluate_scores_sm2_on_the_test_folds_only(histories: list) -> None:
    table = review_table(histories)
    folds = fsrs_tuning.time_series_splits(len(table))
    rows = np.concatenate([np.arange(a, b) for a, b in folds])
    expected = fsrs_tuning.recall_metrics.log_loss(table.recalled[rows], sm2_predictions(table)[rows])
    assert fsrs_tuning.evaluate(histories).schedulers["sm2"].log_loss == pytest.approx(expected)


def test_evaluate_with_a_short_past_predicts_with_default_parameters() -> None:
    small = synthetic_histories(60, 6, seed=3)  # a few hundred reviews: early folds have < 400 behind them
    result = fsrs_tuning.evaluate(small)
    assert result.folds_tuned < 5
    if result.folds_tuned == 0:
        assert result.schedulers["fsrs_tuned"] == result.schedulers["fsrs_default"]


def test_evaluate_refuses_when_nothing_can_be_split() -> None:
    with pytest.raises(NotEnoughReviewsError, match="evaluating needs at least 6"):
        fsrs_tuning.evaluate([[(D0, 4), (D0 + timedelta(days=1), 4)]])


@pytest.mark.parametrize("seed", [11, 23, 42])
def test_tuned_fsrs_beats_sm2_log_loss_whatever_the_seed(seed: int) -> None:
    result = fsrs_tuning.evaluate(synthetic_histories(600, 8, seed=seed))
    assert result.folds_tuned == 5
    assert result.schedulers["fsrs_tuned"].log_loss < result.schedulers["sm2"].log_loss
