"""How well predicted recall matches what happened: srs-benchmark's three metrics.

* log loss (binary cross-entropy), probabilities clipped to float64's
  epsilon as scikit-learn's ``log_loss`` does;
* RMSE(bins): reviews binned by elapsed days, review number and lapse count
  on srs-benchmark's geometric grids, then the root of the count-weighted
  mean squared gap between mean predicted and actual recall per bin;
* AUC: the probability that a recalled review was predicted higher than a
  forgotten one (ties count half), from average ranks (Mann-Whitney U).

Plus a calibration table (predicted vs actual recall in ten equal bins of
predicted recall), which is what a calibration plot draws. Pure numpy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
CALIBRATION_BINS = 10


def log_loss(recalled: npt.ArrayLike, predicted: npt.ArrayLike) -> float:
    y = np.asarray(recalled, dtype=np.float64)
    eps = np.finfo(np.float64).eps
    p = np.clip(np.asarray(predicted, dtype=np.float64), eps, 1 - eps)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def geometric_bin(values: npt.ArrayLike, scale: float, base: float, decimals: int) -> FloatArray:
    """srs-benchmark's bin of x > 0: round(scale * base^floor(log_base x), decimals)."""
    x = np.asarray(values, dtype=np.float64)
    result: FloatArray = np.round(scale * np.power(base, np.floor(np.log(x) / np.log(base))), decimals)
    return result


def rmse_bins(recalled: npt.ArrayLike, predicted: npt.ArrayLike, *, elapsed: npt.ArrayLike,
              index: npt.ArrayLike, lapses: npt.ArrayLike) -> float:
    """RMSE(bins) with srs-benchmark's grids (elapsed days 2.48*3.62^k, review number
    1.99*1.89^k, lapses 1.65*1.73^k with 0 its own bin)."""
    y = np.asarray(recalled, dtype=np.float64)
    p = np.asarray(predicted, dtype=np.float64)
    lapse = np.asarray(lapses, dtype=np.float64)
    lapse_bin = np.where(lapse > 0, geometric_bin(np.maximum(lapse, 1), 1.65, 1.73, 0), 0.0)
    keys = np.stack([geometric_bin(elapsed, 2.48, 3.62, 2), geometric_bin(index, 1.99, 1.89, 0), lapse_bin],
                    axis=1)
    _, group = np.unique(keys, axis=0, return_inverse=True)
    group = group.reshape(-1)
    count = np.bincount(group).astype(np.float64)
    mean_y = np.bincount(group, weights=y) / count
    mean_p = np.bincount(group, weights=p) / count
    return float(math.sqrt(np.sum(count * (mean_y - mean_p) ** 2) / np.sum(count)))


def auc(recalled: npt.ArrayLike, predicted: npt.ArrayLike) -> float | None:
    """Area under the ROC curve; None when only one outcome occurs (it is undefined)."""
    y = np.asarray(recalled, dtype=bool)
    p = np.asarray(predicted, dtype=np.float64)
    positives = int(y.sum())
    negatives = int(y.size - positives)
    if positives == 0 or negatives == 0:
        return None
    ranks = _average_ranks(p)
    u = float(ranks[y].sum()) - positives * (positives + 1) / 2
    return u / (positives * negatives)


def _average_ranks(values: FloatArray) -> FloatArray:
    """1-based ranks, ties given the mean of the ranks they span."""
    order = np.argsort(values, kind="mergesort")
    sorted_values = values[order]
    starts = np.flatnonzero(np.r_[True, sorted_values[1:] != sorted_values[:-1]])
    ends = np.r_[starts[1:], sorted_values.size]
    mean_rank = (starts + ends + 1) / 2  # ranks starts+1 .. ends, averaged
    ranks = np.empty(values.size, dtype=np.float64)
    ranks[order] = np.repeat(mean_rank, ends - starts)
    return ranks


@dataclass(frozen=True)
class CalibrationBin:
    """Reviews whose predicted recall fell in [low, high): how many, predicted and actual recall."""

    low: float
    high: float
    count: int
    predicted: float | None
    actual: float | None

    def to_json(self) -> dict[str, float | int | None]:
        return {"low": self.low, "high": self.high, "count": self.count,
                "predicted": self.predicted, "actual": self.actual}


def calibration(recalled: npt.ArrayLike, predicted: npt.ArrayLike,
                bins: int = CALIBRATION_BINS) -> tuple[CalibrationBin, ...]:
    """Ten equal bins of predicted recall (the last one closed at 1.0)."""
    y = np.asarray(recalled, dtype=np.float64)
    p = np.asarray(predicted, dtype=np.float64)
    which = np.minimum((p * bins).astype(np.int64), bins - 1)
    table = []
    for b in range(bins):
        inside = which == b
        count = int(inside.sum())
        table.append(CalibrationBin(
            low=b / bins, high=(b + 1) / bins, count=count,
            predicted=float(p[inside].mean()) if count else None,
            actual=float(y[inside].mean()) if count else None))
    return tuple(table)
