"""Throughput of the engine per family: generate + solve + prompt + solution + check.

Run: python3 benchmarks/bench_engine.py [--seconds S]. Target: ≥ 5,000 variants/s per family
on one core. Each variant is checked against its own answer as a student would type it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flashdl.engine import FAMILIES, Family  # noqa: E402

TARGET_PER_SECOND = 5_000


def variants_per_second(family: Family, seconds: float) -> float:
    rng = np.random.default_rng(0)
    done = 0
    start = time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        for _ in range(50):
            params = family.generate(rng)
            answer = family.solve(params)
            family.prompt(params)
            family.solution(params)
            verdict = family.check(params, family.answer_spec(params).format(answer))
            assert verdict.correct
        done += 50
    return done / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=1.0, help="time spent per family")
    args = parser.parse_args()
    rows = [(name, variants_per_second(family, args.seconds)) for name, family in sorted(FAMILIES.items())]
    width = max(len(name) for name, _ in rows)
    print(f"{'family':<{width}}  {'variants/s':>10}  target {TARGET_PER_SECOND}")
    for name, rate in rows:
        print(f"{name:<{width}}  {rate:>10,.0f}  {'ok' if rate >= TARGET_PER_SECOND else 'SLOW'}")
    return 0 if all(rate >= TARGET_PER_SECOND for _, rate in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
