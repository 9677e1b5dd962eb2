"""Terminal-UI benchmark: start-up and keypress latency, measured as a user sees them.

The real ``flashdl`` runs in an 80×24 pseudo-terminal; times are taken on
the bytes it writes, so they include Python start-up, imports, layout and
rendering:

- **first frame**: from spawning the process to the home screen's title and
  its footer keys on the terminal, against a minimal Textual app (one
  ``Static``) measured the same way on the same machine; and to the deck
  counts being shown (loaded by a worker thread after the first frame);
- **keypress latency** on a 100,000-card collection (10 decks, 20,000
  cards overdue): from writing a key to the first byte of the redraw it
  causes (``first``: in a study session that frame already holds the new
  card; Textual repaints the same cells once more after its layout pass)
  and to the end of the redraw (the last byte before 40 ms of quiet), with
  the CPU time the app's threads used, for moving in the deck table,
  starting a session over all decks, revealing, grading (a committed
  review and the next card), undoing, ending the session, returning home
  (counts reloaded), opening browse and typing a search.

flashdl's bytecode is compiled first (as an installed copy has it), and one
untimed start-up of each app warms the file cache.

Run: ``python benchmarks/bench_tui.py`` (``--cards N`` for another size,
``--runs N`` start-up runs, ``--json``). The collection is built once with
the services (about a minute) and kept at ``--db`` (default in /tmp).
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import fcntl
import json
import os
import random
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import textwrap
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOW = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
DECKS = 10
OVERDUE = 20_000
QUIET_S = 0.04
TIMEOUT_S = 60.0
TITLE = "flashdl · decks".encode()
FOOTER_KEYS = b"Study all"  # the home screen's footer: drawn with the title, not after it
COUNTS_SHOWN = (b"waiting", b"caught up")
MINIMAL_APP = textwrap.dedent(
    """
    from textual.app import App
    from textual.widgets import Static

    class Minimal(App):
        def compose(self):
            yield Static("minimal app ready")

    Minimal().run()
    """
)
WORDS = ("kernel", "stride", "padding", "pooling", "softmax", "gradient", "momentum", "dropout",
         "batch", "norm", "attention", "residual", "learning", "rate", "filter", "channel")


# --------------------------------------------------------------- the collection


def build_collection(db: Path, cards: int) -> None:
    """``cards`` cards in 10 decks; 20,000 of them reviewed 10 days ago, so overdue now."""
    from flashdl.deck.model import Card, Deck
    from flashdl.services.deck_sync import sync_decks
    from flashdl.services.reviews import record_review
    from flashdl.store import open_store

    rng = random.Random(5)
    per_deck = cards // DECKS
    decks = []
    for d in range(DECKS):
        deck_cards = tuple(
            Card(
                id=f"{i:06d}",
                front=f"{' '.join(rng.sample(WORDS, 4))}: what is $\\frac{{N+2P-F}}{{S}}+1$ "
                      f"for N={rng.randint(8, 64)}? (card {d}-{i})",
                back=f"{rng.randint(1, 60)}",
                tags=(rng.choice(WORDS),),
            )
            for i in range(per_deck)
        )
        decks.append((Deck(id=f"deck-{d:02d}", name=f"Synthetic deck {d:02d}", cards=deck_cards), None))
    started = time.perf_counter()
    with open_store(db) as store:
        sync_decks(store, decks, NOW - timedelta(days=30))
        past = NOW - timedelta(days=10)
        for n, card_id in enumerate(rng.sample(range(1, cards + 1), min(OVERDUE, cards))):
            record_review(store, card_id, 4, past + timedelta(milliseconds=n))
    print(f"built a {cards:,}-card collection in {time.perf_counter() - started:.0f} s: {db}")


# ------------------------------------------------------------------ the terminal


class Terminal:
    """A process on an 80×24 pseudo-terminal; every output chunk is timestamped."""

    def __init__(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        environment = {**os.environ, "TERM": "xterm-256color", **(env or {})}
        self.started = time.perf_counter()
        self.process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, cwd=ROOT,
                                        env=environment, start_new_session=True)
        os.close(slave)
        self.master = master
        self.chunks: list[tuple[float, bytes]] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self._lock:
                self.chunks.append((time.perf_counter(), chunk))

    def output_since(self, moment: float) -> bytes:
        with self._lock:
            return b"".join(chunk for at, chunk in self.chunks if at >= moment)

    def wait_for(self, marker: bytes | tuple[bytes, ...], since: float) -> float:
        """Seconds from ``since`` until the output after it holds ``marker``."""
        markers = marker if isinstance(marker, tuple) else (marker,)
        deadline = time.perf_counter() + TIMEOUT_S
        while time.perf_counter() < deadline:
            with self._lock:
                seen = b""
                for at, chunk in self.chunks:
                    if at < since:
                        continue
                    seen += chunk
                    if any(m in seen for m in markers):
                        return at - since
            time.sleep(0.002)
        raise TimeoutError(f"no {markers!r} on the terminal")

    def settle(self) -> None:
        """Wait until the app has been quiet for a while."""
        while True:
            time.sleep(QUIET_S)
            with self._lock:
                last = self.chunks[-1][0] if self.chunks else 0.0
            if time.perf_counter() - last >= QUIET_S * 3:
                return

    def cpu_seconds(self) -> float:
        """CPU time the app's threads have used so far (Linux schedstat, nanoseconds)."""
        total = 0
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            with contextlib.suppress(OSError, ValueError, IndexError):  # the thread has ended
                total += int((task / "schedstat").read_text().split()[0])
        return total / 1e9

    def press(self, key: str) -> tuple[float, float, float]:
        """Send ``key``; seconds until the redraw it causes starts and is complete, CPU seconds used."""
        self.settle()
        cpu = self.cpu_seconds()
        sent = time.perf_counter()
        os.write(self.master, key.encode())
        deadline = sent + TIMEOUT_S
        while time.perf_counter() < deadline:
            time.sleep(0.002)
            with self._lock:
                after = [at for at, _ in self.chunks if at >= sent]
            if after and time.perf_counter() - after[-1] >= QUIET_S:
                return after[0] - sent, after[-1] - sent, self.cpu_seconds() - cpu
        raise TimeoutError(f"no redraw after {key!r}")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        os.close(self.master)


