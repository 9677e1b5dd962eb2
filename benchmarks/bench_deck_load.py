"""Time loading a large YAML deck: parse + validate, the path every import takes.

Usage: python benchmarks/bench_deck_load.py [--cards N] [--runs R]
Prints the median and best of R runs for a deck in the layout flashdl writes
(read by ``yaml_canonical``), for the same deck with one card out of that
layout, with its card list indented, read by libyaml alone (what a file
outside the layout costs), and for PyYAML's own CSafeLoader (what a plain
safe load would cost).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from flashdl.deck import Card, Deck, dump_deck, parse_deck, yaml_deck
from flashdl.deck.yaml_syntax import load_yaml


def synthetic_deck(count: int) -> Deck:
    cards = tuple(
        Card(
            id=f"{i:06d}",
            front=f"What is the output size of layer {i} with a 3x3 kernel?\nAssume padding $p = {i % 3}$.\n",
            back=f"Answer {i}: floor((H + 2p - k)/s) + 1\n",
            tags=("cnn", f"t{i % 7}"),
        )
        for i in range(count)
    )
    return Deck(id="big", name="Big deck", cards=cards)


def timed(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    text = dump_deck(synthetic_deck(args.cards))
    print(f"deck: {args.cards:,} cards, {len(text.encode()) / 1e6:.1f} MB of YAML")
    ours = timed(lambda: parse_deck(text, "big.yaml"), args.runs)
    print(f"flashdl parse_deck (parse + validate): median {statistics.median(ours):.2f} s, "
          f"best {min(ours):.2f} s over {args.runs} runs")
    # A comment between two cards: that one card is read by libyaml, the rest matched.
    edited = text.replace("\n- id: '000005'", "\n# edited by hand\n- id: '000005'", 1)
    mixed = timed(lambda: parse_deck(edited, "big.yaml"), max(1, args.runs // 2))
    print(f"  with a comment between two cards:             median {statistics.median(mixed):.2f} s")
    # The card list indented under `cards:`, as the format's example and most people write it.
    head, _, body = text.partition("\ncards:\n")
    indented = head + "\ncards:\n" + "".join(f"  {line}" if line.strip() else line
                                                for line in body.splitlines(keepends=True))
    shifted = timed(lambda: parse_deck(indented, "big.yaml"), max(1, args.runs // 2))
    print(f"  with the card list indented:                  median {statistics.median(shifted):.2f} s")
    # What a file costs whose card list is not a plain block sequence (e.g. in flow style):
    # libyaml reads all of it, then the same validation.
    def by_libyaml() -> None:
        with yaml_deck._cyclic_gc_paused():
            yaml_deck.deck_from_mapping(load_yaml(text))

    slow = timed(by_libyaml, max(1, args.runs // 2))
    print(f"  the whole file read by libyaml:               median {statistics.median(slow):.2f} s")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.yaml"
        path.write_text(text, encoding="utf-8")
        # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so a child would
        # report this (large) parent's peak instead of its own.
        probe = (
            "import sys, time; from pathlib import Path\n"
            "from flashdl.deck.files import load_deck_file\n"
            "start = time.perf_counter(); load_deck_file(Path(sys.argv[1]))\n"
            "elapsed = time.perf_counter() - start\n"
            "hwm = next(l for l in open('/proc/self/status') if l.startswith('VmHWM'))\n"
            "print(f'{elapsed:.2f} s, peak RSS {int(hwm.split()[1]) / 1024:.0f} MB')"
        )
        fresh = subprocess.run([sys.executable, "-c", probe, str(path)], check=True,
                               capture_output=True, text=True).stdout.strip()
    print(f"flashdl load_deck_file in a fresh process (read + parse + validate): {fresh}")
    reference = timed(lambda: yaml.load(text, Loader=yaml.CSafeLoader), max(1, args.runs // 2))
    print(f"PyYAML CSafeLoader (parse only):       median {statistics.median(reference):.2f} s")


if __name__ == "__main__":
    main()
