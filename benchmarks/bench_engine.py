"""Throughput of the engine per family: generate + solve + prompt + solution + check.

Run: python3 benchmarks/bench_engine.py [--seconds S]. Target: ≥ 5,000 variants/s per family
on one core. Each variant is checked against its own answer as a student would type it.

Variants run in chunks of CHUNK, timed in CPU time of this process (`time.process_time`), so
other programs sharing the cores do not count; like `timeit`, the best chunk is the estimate
of the intrinsic cost (cache and frequency effects of other load only ever slow a chunk
down), and the median chunk is shown next to it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flashdl.engine import FAMILIES, Family  # noqa: E402

TARGET_PER_SECOND = 5_000
CHUNK = 100


def chunk_rates(family: Family, seconds: float) -> list[float]:
    """Variants per second of each chunk of CHUNK fresh variants, for about `seconds`."""
    rng = np.random.default_rng(0)
    rates: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(rates) < 3:
        start = time.process_time()
        for _ in range(CHUNK):
            params = family.generate(rng)
            answer = family.solve(params)
            family.prompt(params)
            family.solution(params)
            verdict = family.check(params, family.format_answer(params, answer))
            assert verdict.correct
        rates.append(CHUNK / max(time.process_time() - start, 1e-9))
    return rates


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=1.0, help="time spent per family")
    args = parser.parse_args()
    rows = []
    for name, family in sorted(FAMILIES.items()):
        rates = chunk_rates(family, args.seconds)
        rows.append((name, max(rates), statistics.median(rates)))
    width = max(len(name) for name, *_ in rows)
    print(f"{'family':<{width}}  {'variants/s (best)':>17}  {'(median)':>8}  target {TARGET_PER_SECOND}")
    for name, best, median in rows:
        print(f"{name:<{width}}  {best:>17,.0f}  {median:>8,.0f}  {'ok' if best >= TARGET_PER_SECOND else 'SLOW'}")
    return 0 if all(best >= TARGET_PER_SECOND for _, best, _ in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
