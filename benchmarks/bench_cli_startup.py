"""How long `flashdl --help` and a bare interpreter take to return (target: help < 0.15 s).

Usage: python benchmarks/bench_cli_startup.py [--runs N]
Runs the `flashdl` console script installed beside this interpreter (not a
PATH shim such as pyenv's, which adds its own start-up), else
`python -m flashdl.cli`; prints best and median wall time of N runs.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path


def timed(argv: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    beside = Path(sys.executable).parent / "flashdl"
    script = str(beside) if beside.exists() else None
    help_argv = [script, "--help"] if script else [sys.executable, "-m", "flashdl.cli", "--help"]
    for label, argv in [("python -c pass", [sys.executable, "-c", "pass"]), ("flashdl --help", help_argv)]:
        times = timed(argv, args.runs)
        print(f"{label:<16} best {min(times) * 1000:6.1f} ms   median {statistics.median(times) * 1000:6.1f} ms")


if __name__ == "__main__":
    main()
