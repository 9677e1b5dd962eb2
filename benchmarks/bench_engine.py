"""Throughput of the engine per family: generate + solve + prompt + solution + check.

Run: python3 benchmarks/bench_engine.py [--seconds S]. Target: ≥ 5,000 variants/s per family
on one core. Each variant is checked against its own answer as a student would type it.
Rates are per second of this process's CPU time, so other load on the machine does not
distort them (wall-clock rates are shown too).
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


def variants_per_second(family: Family, seconds: float) -> tuple[float, float]:
    """(variants per CPU second, variants per wall-clock second)."""
    rng = np.random.default_rng(0)
    done = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    deadline = cpu_start + seconds
    while time.process_time() < deadline:
        for _ in range(50):
            params = family.generate(rng)
            answer = family.solve(params)
            family.prompt(params)
            family.solution(params)
            verdict = family.check(params, family.answer_spec(params).format(answer))
            assert verdict.correct
        done += 50
    return done / (time.process_time() - cpu_start), done / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=1.0, help="time spent per family")
    args = parser.parse_args()
    rows = [(name, *variants_per_second(family, args.seconds)) for name, family in sorted(FAMILIES.items())]
    width = max(len(name) for name, *_ in rows)
    print(f"{'family':<{width}}  {'variants/s (CPU)':>16}  {'(wall)':>8}  target {TARGET_PER_SECOND}")
    for name, rate, wall in rows:
        print(f"{name:<{width}}  {rate:>16,.0f}  {wall:>8,.0f}  {'ok' if rate >= TARGET_PER_SECOND else 'SLOW'}")
    return 0 if all(rate >= TARGET_PER_SECOND for _, rate, _ in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
