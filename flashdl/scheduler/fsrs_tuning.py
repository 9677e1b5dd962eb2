"""Tuning FSRS on a user's own reviews, and the evidence of which scheduler predicts them better.

``optimize`` fits the 21 FSRS-6 weights with fsrs-rs (the Rust optimiser,
no PyTorch) and reports the log loss of the default and the fitted weights
on the same reviews. ``evaluate`` compares SM-2, FSRS with default weights
and FSRS tuned on the past, as srs-benchmark does: a time-series split
(scikit-learn's ``TimeSeriesSplit`` with 5 splits: train on every review
before a test fold, predict the fold), then log loss, RMSE(bins) and AUC
over the predicted folds. Both only read the histories they are given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import fsrs_rs_python
import numpy as np
from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from flashdl.errors import NotEnoughReviewsError
from flashdl.scheduler import recall_metrics
from flashdl.scheduler.fsrs_schedule import DEFAULT_PARAMETERS, validate_parameters
from flashdl.scheduler.recall_metrics import CalibrationBin, FloatArray
from flashdl.scheduler.review_history import (
    CardHistory,
    ReviewTable,
    fsrs_predictions,
    review_table,
    sm2_predictions,
    training_items,
)

# Tuning needs this many predictable reviews (a review on a later study day than the card's
# previous one): with fewer, fitted weights mostly fit noise. fsrs-rs itself silently returns
# the default weights below a handful; flashdl refuses instead, and says so.
MIN_TRAINING_REVIEWS = 400
SPLITS = 5  # srs-benchmark's TimeSeriesSplit(n_splits=5)
PARAMETER_DECIMALS = 4  # as Anki shows and stores them; the fit is f32 anyway
SCHEDULERS = ("sm2", "fsrs_default", "fsrs_tuned")


@dataclass(frozen=True)
class TuningResult:
    """Fitted weights and the log loss of the default and the fitted weights on the same reviews."""

    parameters: tuple[float, ...]
    log_loss_before: float
    log_loss_after: float
    reviews: int  # predictable reviews the fit learnt from

    def to_json(self) -> dict[str, object]:
        return {"reviews": self.reviews, "parameters": list(self.parameters),
                "log_loss_before": self.log_loss_before, "log_loss_after": self.log_loss_after}


@dataclass(frozen=True)
class SchedulerScore:
    log_loss: float
    rmse_bins: float
    auc: float | None  # None when every evaluated review was recalled (or none was)
    calibration: tuple[CalibrationBin, ...]

    def to_json(self) -> dict[str, float | None]:
        return {"log_loss": self.log_loss, "rmse_bins": self.rmse_bins, "auc": self.auc}


@dataclass(frozen=True)
class Evaluation:
    """DESIGN §3's ``scheduler evaluate`` result, plus calibration tables for the plot."""

    reviews: int  # reviews predicted (the test folds)
    schedulers: dict[str, SchedulerScore]
    folds_tuned: int  # test folds whose training part was large enough to tune on

    def to_json(self) -> dict[str, object]:
        return {"reviews": self.reviews,
                "schedulers": {name: score.to_json() for name, score in self.schedulers.items()}}

    def calibration_json(self) -> dict[str, list[dict[str, float | int | None]]]:
        return {name: [row.to_json() for row in score.calibration] for name, score in self.schedulers.items()}


def optimize(histories: Sequence[CardHistory]) -> TuningResult:
    """Fit FSRS-6 to ``histories`` (one ``(study day, grade)`` list per card, in log order).

    Raises ``NotEnoughReviewsError`` below ``MIN_TRAINING_REVIEWS`` predictable reviews.
    """
    table = review_table(histories)
    _require(len(table), "tune FSRS")
    parameters = _fit(table, range(len(table)))
    recalled = table.recalled
    before = recall_metrics.log_loss(recalled, fsrs_predictions(table, DEFAULT_PARAMETERS))
    after = recall_metrics.log_loss(recalled, fsrs_predictions(table, parameters))
    return TuningResult(parameters=parameters, log_loss_before=before, log_loss_after=after, reviews=len(table))


