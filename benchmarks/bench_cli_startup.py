"""flashdl's commands as whole processes, each against `flashdl --help` in the same run (issue 17).

Usage: python benchmarks/bench_cli_startup.py [--runs N] [--cards N] [--quick] [--anki-python PATH]

- Start-up: `python -c pass` and `flashdl --help` (target: help < 0.15 s).
- The read commands (`decks`, `due`, `show`, `stats`, `check` of one deck,
  `engine`) and `review --card` on the bundled collection and on a synthetic
  one of `--cards` cards (default 100,000, every card due, two log rows each;
  there `due` and `due --json` list every card):
  wall time of N runs, interleaved with `--help` round by round so a loaded
  machine slows both alike; median, ratio to the median of `--help`, and
  the peak memory (max RSS) of each process (targets: 2.5x / 4x `--help`,
  40 MB for a read command). For the full `due` listing, a floor: a bare
  sqlite3 loop printing the same bytes (``bare_due_listing.py``).
- `review --batch`: the marginal cost of one more line, (t(3000 lines) -
  t(500 lines)) / 2500, each review committed before its `--json` line,
  against the in-process `record_review` of the same reviews on the same
  collection (target: at most 2x). With `--anki-python`, Anki's
  queue-and-answer (`anki_reference.py`, on as many cards) for comparison.

Runs the `flashdl` console script installed beside this interpreter (not a
PATH shim such as pyenv's, which adds its own start-up), else
`python -m flashdl.cli`; the checkout this file is in comes first on
PYTHONPATH, so the code measured is this checkout's. Run it with the
interpreter of a regular install (`pip install '.[test]'`): an editable
install's import hook slows every start, `--help` included, and flatters every
ratio (the script warns). Each command runs once
uncounted first, and with bytecode caches allowed, as in an installation.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

READ_TARGET_BUNDLED = 2.5
READ_TARGET_LARGE = 4.0
REVIEW_TARGET = 4.0
MEMORY_TARGET_MB = 40
BATCH_TARGET = 2.0
BATCH_SIZES = (500, 3000)
NOW = "2024-06-01T12:00:00+00:00"  # bench_store's NOW: every synthetic card is due


def editable_finders() -> list[str]:
    """The editable-install hooks of this interpreter's environment (``pip install -e``).

    Such a hook is imported at every start of every process (``site``), ``--help`` included,
    and imports ``pathlib``, ``fnmatch`` and ``urllib`` for its own use: ~9 ms (measured
    2026-12-04) that make ``--help`` slower and every ratio to it smaller than in an
    installation made with ``pip install .``. The README's figures come from a regular install.
    """
    import sysconfig

    folder = Path(sysconfig.get_paths()["purelib"])
    return sorted(p.name for p in folder.glob("__editable__*") if p.suffix in (".pth", ".py"))


def flashdl_argv() -> list[str]:
    beside = Path(sys.executable).parent / "flashdl"
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "flashdl.cli"]


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env.pop("FLASHDL_DB", None)
    # As installed: modules load from their bytecode cache (an environment that forbids writing
    # it would compile every flashdl module at every start); the first round writes it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_once(argv: list[str], env: dict[str, str], stdin: bytes | None = None) -> tuple[float, float]:
    """Wall seconds and peak memory (MB, max RSS) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if stdin is not None:
        assert proc.stdin is not None
        proc.stdin.write(stdin)
        proc.stdin.close()
    assert proc.stderr is not None
    err = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}): {err.decode()[-400:]}")
    return elapsed, usage.ru_maxrss / 1024


