"""srs-benchmark's metrics against slow obvious references, scipy and hand-worked examples."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import mannwhitneyu

from flashdl.scheduler import recall_metrics as rm
from flashdl.scheduler.fsrs_tuning import time_series_splits

probability = st.floats(0.001, 0.999)
rows_strategy = st.lists(st.tuples(st.booleans(), probability, st.integers(1, 400), st.integers(2, 40),
                                   st.integers(0, 12)), min_size=1, max_size=200)


def slow_log_loss(y: list[bool], p: list[float]) -> float:
    return -sum(math.log(pi) if yi else math.log(1 - pi) for yi, pi in zip(y, p)) / len(y)


def slow_auc(y: list[bool], p: list[float]) -> float:
    pairs = wins = 0.0
    for yi, pi in zip(y, p):
        for yj, pj in zip(y, p):
            if yi and not yj:
                pairs += 1
                wins += 1.0 if pi > pj else 0.5 if pi == pj else 0.0
    return wins / pairs


def slow_bin(x: float, scale: float, base: float, decimals: int) -> float:
    return round(scale * base ** math.floor(math.log(x) / math.log(base)), decimals)


def slow_rmse_bins(rows: list[tuple[bool, float, int, int, int]]) -> float:
    groups: dict[tuple[float, float, float], list[tuple[bool, float]]] = defaultdict(list)
    for y, p, elapsed, index, lapses in rows:
        key = (slow_bin(elapsed, 2.48, 3.62, 2), slow_bin(index, 1.99, 1.89, 0),
               slow_bin(lapses, 1.65, 1.73, 0) if lapses else 0.0)
        groups[key].append((y, p))
    total = sum(len(g) for g in groups.values())
    squared = 0.0
    for group in groups.values():
        mean_y = sum(y for y, _ in group) / len(group)
        mean_p = sum(p for _, p in group) / len(group)
        squared += len(group) * (mean_y - mean_p) ** 2
    return math.sqrt(squared / total)


def test_log_loss_by_hand() -> None:
    # -(ln 0.8 + ln(1 - 0.3)) / 2 = (0.223144 + 0.356675) / 2 = 0.289909
    assert rm.log_loss([1, 0], [0.8, 0.3]) == pytest.approx(0.289909, abs=1e-6)


def test_log_loss_clips_certain_mistakes() -> None:
    assert math.isfinite(rm.log_loss([0], [1.0])) and rm.log_loss([0], [1.0]) == pytest.approx(36.04, abs=0.01)


def test_auc_by_hand() -> None:
    # recalled at 0.9 and 0.4, forgotten at 0.6 and 0.1: 3 of the 4 (recalled, forgotten) pairs are ordered.
    assert rm.auc([1, 1, 0, 0], [0.9, 0.4, 0.6, 0.1]) == 0.75
    assert rm.auc([1, 0], [0.5, 0.5]) == 0.5  # a tie counts half
    assert rm.auc([1, 1], [0.2, 0.9]) is None  # one outcome only: undefined


def test_rmse_bins_by_hand() -> None:
    # Elapsed 1 and 3 days share the bin 2.48 * 3.62^0 = 2.48; review numbers 2 and 3 share
    # round(1.99 * 1.89^1) = 4 (log 2 / log 1.89 = 1.09, log 3 / log 1.89 = 1.73); no lapses.
    # One bin: mean recall 0.5, mean prediction 0.8 -> RMSE 0.3. Adding a review after 4 days
    # (bin 8.98, alone) recalled at 0.6 (gap 0.4): sqrt((2 * 0.09 + 1 * 0.16) / 3) = 0.336650.
    value = rm.rmse_bins([1, 0], [0.9, 0.7], elapsed=[1, 3], index=[2, 3], lapses=[0, 0])
    assert value == pytest.approx(0.3)
    value = rm.rmse_bins([1, 0, 1], [0.9, 0.7, 0.6], elapsed=[1, 3, 4], index=[2, 3, 2], lapses=[0, 0, 0])
    assert value == pytest.approx(0.336650, abs=1e-6)


@settings(max_examples=80, deadline=None)
@given(rows=rows_strategy)
def test_metrics_match_slow_references(rows: list[tuple[bool, float, int, int, int]]) -> None:
    y = [r[0] for r in rows]
    p = [r[1] for r in rows]
    assert rm.log_loss(y, p) == pytest.approx(slow_log_loss(y, p), rel=1e-9)
    assert rm.rmse_bins(y, p, elapsed=[r[2] for r in rows], index=[r[3] for r in rows],
                        lapses=[r[4] for r in rows]) == pytest.approx(slow_rmse_bins(rows), abs=1e-12)
    if any(y) and not all(y):
        assert rm.auc(y, p) == pytest.approx(slow_auc(y, p), abs=1e-12)
        positives = [pi for yi, pi in zip(y, p) if yi]
        negatives = [pi for yi, pi in zip(y, p) if not yi]
        u = mannwhitneyu(positives, negatives).statistic
        assert rm.auc(y, p) == pytest.approx(u / (len(positives) * len(negatives)), abs=1e-12)


def test_calibration_bins_by_hand() -> None:
    table = rm.calibration([1, 0, 1, 1], [0.05, 0.15, 0.95, 1.0])
    assert len(table) == 10 and [b.low for b in table][:3] == [0.0, 0.1, 0.2]
    assert (table[0].count, table[0].predicted, table[0].actual) == (1, 0.05, 1.0)
    assert (table[1].count, table[1].actual) == (1, 0.0)
    assert (table[9].count, table[9].predicted, table[9].actual) == (2, pytest.approx(0.975), 1.0)
    assert table[5].count == 0 and table[5].predicted is None and table[5].to_json()["actual"] is None


@pytest.mark.parametrize(("count", "expected"), [
    # scikit-learn's TimeSeriesSplit docstring: 6 samples, 5 splits -> test [1], [2], ..., [5].
    (6, [(1, 2), (2, 3), (3, 4), (4, 5), (5, 6)]),
    # 13 rows: 6 parts of 13 // 6 = 2, the remainder goes to the first training part.
    (13, [(3, 5), (5, 7), (7, 9), (9, 11), (11, 13)]),
    (5, []),
])
def test_time_series_splits_as_scikit_learn(count: int, expected: list[tuple[int, int]]) -> None:
    assert time_series_splits(count) == expected


def test_geometric_bins_match_published_grid() -> None:
    # srs-benchmark: elapsed days fall into 2.48 * 3.62^k: 1..3 -> 2.48, 4..13 -> 8.98, 14..47 -> 32.5.
    assert list(rm.geometric_bin(np.array([1, 3, 4, 13, 14, 47]), 2.48, 3.62, 2)) == [
        2.48, 2.48, 8.98, 8.98, 32.5, 32.5]
