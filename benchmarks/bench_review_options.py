"""The options cache of the review path, A/B: per-review options lookup and whole reviews.

Every review of a deck with stored options reads the deck's and the
collection's option JSON in the statement that loads the card; parsing and
validating it (the 21 FSRS weights included) is cached on the texts
(``services.deck_options.stored_options``). This benchmark times the lookup
without and with the cache, and a whole FSRS review with its commit
(``record_review``) both ways, on a deck on FSRS with tuned weights stored.

Run: ``python benchmarks/bench_review_options.py`` (``--reviews N``, ``--json``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flashdl.deck.model import Card, Deck  # noqa: E402
from flashdl.scheduler import deck_options as rules  # noqa: E402
from flashdl.scheduler.deck_options import DeckOptions  # noqa: E402
from flashdl.scheduler.fsrs_schedule import DEFAULT_PARAMETERS  # noqa: E402
from flashdl.services import deck_options  # noqa: E402
from flashdl.services.deck_options import COLLECTION, review_options, set_options  # noqa: E402
from flashdl.services.reviews import record_review  # noqa: E402
from flashdl.store import open_store, scheduling  # noqa: E402
from flashdl.store.card_content import sync_deck  # noqa: E402

CARDS = 2000  # two reviews a card: SM-2, kept under FSRS too, stays in range
START = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


def uncached_options(collection_text: str | None, deck_text: str | None, deck: str) -> DeckOptions:
    """``stored_options`` without its cache (what every review did before it)."""
    return rules.resolve(rules.overrides_from_json(collection_text, source=COLLECTION),
                         rules.overrides_from_json(deck_text, source=f"deck {deck} options"))


def review_ms(store: object, reviews: int) -> tuple[float, float]:
    """Median ms of FSRS reviews with their commits, with and without the cache: the two
    interleaved (odd reviews without it), so both meet the same cards, log and machine load."""
    cached = deck_options.stored_options
    times: tuple[list[float], list[float]] = ([], [])
    try:
        for i in range(reviews):
            deck_options.stored_options = cached if i % 2 == 0 else uncached_options  # type: ignore[assignment]
            moment = START + timedelta(days=i // CARDS, seconds=i)
            started = time.perf_counter()
            record_review(store, f"bench/{i % CARDS:04d}", 4, moment)  # type: ignore[arg-type]
            times[i % 2].append((time.perf_counter() - started) * 1000)
    finally:
        deck_options.stored_options = cached
    return statistics.median(times[0]), statistics.median(times[1])


def per_call_ms(call: object, repeats: int) -> float:
    assert callable(call)
    started = time.perf_counter()
    for _ in range(repeats):
        call()
    return (time.perf_counter() - started) / repeats * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=4000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "bench.sqlite3") as store:
        deck = Deck(id="bench", name="Bench", cards=tuple(
            Card(id=f"{i:04d}", front=f"Q{i}", back=f"A{i}") for i in range(CARDS)))
        with store.write() as tx:
            sync_deck(tx, deck, None, int(START.timestamp() * 1000))
        tuned = [round(w * 1.01, 4) for w in DEFAULT_PARAMETERS]
        set_options(store, "bench", scheduler="fsrs", desired_retention=0.88, fsrs_parameters=tuned)
        with store.read() as tx:
            card_id = tx.db.execute("SELECT id FROM card LIMIT 1").fetchone()[0]
            loaded = scheduling.load_state(tx, card_id)
        assert loaded is not None and review_options(loaded) is not None
        texts = (loaded.collection_options, loaded.deck_options, "bench")
        lookup_ms = per_call_ms(lambda: uncached_options(*texts), args.reviews)
        cached_ms = per_call_ms(lambda: review_options(loaded), args.reviews)
        with_cache, without_cache = review_ms(store, args.reviews)
    figures = {
        "reviews": args.reviews,
        "options_lookup_ms": round(lookup_ms, 4),
        "options_lookup_cached_ms": round(cached_ms, 4),
        "fsrs_review_median_ms": round(with_cache, 4),
        "fsrs_review_median_ms_without_cache": round(without_cache, 4),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"options lookup per review: {lookup_ms:.4f} ms without the cache, {cached_ms:.4f} ms with it")
    print(f"FSRS review with its commit, median over {args.reviews // 2} each: {with_cache:.3f} ms with the cache, "
          f"{without_cache:.3f} ms without ({1 - with_cache / without_cache:.0%} less)")


if __name__ == "__main__":
    main()