def timed_rounds(commands: dict[str, list[str]], runs: int, env: dict[str, str]) -> dict[str, dict[str, float]]:
    """Every command once per round (``--help`` among them), ``runs`` rounds; median and peak memory."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    memory: dict[str, float] = dict.fromkeys(commands, 0.0)
    for argv in commands.values():  # a warm-up round, not counted: bytecode caches, the OS's file cache
        run_once(argv, env)
    for _ in range(runs):
        for name, argv in commands.items():
            seconds, mb = run_once(argv, env)
            times[name].append(seconds)
            memory[name] = max(memory[name], mb)
    return {name: {"median_s": statistics.median(t), "best_s": min(t), "peak_mb": memory[name]}
            for name, t in times.items()}


def build_bundled(db: Path, env: dict[str, str]) -> None:
    subprocess.run([*flashdl_argv(), "--db", str(db), "import", "--bundled"], env=env, check=True,
                   capture_output=True)


def build_large(db: Path, cards: int, env: dict[str, str]) -> None:
    """``cards`` cards in one deck, every one due on NOW's day, two log rows each (bench_store's data).

    In a child process, as everything heavy here: a process started by this one reports at least
    this one's peak memory as its own (Linux copies the high-water mark at fork).
    """
    code = (f"import bench_store; from pathlib import Path; db = Path({str(db)!r}); "
            f"bench_store.bench_sync(db, {cards}); bench_store.fill_history(db, {2 * cards})")
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=Path(__file__).resolve().parent)


def command_set(db: Path, card: str, computed: str | None, deck_file: Path,
                family: str) -> dict[str, list[str]]:
    base = [*flashdl_argv(), "--db", str(db), "--now", NOW]
    commands = {
        "--help": [*flashdl_argv(), "--help"],
        "decks": [*base, "decks"],
        "decks --json": [*base, "decks", "--json"],
        "due --limit 20": [*base, "due", "--limit", "20"],
        "due --json": [*base, "due", "--json"],
        "show CARD": [*base, "show", card],
        "show CARD --json": [*base, "show", card, "--json"],
        "stats": [*base, "stats"],
        "stats --json": [*base, "stats", "--json"],
        "check DECK.yaml": [*base, "check", str(deck_file)],
        "engine families": [*base, "engine", "families"],
        f"engine generate {family}": [*base, "engine", "generate", family, "--seed", "1"],
        "engine generate conv2d_backward": [*base, "engine", "generate", "conv2d_backward", "--seed", "1"],
        "engine generate maxpool2d_backward": [*base, "engine", "generate", "maxpool2d_backward", "--seed", "1"],
        "review --card (writes)": [*base, "review", "--card", card, "--grade", "4"],
    }
    if computed is not None:
        commands["show COMPUTED"] = [*base, "show", computed]
    return commands


BARE = "bare sqlite3 loop printing due's lines"


def bare_listing(db: Path, due_argv: list[str], env: dict[str, str]) -> list[str]:
    """The command of ``bare_due_listing.py`` for ``db``, with the widths of `flashdl due`'s own
    table; checked to print the same bytes, so it is a floor for the same work. The check runs in
    a child (``bare_widths``): 10 MB of output read here would raise this process's peak memory,
    which every later child reports as its own (see ``build_large``)."""
    code = f"import bench_cli_startup as b; print(*b.bare_widths({str(db)!r}, {due_argv!r}))"
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parent)
    card_width, front_width = out.stdout.split()
    return [sys.executable, str(Path(__file__).with_name("bare_due_listing.py")), str(db), NOW[:10],
            card_width, front_width]


def bare_widths(db: str, due_argv: list[str]) -> tuple[int, int]:
    """The card and front widths of `flashdl due`'s table, once ``bare_due_listing.py`` is seen
    to print the same bytes with them (a child's work)."""
    out = subprocess.run(due_argv, check=True, capture_output=True).stdout
    dashes = out.split(b"\n", 2)[1].split(b"  ")
    widths = len(dashes[0]), len(dashes[-1])
    bare = [sys.executable, str(Path(__file__).with_name("bare_due_listing.py")), db, NOW[:10], *map(str, widths)]
    if subprocess.run(bare, check=True, capture_output=True).stdout != out:
        raise SystemExit("bare_due_listing.py does not print what `flashdl due` prints")
    return widths


def first_card(db: Path, env: dict[str, str], deck: str | None = None) -> str:
    argv = [*flashdl_argv(), "--db", str(db), "--now", NOW, "due", "--json", "--limit", "1"]
    out = subprocess.run(argv + ([deck] if deck else []), env=env, check=True, capture_output=True, text=True)
    return str(json.loads(out.stdout)[0]["card"])


def report_commands(label: str, figures: dict[str, dict[str, float]], target: float) -> None:
    help_s = figures["--help"]["median_s"]
    print(f"\n{label}: median of the runs, ratio to `flashdl --help` in the same rounds "
          f"(target <= {target}x for reads, <= {REVIEW_TARGET}x for review --card; memory < {MEMORY_TARGET_MB} MB)")
    for name, f in figures.items():
        ratio = f["median_s"] / help_s
        limit = REVIEW_TARGET if name.startswith("review") else target
        mark = "" if name == "--help" else ("  ok" if ratio <= limit else "  MISS")
        mem_mark = "" if name.startswith("review") or f["peak_mb"] < MEMORY_TARGET_MB else " (memory MISS)"
        print(f"  {name:<32} median {f['median_s'] * 1000:7.1f} ms  best {f['best_s'] * 1000:7.1f} ms  "
              f"{ratio:5.2f}x  peak {f['peak_mb']:5.1f} MB{mark}{mem_mark}")


def batch_lines(card_ids: list[str], count: int) -> bytes:
    from datetime import datetime

    start = datetime.fromisoformat(NOW)
    return "".join(
        json.dumps({"card": card, "grade": 4, "at": (start + timedelta(seconds=i)).isoformat()}) + "\n"
        for i, card in enumerate(card_ids[:count])
    ).encode()


def bench_batch(template: Path, folder: Path, runs: int, env: dict[str, str]) -> dict[str, float]:
    """Marginal cost of a `review --batch --json` line, and of record_review in-process, same reviews."""
    largest = max(BATCH_SIZES)
    out = subprocess.run([*flashdl_argv(), "--db", str(template), "--now", NOW, "due", "--json",
                          "--limit", str(largest)], env=env, check=True, capture_output=True, text=True)
    cards = [item["card"] for item in json.loads(out.stdout)]
    assert len(cards) == largest, "the collection has too few due cards for the batch"
    work = folder / "batch.sqlite3"
    per_size: dict[int, list[float]] = {size: [] for size in BATCH_SIZES}
    for _ in range(runs):
        for size in BATCH_SIZES:
            shutil.copyfile(template, work)
            seconds, _mb = run_once([*flashdl_argv(), "--db", str(work), "review", "--batch", "-", "--json"],
                                    env, stdin=batch_lines(cards, size))
            per_size[size].append(seconds)
    small, large = (statistics.median(per_size[size]) for size in BATCH_SIZES)
    marginal_ms = (large - small) / (BATCH_SIZES[1] - BATCH_SIZES[0]) * 1000
    code = f"import bench_cli_startup as b; print(b.record_review_ms({str(template)!r}, {str(work)!r}, {runs}))"
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True,
                         input=json.dumps(cards), cwd=Path(__file__).resolve().parent)
    direct_ms = float(out.stdout.strip().splitlines()[-1])
    return {"batch_small_s": small, "batch_large_s": large, "marginal_ms": marginal_ms,
            "record_review_ms": direct_ms}


