"""Source-parser throughput and linearity: ten times the cards should cost ten times the time.

Usage: python benchmarks/bench_parsers.py
Prints seconds for 2,000 and 20,000 flashcard-export cards and the ratio
(about 10 for a linear parser; 100 would mean quadratic behaviour).
"""

from __future__ import annotations

import random
import string
import time

from flashdl.errors import InputError
from flashdl.formats import parse_source


def seconds(cards: int) -> float:
    text = "Deck\n" + "".join(
        f"{n}\nQ\nquestion {n}\nA\n  • {n + 1}\n{n + 1}\n  1. item\n" for n in range(1, cards + 1)
    )
    started = time.perf_counter()
    assert len(parse_source(text, "bench.txt").deck.cards) == cards
    return time.perf_counter() - started


def main() -> None:
    small, large = min(seconds(2_000) for _ in range(3)), min(seconds(20_000) for _ in range(3))
    print(f"2,000 cards:  {small:.3f} s ({2_000 / small:,.0f} cards/s)")
    print(f"20,000 cards: {large:.3f} s ({20_000 / large:,.0f} cards/s)")
    print(f"ratio {large / small:.1f} (linear: ~10)")
    rng = random.Random(7)
    noise = "".join(rng.choices(string.ascii_letters + string.digits + "  \n\n•QA.", k=1_000_000)) * 50
    started = time.perf_counter()
    try:
        parse_source(noise, "random.txt")
    except InputError as error:
        print(f"50 MB of random text refused in {time.perf_counter() - started:.2f} s: {error}")


if __name__ == "__main__":
    main()
