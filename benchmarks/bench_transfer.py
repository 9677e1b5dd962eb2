"""Time import/export: a 100,000-note .apkg each way, and a 1,000,000-review history import.

Usage: python benchmarks/bench_transfer.py [--notes N] [--reviews R] [--runs K] [--no-anki]
                                           [--skip-history] [--skip-apkg]
Each figure is the whole command as a user runs it (``flashdl export``/``import`` in-process,
database writes included), median and best of K runs. With the ``anki`` package installed
(``pip install '.[bench]'``), Anki's own export and import of the same notes are timed too.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from flashdl.cli import main as flashdl
from flashdl.deck import Card, Deck, dump_deck

NOW = "2024-03-01T10:00:00+00:00"


def synthetic_deck(count: int) -> Deck:
    cards = tuple(
        Card(id=f"{i:06d}",
             front=f"Output size of layer {i}: input $W={32 + i % 7}$, kernel **3x3**, padding {i % 3}?",
             back=f"floor((W + 2p - k)/s) + 1 = {30 + i % 9}\nsee `conv2d`",
             tags=("cnn", f"t{i % 7}"))
        for i in range(count))
    return Deck(id="big", name="Big deck", cards=cards)


def run(*argv: str) -> None:
    with contextlib.redirect_stdout(io.StringIO()):
        code = flashdl([*argv, "--now", NOW])
    if code != 0:
        raise SystemExit(f"flashdl {' '.join(argv)} failed with {code}")


def timed(label: str, fn: Callable[[int], None], runs: int) -> float:
    times = []
    for attempt in range(runs):
        start = time.perf_counter()
        fn(attempt)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(f"{label:<52} median {median:6.2f} s   best {min(times):6.2f} s   ({runs} runs)")
    return median


def bench_apkg(folder: Path, notes: int, runs: int) -> Path:
    deck_file = folder / "big.yaml"
    deck_file.write_text(dump_deck(synthetic_deck(notes)), encoding="utf-8")
    source_db = folder / "source.sqlite3"
    run("--db", str(source_db), "import", str(deck_file))
    package = folder / "big.apkg"
    timed(f"flashdl export {notes:,} notes -> .apkg", lambda i: run(
        "--db", str(source_db), "export", "big", "--format", "apkg", "--out", str(package)), runs)
    print(f"  package: {package.stat().st_size / 1e6:.1f} MB")
    timed(f"flashdl import {notes:,}-note .apkg (new database)", lambda i: run(
        "--db", str(folder / f"imported-{i}.sqlite3"), "import", str(package)), runs)
    return package


def bench_anki(folder: Path, package: Path, notes: int, runs: int) -> None:
    try:
        from anki.collection import Collection, ExportAnkiPackageOptions
        from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportAnkiPackageRequest
    except ImportError:
        print("anki not installed: skipping Anki's own figures (pip install '.[bench]')")
        return
    source = Collection(str(folder / "anki-source" / "collection.anki2")) if (
        folder / "anki-source").mkdir() is None else None
    source.import_anki_package(ImportAnkiPackageRequest(
        package_path=str(package), options=ImportAnkiPackageOptions()))
    out = folder / "anki-export.apkg"
    options = ExportAnkiPackageOptions(with_scheduling=False, with_deck_configs=False,
                                       with_media=False, legacy=False)
    timed(f"anki   export {notes:,} notes -> .apkg", lambda i: source.export_anki_package(
        out_path=str(out), options=options, limit=None), runs)
    source.close()

    def anki_import(attempt: int) -> None:
        target = folder / f"anki-{attempt}"
        target.mkdir()
        col = Collection(str(target / "collection.anki2"))
        col.import_anki_package(ImportAnkiPackageRequest(
            package_path=str(out), options=ImportAnkiPackageOptions()))
        col.close()

    timed(f"anki   import {notes:,}-note .apkg (new collection)", anki_import, runs)
    timed(f"flashdl import Anki's {notes:,}-note .apkg (zstd layout)", lambda i: run(
        "--db", str(folder / f"from-anki-{i}.sqlite3"), "import", str(out)), runs)


def bench_history(folder: Path, reviews: int, runs: int) -> None:
    cards = max(1, reviews // 100)
    deck_file = folder / "hist.yaml"
    deck_file.write_text(dump_deck(Deck(id="hist", name="History", cards=tuple(
        Card(id=f"{i:06d}", front=f"q{i}", back=f"a{i}") for i in range(cards)))), encoding="utf-8")
    rng = random.Random(7)
    history = folder / "revlog.csv"
    start_ms = 1_600_000_000_000
    with history.open("w", encoding="utf-8") as out:
        out.write("card_id,review_time,review_rating,review_state,review_duration\n")
        per_card = reviews // cards
        for i in range(cards):
            moment = start_ms + rng.randrange(86_400_000)
            lines = []
            for _ in range(per_card):
                moment += rng.choice((600_000, 86_400_000, 3 * 86_400_000, 20 * 86_400_000))
                lines.append(f"hist/{i:06d},{moment},{rng.choice((1, 1, 3, 3, 3, 4))},2,{rng.randrange(20000)}\n")
            out.write("".join(lines))
    print(f"history: {cards * (reviews // cards):,} reviews of {cards:,} cards, "
          f"{history.stat().st_size / 1e6:.0f} MB")

    def import_history(attempt: int) -> None:
        db = folder / f"hist-{attempt}.sqlite3"
        run("--db", str(db), "import", str(deck_file))
        start = time.perf_counter()
        run("--db", str(db), "import", str(history), "--format", "revlog")
        print(f"  import of the history alone: {time.perf_counter() - start:.2f} s")

    timed(f"flashdl import {reviews:,}-review revlog.csv (deck import included)", import_history, runs)
    out = folder / "hist-export.csv"
    timed(f"flashdl export {reviews:,}-review history (Anki revlog columns)", lambda i: run(
        "--db", str(folder / "hist-0.sqlite3"), "export", "hist", "--format", "revlog",
        "--out", str(out)), runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-anki", action="store_true")
    parser.add_argument("--skip-history", action="store_true",
                        help="time only the .apkg export/import")
    parser.add_argument("--skip-apkg", action="store_true",
                        help="time only the history import/export (Anki's figures need the .apkg)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="flashdl-bench-") as name:
        folder = Path(name)
        if not args.skip_apkg:
            package = bench_apkg(folder, args.notes, args.runs)
            if not args.no_anki:
                bench_anki(folder, package, args.notes, args.runs)
        if not args.skip_history:
            bench_history(folder, args.reviews, args.runs)


if __name__ == "__main__":
    main()