def compile_bytecode() -> None:
    """Compile flashdl's bytecode, as ``pip install`` does.

    Textual's is compiled at install; flashdl's may not be (an editable
    install, or ``PYTHONDONTWRITEBYTECODE`` set), and then every timed run
    would compile flashdl's sources, which no installed copy does.
    """
    compileall.compile_dir(ROOT / "flashdl", quiet=1)


def start_up(db: Path, runs: int) -> dict[str, object]:
    """First frame of the minimal app and of flashdl, run alternately.

    The first run of each is untimed: it warms the file cache, as any earlier use would.
    """
    compile_bytecode()
    with tempfile.TemporaryDirectory() as folder:
        minimal_path = Path(folder) / "minimal_app.py"
        minimal_path.write_text(MINIMAL_APP)
        minimal, first, counts = [], [], []
        for run in range(runs + 1):
            terminal = Terminal([sys.executable, str(minimal_path)])
            minimal_s = terminal.wait_for(b"minimal app ready", terminal.started)
            terminal.close()
            terminal = Terminal([sys.executable, "-m", "flashdl.cli", "--db", str(db),
                                 "--now", NOW.isoformat()])
            first_s = max(terminal.wait_for(TITLE, terminal.started),
                          terminal.wait_for(FOOTER_KEYS, terminal.started))
            counts_s = terminal.wait_for(COUNTS_SHOWN, terminal.started)
            terminal.close()
            if run:
                minimal.append(minimal_s)
                first.append(first_s)
                counts.append(counts_s)
    return {
        "minimal_textual_first_frame_s": summary(minimal),
        "flashdl_first_frame_s": summary(first),
        "flashdl_counts_shown_s": summary(counts),
    }


def keypresses(db: Path) -> dict[str, object]:
    terminal = Terminal([sys.executable, "-m", "flashdl.cli", "--db", str(db), "--now", NOW.isoformat()])
    times: dict[str, list[float]] = {}
    first: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}

    def press(name: str, key: str) -> None:
        starts, wall, used = terminal.press(key)
        first.setdefault(name, []).append(starts)
        times.setdefault(name, []).append(wall)
        cpu.setdefault(name, []).append(used)

    def step(name: str, key: str, marker: bytes | tuple[bytes, ...]) -> None:
        terminal.settle()
        before = terminal.cpu_seconds()
        sent = time.perf_counter()
        os.write(terminal.master, key.encode())
        times.setdefault(name, []).append(terminal.wait_for(marker, sent))
        cpu.setdefault(name, []).append(terminal.cpu_seconds() - before)
        with terminal._lock:  # the first frame the key caused (e.g. the new screen, loading)
            first.setdefault(name, []).append(min(at for at, _ in terminal.chunks if at >= sent) - sent)

    try:
        terminal.wait_for(COUNTS_SHOWN, terminal.started)
        for _ in range(5):
            press("home: cursor down (j)", "j")
            press("home: cursor up (k)", "k")
        step("home: study all decks (a), first card shown", "a", b"show the answer")
        for _ in range(30):
            press("study: reveal (space)", " ")
            press("study: grade 4 (record + next card)", "4")
        for _ in range(5):
            press("study: reveal (space)", " ")
            press("study: grade 2 (record + next card)", "2")
            press("study: undo (u)", "u")
        press("study: end session (q), summary", "q")
        terminal.settle()
        step("summary: back home (enter), counts reloaded", "\r", COUNTS_SHOWN)
        step("home: browse (b), first 200 cards listed", "b", b"200 cards")
        for letter in "kernel":
            press("browse: type a letter", letter)
        terminal.settle()
    finally:
        terminal.close()
    return {
        name: {
            **summary(values),
            "first_output_median_ms": summary(first[name])["median_ms"] if name in first else None,
            "cpu_median_ms": summary(cpu[name])["median_ms"],
        }
        for name, values in times.items()
    }


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
        "runs": len(ordered),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5, help="start-up runs")
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    db = args.db or Path(tempfile.gettempdir()) / f"flashdl-bench-tui-{args.cards}.sqlite3"
    if not db.exists():
        build_collection(db, args.cards)
    figures = {"cards": args.cards, "cpus": os.cpu_count(), "load_average": os.getloadavg()[0],
               "start_up": start_up(db, args.runs), "keypress": keypresses(db)}
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"{args.cards:,} cards, {figures['cpus']} CPUs, load average {figures['load_average']:.1f}")
    for name, value in figures["start_up"].items():  # type: ignore[union-attr]
        print(f"  {name:50s} median {value['median_ms']:7.1f} ms   max {value['max_ms']:7.1f} ms")
    print("keypress → redraw complete, median and max (first output: the redraw starts; "
          "CPU: time the app's threads ran):")
    for name, value in figures["keypress"].items():  # type: ignore[union-attr]
        starts = value["first_output_median_ms"]
        first_text = f"first {starts:5.1f}" if starts is not None else " " * 11
        print(f"  {name:46s} {value['median_ms']:6.1f} / {value['max_ms']:6.1f} ms  {first_text}"
              f"  CPU {value['cpu_median_ms']:5.1f}  ({value['runs']}×)")


if __name__ == "__main__":
    main()
