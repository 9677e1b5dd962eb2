"""Store benchmark: deck sync, answering a card, the next card, the queue, memory.

Builds a synthetic collection (default 100,000 cards and 1,000,000 review-log
rows) in a temporary database and prints, as median and p99 over many runs:

- sync of a 100,000-card deck into an empty store (YAML parsing measured
  apart; the total adds it), and a re-sync of the unchanged deck;
- recording one review with its commit (``StudySession.answer`` and
  ``record_review`` by id), on the collection with its 1,000,000-row log;
- fetching the next card of the session queue (``StudySession.next_card``);
- building the queue of 100,000 due cards (``StudySession(...)``, which
  reads reviews a page at a time) and planning all of them at once
  (``plan_today``, as ``flashdl due`` does);
- peak memory (max RSS of this process).

Run: ``python benchmarks/bench_store.py`` (``--quick`` for a small run,
``--json`` for machine-readable figures). Where the ``anki`` package is
installed in a separate interpreter (``--anki-python PATH``, never in
flashdl's own environment), the same work is run on Anki's backend and the
ratios are printed.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flashdl.deck import dump_deck, parse_deck  # noqa: E402
from flashdl.deck.model import Card, Deck  # noqa: E402
from flashdl.services.deck_sync import sync_decks  # noqa: E402
from flashdl.services.reviews import record_review  # noqa: E402
from flashdl.services.study import StudySession, plan_today  # noqa: E402
from flashdl.store import open_store  # noqa: E402

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
TODAY = date(2024, 6, 1)
TARGETS = {
    "review median ms": 0.15,
    "review p99 ms": 1.0,
    "next card median ms": 0.1,
    "peak memory MB": 200,
    "sync s": 1.0,
}
ANKI_SCRIPT = Path(__file__).with_name("anki_reference.py")


def summary(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return {"median_ms": statistics.median(ordered) * 1e3, "p99_ms": p99 * 1e3, "runs": len(ordered)}


def synthetic_deck(count: int) -> Deck:
    rng = random.Random(1)
    cards = tuple(
        Card(
            id=f"{i:06d}",
            front=f"Input {rng.randint(8, 64)}x{rng.randint(8, 64)}, kernel {rng.choice((3, 5, 7))}, "
                  f"stride {rng.randint(1, 3)}: output size? (card {i})",
            back=f"{rng.randint(1, 60)} x {rng.randint(1, 60)}",
            tags=("conv", f"t{i % 50}"),
        )
        for i in range(count)
    )
    return Deck(id="synthetic", name="Synthetic", cards=cards)


def bench_parse(count: int) -> dict[str, float]:
    """The lead's YAML parse of the same deck (reported apart: not the store's work)."""
    text = dump_deck(synthetic_deck(count))
    start = time.perf_counter()
    parse_deck(text, "synthetic.yaml")
    return {"parse_s": time.perf_counter() - start}


def bench_sync(db: Path, count: int) -> dict[str, float]:
    deck = synthetic_deck(count)
    with open_store(db) as store:
        start, cpu = time.perf_counter(), time.process_time()
        sync_decks(store, [(deck, "synthetic.yaml")], NOW)
        sync_s = time.perf_counter() - start
        sync_cpu_s = time.process_time() - cpu
        start = time.perf_counter()
        sync_decks(store, [(deck, "synthetic.yaml")], NOW)
        resync_s = time.perf_counter() - start
    return {"sync_s": sync_s, "sync_cpu_s": sync_cpu_s, "resync_s": resync_s}


def fill_history(db: Path, reviews: int) -> None:
    """1,000,000 log rows and SM-2 states that leave every card due today or overdue."""
    rng = random.Random(2)
    with open_store(db) as store, store.write():
        raw = store.dbapi
        card_ids = [row[0] for row in raw.execute("SELECT id FROM card ORDER BY id")]
        per_card = max(1, reviews // len(card_ids))
        states, rows = [], []
        base_ms = int(NOW.timestamp() * 1000)
        for card_id in card_ids:
            interval = rng.choice((1, 6, 15, 38, 95))
            due = TODAY - timedelta(days=rng.randint(0, 30))
            last = due - timedelta(days=interval)
            ease = rng.randrange(1300, 3000, 20)
            states.append((per_card, ease, interval, due.isoformat(), last.isoformat(), card_id))
            for k in range(per_card):
                day = (last - timedelta(days=(per_card - k) * 3)).isoformat()
                grade = rng.randint(0, 5)
                rows.append((card_id, base_ms - (per_card - k) * 86_400_000, day, grade,
                             1 if grade < 3 else grade - 1, 1, k, k + 1, ease, ease, interval,
                             interval, None, None, None, 0, rng.randint(1000, 20000)))
            if len(rows) >= 200_000:
                _insert_log(raw, rows)
                rows.clear()
        _insert_log(raw, rows)
        raw.executemany(
            "UPDATE card SET repetitions = ?, ease = ?, interval = ?, due = ?, last_review = ? "
            "WHERE id = ?", states)
    with open_store(db) as store:
        store.dbapi.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _insert_log(raw: object, rows: list[tuple[object, ...]]) -> None:
    raw.executemany(  # type: ignore[attr-defined]
        "INSERT INTO review_log (card_id, reviewed_ms, study_day, grade, rating, kind, "
        "repetitions_before, repetitions_after, ease_before, ease_after, interval_before, "
        "interval_after, due_before, due_after, last_review_before, pending_before, duration_ms) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def bench_study(db: Path, answers: int, queue_runs: int) -> dict[str, object]:
    rng = random.Random(3)
    with open_store(db) as store:
        queue_times, queue_cpu = [], []
        for _ in range(queue_runs):
            start, cpu = time.perf_counter(), time.thread_time()
            session = StudySession(store, NOW)
            queue_times.append(time.perf_counter() - start)
            queue_cpu.append(time.thread_time() - cpu)
        queued = session.counts().total
        full_plan = []
        for _ in range(max(1, queue_runs // 2)):  # every due card at once, as `flashdl due` lists them
            start = time.perf_counter()
            plan_today(store, NOW, None)
            full_plan.append(time.perf_counter() - start)
        gc.collect()
        gc.freeze()  # the 100,000-entry queue is long-lived: keep it out of GC scans
        next_times, answer_times, answer_cpu = [], [], []
        now = NOW
        for _ in range(answers):
            start = time.perf_counter()
            card = session.next_card()
            middle = time.perf_counter()
            assert card is not None
            cpu = time.thread_time()
            session.answer(card.id, rng.choice((2, 3, 4, 4, 5, 5)), now, duration_ms=4000,
                           expected_revision=card.revision)
            answer_cpu.append(time.thread_time() - cpu)
            answer_times.append(time.perf_counter() - middle)
            next_times.append(middle - start)
            now += timedelta(milliseconds=5)
        direct_times = []
        ids = [e.card_id for e in list(session.queued())[:answers]]
        for card_id in ids:
            start = time.perf_counter()
            record_review(store, card_id, 4, now, rollover_hour=4)
            direct_times.append(time.perf_counter() - start)
        gc.unfreeze()
        with store.read() as conn:
            log_rows = conn.sql.exec_driver_sql("SELECT count(*) FROM review_log").scalar_one()
    return {
        "queue_build": summary(queue_times),
        "queue_build_cpu": summary(queue_cpu),
        "full_plan": summary(full_plan),
        "answer_cpu": summary(answer_cpu),
        "queued_cards": queued,
        "next_card": summary(next_times),
        "answer": summary(answer_times),
        "record_review": summary(direct_times),
        "log_rows": log_rows,
    }


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_anki(python: str, cards: int, answers: int) -> dict[str, object] | None:
    result = subprocess.run(
        [python, str(ANKI_SCRIPT), "--cards", str(cards), "--answers", str(answers)],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        print(f"anki reference failed: {result.stderr.strip()[-500:]}")
        return None
    return json.loads(result.stdout.strip().splitlines()[-1])


PHASES = ("parse", "sync", "history", "study")


def run_phase(phase: str, args: argparse.Namespace, db: Path) -> dict[str, object]:
    """One phase in this process; returns its figures and this process's peak memory."""
    if phase == "parse":
        figures: dict[str, object] = dict(bench_parse(args.cards))
    elif phase == "sync":
        figures = dict(bench_sync(db, args.cards))
    elif phase == "history":
        start = time.perf_counter()
        fill_history(db, args.reviews)
        figures = {"history_fill_s": time.perf_counter() - start}
    else:
        figures = bench_study(db, args.answers, args.queue_runs)
    figures["peak_memory_mb"] = peak_memory_mb()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--answers", type=int, default=5_000)
    parser.add_argument("--queue-runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="10,000 cards, 100,000 log rows")
    parser.add_argument("--anki-python", metavar="PATH",
                        help="an interpreter with the anki package, for the reference run")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.cards, args.reviews, args.answers = 10_000, 100_000, 2_000
    if args.phase:  # a child run: one phase, figures as JSON
        print(json.dumps(run_phase(args.phase, args, Path(args.db))))
        return 0
    figures: dict[str, object] = {"synchronous": "NORMAL (WAL)"}
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.sqlite3"
        for phase in PHASES:  # each in a fresh process, so peak memory is the phase's own
            child = subprocess.run(
                [sys.executable, __file__, "--phase", phase, "--db", str(db),
                 "--cards", str(args.cards), "--reviews", str(args.reviews),
                 "--answers", str(args.answers), "--queue-runs", str(args.queue_runs)],
                capture_output=True, text=True, check=True,
            )
            figures[phase] = json.loads(child.stdout.strip().splitlines()[-1])
    figures["cards"] = args.cards
    figures["anki"] = run_anki(args.anki_python, args.cards, args.answers) if args.anki_python else None
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        report(figures)
    return 0


def report(f: dict[str, Any]) -> None:
    parse, sync, history, study = f["parse"], f["sync"], f["history"], f["study"]
    answer, nxt, queue, direct = study["answer"], study["next_card"], study["queue_build"], study["record_review"]
    print(f"flashdl store benchmark: {f['cards']:,} cards, {study['log_rows']:,} review-log rows, "
          f"synchronous={f['synchronous']}, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"  deck sync into empty store {sync['sync_s']:.2f} s   (CPU {sync['sync_cpu_s']:.2f} s; "
          f"target ~{TARGETS['sync s']:.0f} s; peak memory {sync['peak_memory_mb']:.0f} MB)")
    print(f"  YAML parse (lead's part)   {parse['parse_s']:.2f} s   total import "
          f"{parse['parse_s'] + sync['sync_s']:.2f} s (parse peak memory {parse['peak_memory_mb']:.0f} MB)")
    print(f"  re-sync, deck unchanged    {sync['resync_s']:.2f} s")
    print(f"  history fill (setup only)  {history['history_fill_s']:.1f} s")
    print(f"  queue build                median {queue['median_ms']:.1f} ms, p99 {queue['p99_ms']:.1f} ms "
          f"({study['queued_cards']:,} cards in the queue; CPU median "
          f"{study['queue_build_cpu']['median_ms']:.1f} ms)")
    print(f"  all due cards planned      median {study['full_plan']['median_ms']:.0f} ms "
          f"(what `flashdl due` without --limit reads; a session reads them a page at a time)")
    print(f"  next card                  median {nxt['median_ms']:.4f} ms  p99 {nxt['p99_ms']:.4f} ms"
          f"  (target median <= {TARGETS['next card median ms']} ms)")
    print(f"  answer (session, commit)   median {answer['median_ms']:.4f} ms  p99 {answer['p99_ms']:.4f} ms"
          f"  (targets <= {TARGETS['review median ms']} / {TARGETS['review p99 ms']} ms)")
    print(f"  answer, CPU time only      median {study['answer_cpu']['median_ms']:.4f} ms  "
          f"p99 {study['answer_cpu']['p99_ms']:.4f} ms  (what the p99 is without other processes)")
    print(f"  record_review by id        median {direct['median_ms']:.4f} ms  p99 {direct['p99_ms']:.4f} ms")
    print(f"  peak memory, study phase   {study['peak_memory_mb']:.0f} MB  "
          f"(target < {TARGETS['peak memory MB']} MB)")
    anki = f.get("anki")
    if not anki:
        print("  anki reference: not run (pass --anki-python with an interpreter that has the "
              "anki package, e.g. a venv made by: python -m venv /tmp/anki-venv && "
              "/tmp/anki-venv/bin/pip install anki)")
        return
    total = parse["parse_s"] + sync["sync_s"]
    print(f"  anki {anki['version']} backend: import of a {f['cards']:,}-line TSV {anki['import_s']:.2f} s, "
          f"answer median {anki['answer']['median_ms']:.3f} ms p99 {anki['answer']['p99_ms']:.3f} ms, "
          f"next card median {anki['next_card']['median_ms']:.4f} ms, queue {anki['queue_ms']:.0f} ms, "
          f"peak memory {anki['peak_memory_mb']:.0f} MB")
    print(f"  ratio flashdl/anki: import {total / anki['import_s']:.2f} (sync alone "
          f"{sync['sync_s'] / anki['import_s']:.2f}), answer median "
          f"{answer['median_ms'] / anki['answer']['median_ms']:.2f}, p99 "
          f"{answer['p99_ms'] / anki['answer']['p99_ms']:.2f}, next card "
          f"{nxt['median_ms'] / anki['next_card']['median_ms']:.2f}, queue "
          f"{queue['median_ms'] / anki['queue_ms']:.2f}")


if __name__ == "__main__":
    sys.exit(main())
