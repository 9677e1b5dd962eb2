"""FSRS benchmark: tuning (and evaluating) on 100,000 synthetic reviews.

The histories come from ``tests/scheduler/forgetting_model.py`` (exponential
forgetting with lognormal per-card half-lives, scheduled by SM-2 with late
reviews and same-day repeats), cut to exactly ``--reviews`` reviews. Reports
the time of ``fsrs_tuning.optimize`` as a whole (review table, optimiser
items, the Rust fit, and the log loss before and after; target < 5 s for
100,000 reviews) and of ``fsrs_tuning.evaluate`` (five fits on growing
pasts, three schedulers scored).

Run: ``python benchmarks/bench_fsrs.py`` (``--reviews N``, ``--json``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "scheduler"))

from forgetting_model import synthetic_histories  # noqa: E402 (tests/scheduler, put on the path above)

from flashdl.scheduler import fsrs_tuning  # noqa: E402

TARGET_SECONDS = 5.0


def histories_of(reviews: int) -> list[list]:
    """Synthetic histories holding exactly ``reviews`` reviews (the last card cut short)."""
    histories, total, seed = [], 0, 0
    while total < reviews:
        for history in synthetic_histories(2000, 10, seed=seed):
            keep = history[: reviews - total]
            histories.append(keep)
            total += len(keep)
            if total >= reviews:
                break
        seed += 1
    return histories


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    histories = histories_of(args.reviews)
    started = time.perf_counter()
    tuned = fsrs_tuning.optimize(histories)
    optimize_seconds = time.perf_counter() - started
    started = time.perf_counter()
    evaluation = fsrs_tuning.evaluate(histories)
    evaluate_seconds = time.perf_counter() - started
    figures = {
        "reviews": sum(map(len, histories)),
        "cards": len(histories),
        "training_reviews": tuned.reviews,
        "optimize_seconds": round(optimize_seconds, 3),
        "optimize_target_seconds": TARGET_SECONDS,
        "log_loss_before": round(tuned.log_loss_before, 4),
        "log_loss_after": round(tuned.log_loss_after, 4),
        "evaluate_seconds": round(evaluate_seconds, 3),
        "evaluation": evaluation.to_json(),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    verdict = "ok" if optimize_seconds < TARGET_SECONDS else "SLOW"
    print(f"{figures['reviews']} reviews of {figures['cards']} cards "
          f"({tuned.reviews} predictable, the optimiser's items)")
    print(f"optimize: {optimize_seconds:.2f} s (target < {TARGET_SECONDS:.0f} s: {verdict}); "
          f"log loss {tuned.log_loss_before:.4f} -> {tuned.log_loss_after:.4f}")
    print(f"evaluate: {evaluate_seconds:.2f} s over {evaluation.reviews} predicted reviews")
    for name, score in evaluation.schedulers.items():
        auc = "n/a" if score.auc is None else f"{score.auc:.4f}"
        print(f"  {name:13} log loss {score.log_loss:.4f}  RMSE(bins) {score.rmse_bins:.4f}  AUC {auc}")


if __name__ == "__main__":
    main()