def record_review_ms(template: str, work: str, runs: int) -> float:
    """Median ms per ``record_review`` in one process, the cards of stdin in order (a child's work)."""
    from datetime import datetime

    from flashdl.services.lookup import resolve_card
    from flashdl.services.reviews import record_review
    from flashdl.store import open_store

    cards = json.loads(sys.stdin.read())
    start_at = datetime.fromisoformat(NOW)
    per_review = []
    for _ in range(runs):
        shutil.copyfile(template, work)
        with open_store(work) as store:
            with store.read() as tx:
                ids = [resolve_card(tx, card) for card in cards]
            start = time.perf_counter()
            for i, card_id in enumerate(ids):
                record_review(store, card_id, 4, start_at + timedelta(seconds=i), rollover_hour=4)
            per_review.append((time.perf_counter() - start) / len(ids) * 1000)
    return statistics.median(per_review)


def run_anki(python: str, cards: int, answers: int) -> dict[str, object] | None:
    script = Path(__file__).with_name("anki_reference.py")
    result = subprocess.run([python, str(script), "--cards", str(cards), "--answers", str(answers)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        print(f"anki reference failed: {result.stderr.strip()[-500:]}")
        return None
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="3 runs, 10,000 cards")
    parser.add_argument("--skip-large", action="store_true", help="the bundled collection only")
    parser.add_argument("--anki-python", metavar="PATH", help="an interpreter with the anki package")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.cards = 3, 10_000
    env = child_env()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {args.runs} runs; "
          f"{' '.join(flashdl_argv())}")
    if hooks := editable_finders():
        print(f"WARNING: this environment has editable installs ({', '.join(hooks)}): every process starts "
              "~9 ms slower, --help included, so every ratio below is flattered; measure from a regular "
              "install (pip install '.[test]' in a fresh venv, as .ci/run does) for the README")
    startup = timed_rounds({"python -c pass": [sys.executable, "-c", "pass"],
                            "flashdl --help": [*flashdl_argv(), "--help"]}, args.runs, env)
    for name, f in startup.items():
        print(f"  {name:<16} best {f['best_s'] * 1000:6.1f} ms   median {f['median_s'] * 1000:6.1f} ms")
    bundled_decks = ROOT / "flashdl" / "bundled_decks"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bundled = folder / "bundled.sqlite3"
        build_bundled(bundled, env)
        commands = command_set(bundled, first_card(bundled, env, "quiz-2"),
                               first_card(bundled, env, "dl-exercises"), bundled_decks / "quiz-2.yaml",
                               "conv2d_output_size")
        report_commands("bundled collection", timed_rounds(commands, args.runs, env),
                        READ_TARGET_BUNDLED)
        if args.skip_large:
            return
        large = folder / "large.sqlite3"
        build_large(large, args.cards, env)
        commands = command_set(large, first_card(large, env), None, bundled_decks / "quiz-2.yaml",
                               "conv2d_output_size")
        listing = commands.pop("due --json")
        commands["due (every card due)"] = listing[:-1]
        commands["due --json (every card due)"] = listing
        commands[BARE] = bare_listing(large, listing[:-1], env)
        figures = timed_rounds(commands, args.runs, env)
        bare = figures.pop(BARE)
        report_commands(f"{args.cards:,}-card collection ({2 * args.cards:,} log rows, every card due)",
                        figures, READ_TARGET_LARGE)
        print(f"  floor: {BARE}, the same bytes: median {bare['median_s'] * 1000:.1f} ms, "
              f"{bare['median_s'] / figures['--help']['median_s']:.2f}x, peak {bare['peak_mb']:.1f} MB")
        batch = bench_batch(large, folder, max(3, args.runs // 2), env)
        ratio = batch["marginal_ms"] / batch["record_review_ms"]
        print(f"\nreview --batch --json on the {args.cards:,}-card collection: {BATCH_SIZES[0]} lines "
              f"{batch['batch_small_s']:.3f} s, {BATCH_SIZES[1]} lines {batch['batch_large_s']:.3f} s; "
              f"marginal {batch['marginal_ms']:.3f} ms per review against record_review in-process "
              f"{batch['record_review_ms']:.3f} ms: {ratio:.2f}x "
              f"({'ok' if ratio <= BATCH_TARGET else 'MISS'}, target <= {BATCH_TARGET}x)")
    if args.anki_python:
        anki = run_anki(args.anki_python, args.cards, BATCH_SIZES[1])
        if anki:
            answer, nxt = anki["answer"], anki["next_card"]
            total = answer["median_ms"] + nxt["median_ms"]  # type: ignore[index]
            print(f"anki {anki['version']}: queue-and-answer {total:.3f} ms per card (next card "
                  f"{nxt['median_ms']:.3f} + answer {answer['median_ms']:.3f} ms, medians)")  # type: ignore[index]


if __name__ == "__main__":
    main()