def time_series_splits(count: int, splits: int = SPLITS) -> list[tuple[int, int]]:
    """Test folds ``[start, stop)`` over ``count`` time-ordered rows, as scikit-learn's
    ``TimeSeriesSplit(n_splits)``: ``splits + 1`` equal parts, the first only trained on;
    each fold trains on every row before ``start``."""
    size = count // (splits + 1)
    if size == 0:
        return []
    first = count - splits * size
    return [(start, start + size) for start in range(first, count, size)]


def evaluate(histories: Sequence[CardHistory], *, splits: int = SPLITS) -> Evaluation:
    """SM-2, FSRS (default weights) and FSRS (tuned on the past) on the same future reviews.

    A fold whose past has fewer than ``MIN_TRAINING_REVIEWS`` predictable
    reviews is predicted with the default weights under ``fsrs_tuned`` (there is
    nothing to tune on yet); ``folds_tuned`` says how many were truly tuned.
    Raises ``NotEnoughReviewsError`` when there are too few reviews to split.
    """
    table = review_table(histories)
    folds = time_series_splits(len(table), splits)
    if not folds:
        raise NotEnoughReviewsError(
            f"evaluating needs at least {splits + 1} reviews made on a later day than the card's previous "
            f"review; this history has {len(table)}", have=len(table), need=splits + 1)
    tested = np.concatenate([np.arange(start, stop) for start, stop in folds])
    tuned = np.empty(len(table), dtype=np.float64)
    folds_tuned = 0
    for start, stop in folds:
        if start >= MIN_TRAINING_REVIEWS:
            parameters = _fit(table, range(start))
            folds_tuned += 1
        else:
            parameters = DEFAULT_PARAMETERS
        tuned[start:stop] = fsrs_predictions(table, parameters)[start:stop]
    predictions = {
        "sm2": sm2_predictions(table),
        "fsrs_default": fsrs_predictions(table, DEFAULT_PARAMETERS),
        "fsrs_tuned": tuned,
    }
    scores = {name: _score(table, tested, predictions[name]) for name in SCHEDULERS}
    return Evaluation(reviews=int(tested.size), schedulers=scores, folds_tuned=folds_tuned)


def _score(table: ReviewTable, rows: np.ndarray, predicted: FloatArray) -> SchedulerScore:
    y, p = table.recalled[rows], predicted[rows]
    return SchedulerScore(
        log_loss=recall_metrics.log_loss(y, p),
        rmse_bins=recall_metrics.rmse_bins(y, p, elapsed=table.elapsed[rows], index=table.index[rows],
                                           lapses=table.lapses[rows]),
        auc=recall_metrics.auc(y, p),
        calibration=recall_metrics.calibration(y, p),
    )


def _fit(table: ReviewTable, rows: range) -> tuple[float, ...]:
    items = training_items(table, rows)
    fitted = fsrs_rs_python.FSRS(list(DEFAULT_PARAMETERS)).compute_parameters(items)
    # Rounded to Anki's 4 decimals, then kept inside py-fsrs's bounds: the Rust optimiser clamps
    # to the same bounds in f32, so only rounding noise can step outside them.
    rounded = [min(max(round(w, PARAMETER_DECIMALS), low), high)
               for w, low, high in zip(fitted, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS)]
    return validate_parameters(rounded, source="fitted FSRS parameters")


def _require(count: int, what: str) -> None:
    if count < MIN_TRAINING_REVIEWS:
        raise NotEnoughReviewsError(
            f"too few reviews to {what}: {count} reviews made on a later day than the card's previous "
            f"review, at least {MIN_TRAINING_REVIEWS} needed", have=count, need=MIN_TRAINING_REVIEWS)
