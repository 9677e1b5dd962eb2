"""Statistics benchmark: ``flashdl stats`` on 100,000 cards and 1,100,000 review-log rows.

Builds a synthetic collection (SM-2 histories over about three years, with
same-day drills, lapses, suspended and computed cards; rows inserted
directly with ``executemany``) in a temporary database, then reports:

- the statistics in-process (``collection_stats``, the figures of
  ``stats --json``; target < 0.25 s), also with the screen's year heat-map
  and for one deck;
- ``flashdl stats --json`` as a whole process (target < 0.5 s);
- the statistics screen drawn through ``App.run_test()`` (target < 1 s).

Anki 26.9's backend computes its statistics graphs for the same collection
size in 0.375 s on this machine. With ``--anki-python PATH`` (an interpreter
with the ``anki`` package, kept in a separate venv: ``python -m venv
/tmp/anki-venv && /tmp/anki-venv/bin/pip install anki``) the same synthetic
history is written into an Anki collection and Anki's graphs
(``backend.graphs(search="", days=365)``) are timed, and the ratio printed.

Run: ``python benchmarks/bench_stats.py`` (``--quick`` for 10,000 cards and
110,000 rows, ``--json`` for machine-readable figures).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = {"in_process_s": 0.25, "whole_process_s": 0.5, "screen_s": 1.0}
ANKI_GRAPHS_S = 0.375  # Anki 26.9, same size, measured on this machine
FAMILIES = ("conv2d_output_size", "conv2d_param_count", "maxpool2d_forward", "dropout")
DECKS = ("lectures", "quiz")
ROLLOVER_HOUR = 4
GRADES = (0, 1, 2, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 4, 5, 4, 3, 5, 4, 2, 5, 4, 4, 5, 5)


@dataclass(frozen=True)
class LogRow:
    card: int  # card index
    day: int  # study day, as an offset from today (<= 0)
    second: int  # seconds after the day's start
    grade: int
    kind: int  # 0 new, 1 review, 2 drill
    reps_before: int
    reps_after: int
    ease_before: int
    ease_after: int
    interval_before: int
    interval_after: int
    duration_ms: int
    answer_correct: bool | None


@dataclass(frozen=True)
class CardEnd:
    reps: int
    ease: int
    interval: int
    due: int | None  # offset from today; None: new
    last: int | None
    pending: bool
    suspended: bool
    family: str | None
    lapses: int


def synthetic_history(cards: int, rows: int, seed: int = 7) -> tuple[list[CardEnd], Iterator[LogRow]]:
    """A deterministic collection: every card's final state, and its log rows in time order
    per card. SM-2 as DESIGN §4 (integers, per-mille EF); the same in both processes."""
    rng = random.Random(seed)
    ends: list[CardEnd] = []
    logs: list[LogRow] = []
    for index in range(cards):
        family = FAMILIES[index % len(FAMILIES)] if index % 20 == 0 else None
        suspended = index % 97 == 0
        if len(logs) >= rows:
            ends.append(CardEnd(0, 2500, 0, None, None, False, suspended, family, 0))
            continue
        reps, ease, interval, lapses = 0, 2500, 0, 0
        day = -rng.randint(5, 1100)
        last: int | None = None
        pending = False
        for _ in range(rng.randint(1, 21)):
            if day > 0 or len(logs) >= rows:
                break
            grade = rng.choice(GRADES)
            second = rng.randint(0, 18 * 3600)
            kind = 0 if last is None else 1
            if grade < 3:
                new_reps, new_interval = 0, 1
                lapses += kind == 1
            elif reps == 0:
                new_reps, new_interval = 1, 1
            elif reps == 1:
                new_reps, new_interval = 2, 6
            else:
                new_reps, new_interval = reps + 1, -(-interval * ease // 1000)
            miss = 5 - grade
            new_ease = max(1300, ease + 100 - miss * (80 + miss * 20))
            logs.append(LogRow(index, day, second, grade, kind, reps, new_reps, ease, new_ease,
                               interval, new_interval, rng.randint(1500, 40000),
                               (grade >= 3) if family else None))
            reps, ease, interval, last = new_reps, new_ease, new_interval, day
            pending = grade < 4
            drill = 0
            while pending and drill < 2 and len(logs) < rows:
                drill += 1
                again = rng.choice((2, 4, 4, 5))
                second += rng.randint(60, 900)
                logs.append(LogRow(index, day, second, again, 2, reps, reps, ease, ease,
                                   interval, interval, rng.randint(1500, 20000),
                                   (again >= 3) if family else None))
                pending = again < 4
            if pending and day < 0:
                pending = False  # left pending on an earlier day: no longer a same-day repeat
            day += interval + rng.choice((0, 0, 0, 1, 2, 5))
        if last is None:  # the row budget ran out before its first review
            ends.append(CardEnd(0, 2500, 0, None, None, False, suspended, family, 0))
        else:
            ends.append(CardEnd(reps, ease, interval, last + interval, last, pending, suspended,
                                family, lapses))
    return ends, iter(logs)


def today_and_start() -> tuple[date, datetime]:
    """The current study day (local time) and its first moment."""
    now = datetime.now().astimezone()
    today = (now - timedelta(hours=ROLLOVER_HOUR)).date()
    start = datetime(today.year, today.month, today.day, ROLLOVER_HOUR, tzinfo=now.tzinfo)
    return today, start


# ----------------------------------------------------------------- flashdl side


def build_flashdl(db: Path, cards: int, rows: int) -> dict[str, float]:
    from flashdl.store import open_store

    started = time.perf_counter()
    ends, logs = synthetic_history(cards, rows)
    today, day_start = today_and_start()
    base_ms = int(day_start.timestamp() * 1000)
    with open_store(db) as store, store.write():
        raw = store.dbapi
        for slug in DECKS:
            raw.execute("INSERT INTO deck (slug, name, tags, created_ms, modified_ms) "
                        "VALUES (?, ?, '[]', 0, 0)", (slug, slug.title()))
        deck_ids = dict(raw.execute("SELECT slug, id FROM deck"))
        raw.executemany(
            "INSERT INTO card (id, deck_id, slug, position, front, back, tags, engine, retired, "
            "created_ms, modified_ms, repetitions, ease, interval, due, last_review, "
            "repeat_pending, suspended, revision) "
            "VALUES (?, ?, ?, ?, ?, ?, '[]', ?, 0, 0, 0, ?, ?, ?, ?, ?, ?, ?, 0)",
            (
                (i + 1, deck_ids[DECKS[i % 2]], f"{i:06d}", i, f"front {i}", f"back {i}",
                 None if e.family is None else json.dumps({"family": e.family, "params": {}}),
                 e.reps, e.ease, e.interval, _iso(today, e.due), _iso(today, e.last),
                 int(e.pending), int(e.suspended))
                for i, e in enumerate(ends)
            ),
        )
        raw.executemany(
            "INSERT INTO review_log (card_id, reviewed_ms, study_day, grade, rating, kind, "
            "repetitions_before, repetitions_after, ease_before, ease_after, interval_before, "
            "interval_after, pending_before, duration_ms, answer_correct) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
            (
                (r.card + 1, base_ms + r.day * 86_400_000 + r.second * 1000,
                 (today + timedelta(days=r.day)).isoformat(), r.grade,
                 1 if r.grade < 3 else r.grade - 1, r.kind, r.reps_before, r.reps_after,
                 r.ease_before, r.ease_after, r.interval_before, r.interval_after,
                 r.duration_ms, None if r.answer_correct is None else int(r.answer_correct))
                for r in logs
            ),
        )
    with open_store(db) as store:
        raw = store.dbapi
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # no ANALYZE: users' databases have none
        count = raw.execute("SELECT count(*) FROM review_log").fetchone()[0]
    return {"build_s": time.perf_counter() - started, "log_rows": count}


def _log_rows(db: Path) -> int:
    import sqlite3

    with closing(sqlite3.connect(db)) as raw:
        return int(raw.execute("SELECT count(*) FROM review_log").fetchone()[0])


def _iso(today: date, offset: int | None) -> str | None:
    return None if offset is None else (today + timedelta(days=offset)).isoformat()


def bench_in_process(db: Path, runs: int) -> dict[str, Any]:
    from flashdl.services.stats import collection_stats
    from flashdl.store import open_store

    figures: dict[str, Any] = {}
    with open_store(db) as store:
        now = datetime.now().astimezone()
        for name, options in (
            ("in_process", {}),
            ("with_heat_map", {"calendar_days": 371}),
            ("one_deck", {"deck": DECKS[1]}),
        ):
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                report = collection_stats(store, now, **options)  # type: ignore[arg-type]
                times.append(time.perf_counter() - start)
            figures[name] = {"first_s": times[0], "median_s": statistics.median(times)}
        figures["cards"] = report.cards.total
        figures["reviews_30_days"] = sum(d.count for d in report.reviews_by_day)
    return figures


def bench_whole_process(db: Path, runs: int) -> dict[str, Any]:
    """Wall time of ``flashdl stats --json``, and its CPU time (user + system), which a busy
    machine (other processes on its two cores) inflates less than the wall time."""
    times, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "flashdl.cli", "stats", "--json", "--db", str(db)],
            capture_output=True, text=True, cwd=ROOT, check=True,
        )
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    assert set(json.loads(result.stdout)) >= {"cards", "forecast"}
    return {"median_s": statistics.median(times), "min_s": min(times),
            "cpu_median_s": statistics.median(cpu)}


def bench_screen(db: Path, runs: int) -> dict[str, Any]:
    from textual.app import App

    from flashdl.clock import SystemClock
    from flashdl.services.stats import StatsService
    from flashdl.store import open_store
    from flashdl.tui.screens.stats import StatsScreen

    class StatsApp(App[None]):
        def __init__(self, service: StatsService) -> None:
            super().__init__()
            self.service = service

    async def draw(service: StatsService) -> float:
        app = StatsApp(service)
        async with app.run_test(size=(80, 24)) as pilot:
            start = time.perf_counter()
            screen = StatsScreen(service)
            await app.push_screen(screen)
            while screen.report is None:
                await pilot.pause(0.005)
            await pilot.pause()  # the frame with the figures
            return time.perf_counter() - start

    with open_store(db) as store:
        service = StatsService(store, SystemClock())
        times = [asyncio.run(draw(service)) for _ in range(runs)]
    return {"first_s": times[0], "median_s": statistics.median(times)}


# -------------------------------------------------------------------- anki side


def anki_child(cards: int, rows: int) -> None:
    """Run by an interpreter with ``anki``: the same history in a collection, graphs timed.

    Anki makes the collection; the rows go in with the sqlite3 module in one
    transaction (Anki's own DB proxy takes minutes for a million rows), then
    Anki opens it again and computes its graphs.
    """
    import sqlite3

    # isort: off
    from anki.collection import Collection  # first: anki's import cycle
    from anki import buildinfo
    # isort: on

    ends, logs = synthetic_history(cards, rows)
    _today, day_start = today_and_start()
    base_ms = int(day_start.timestamp() * 1000)
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "collection.anki2")
        col = Collection(path)
        model_id = col.models.by_name("Basic")["id"]
        today_index = col.sched.today
        col.close()
        started = time.perf_counter()
        db = sqlite3.connect(path)
        db.create_collation("unicase", lambda a, b: (a.lower() > b.lower()) - (a.lower() < b.lower()))
        db.executemany(
            "INSERT INTO notes (id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data) "
            "VALUES (?, ?, ?, 0, -1, '', ?, ?, 0, 0, '')",
            ((i + 1, f"g{i}", model_id, f"front {i}\x1fback {i}", f"front {i}")
             for i in range(cards)),
        )
        db.executemany(
            "INSERT INTO cards (id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps, "
            "lapses, left, odue, odid, flags, data) "
            "VALUES (?, ?, 1, 0, 0, -1, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, '')",
            (
                (i + 1, i + 1, 0 if e.due is None else 2,
                 -1 if e.suspended else (0 if e.due is None else 2),
                 i if e.due is None else today_index + e.due,
                 e.interval, 0 if e.due is None else e.ease, e.reps, e.lapses)
                for i, e in enumerate(ends)
            ),
        )
        seen: set[int] = set()

        def revlog() -> Iterator[tuple[int, ...]]:
            for r in logs:
                ms = base_ms + r.day * 86_400_000 + r.second * 1000
                while ms in seen:
                    ms += 1
                seen.add(ms)
                yield (ms, r.card + 1, 1 if r.grade < 3 else r.grade - 1, r.interval_after,
                       r.interval_before, r.ease_after, r.duration_ms, r.kind)  # type 0/1/2

        db.executemany(
            "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
            "VALUES (?, ?, -1, ?, ?, ?, ?, ?, ?)", revlog())
        db.commit()
        db.close()
        build_s = time.perf_counter() - started
        col = Collection(path)
        times = []
        for _ in range(5):
            start = time.perf_counter()
            col._backend.graphs(search="", days=365)
            times.append(time.perf_counter() - start)
        count = col.db.scalar("SELECT count(*) FROM revlog")
        review_cards = col.db.scalar("SELECT count(*) FROM cards WHERE type = 2")
        col.close()
    print(json.dumps({"version": buildinfo.version, "build_s": build_s, "log_rows": count,
                      "review_cards": review_cards, "graphs_first_s": times[0],
                      "graphs_median_s": statistics.median(times)}))


def run_anki(python: str, cards: int, rows: int) -> dict[str, Any] | str:
    result = subprocess.run(
        [python, __file__, "--anki-child", "--cards", str(cards), "--reviews", str(rows)],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        return f"the anki run failed: {result.stderr.strip()[-400:]}"
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def find_anki(python: str | None) -> str | None:
    candidates = [python] if python else [sys.executable, "/tmp/anki-venv/bin/python",
                                          "/tmp/ankivenv/bin/python"]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            probe = subprocess.run([candidate, "-c", "import anki.collection"],
                                   capture_output=True)
            if probe.returncode == 0:
                return candidate
    return None


# ------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="10,000 cards, 110,000 log rows")
    parser.add_argument("--anki-python", metavar="PATH",
                        help="an interpreter with the anki package (default: look for one)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--db", metavar="PATH",
                        help="keep the synthetic database here (built if missing, else reused)")
    parser.add_argument("--anki-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.cards, args.reviews = 10_000, 110_000
    if args.anki_child:
        anki_child(args.cards, args.reviews)
        return 0
    figures: dict[str, Any] = {"cards": args.cards}
    with tempfile.TemporaryDirectory() as folder:
        db = Path(args.db) if args.db else Path(folder) / "bench.sqlite3"
        if db.exists():
            figures["build"] = {"build_s": 0.0, "log_rows": _log_rows(db)}
        else:
            figures["build"] = build_flashdl(db, args.cards, args.reviews)
        figures["stats"] = bench_in_process(db, args.runs)
        figures["whole_process"] = bench_whole_process(db, args.runs)
        figures["screen"] = bench_screen(db, max(2, args.runs // 2))
    anki_python = find_anki(args.anki_python)
    figures["anki"] = (run_anki(anki_python, args.cards, args.reviews) if anki_python else
                       "not run: no interpreter with the anki package (pip install anki in a "
                       "separate venv, then pass --anki-python PATH)")
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        report(figures)
    return 0


def report(f: dict[str, Any]) -> None:
    build, stats = f["build"], f["stats"]
    print(f"flashdl stats: {f['cards']:,} cards, {build['log_rows']:,} review-log rows "
          f"(built in {build['build_s']:.1f} s)")
    rows = [
        ("statistics in-process (stats --json figures)", stats["in_process"], "in_process_s"),
        ("  with the year heat-map (screen)", stats["with_heat_map"], None),
        ("  one deck", stats["one_deck"], None),
        ("flashdl stats --json, whole process", f["whole_process"], "whole_process_s"),
        ("statistics screen drawn (run_test, 80x24)", f["screen"], "screen_s"),
    ]
    for label, figure, target in rows:
        verdict = ""
        if target:
            ok = figure["median_s"] < TARGETS[target]
            verdict = f"  target < {TARGETS[target]} s: {'met' if ok else 'MISSED'}"
        print(f"  {label:<46} median {figure['median_s']:.3f} s{verdict}")
        if "cpu_median_s" in figure:
            print(f"  {'':<46} (CPU {figure['cpu_median_s']:.3f} s, fastest run "
                  f"{figure['min_s']:.3f} s)")
    anki = f["anki"]
    if isinstance(anki, str):
        print(f"  anki reference: {anki}")
        print(f"  ratio to Anki 26.9's stated {ANKI_GRAPHS_S} s: "
              f"{stats['in_process']['median_s'] / ANKI_GRAPHS_S:.2f}")
        return
    print(f"  anki {anki['version']} graphs (backend.graphs, 365 days) on the same history "
          f"({anki['log_rows']:,} rows): median {anki['graphs_median_s']:.3f} s")
    print(f"  ratio flashdl/anki: {stats['in_process']['median_s'] / anki['graphs_median_s']:.2f} "
          f"(with the heat-map {stats['with_heat_map']['median_s'] / anki['graphs_median_s']:.2f})")


if __name__ == "__main__":
    sys.exit(main())
