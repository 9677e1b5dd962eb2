"""Anki's own backend on the work of ``bench_store.py`` (a reference, never a dependency).

Run with an interpreter that has the ``anki`` package (AGPL; keep it in a
separate venv): ``python -m venv /tmp/anki-venv && /tmp/anki-venv/bin/pip
install anki``, then ``python benchmarks/bench_store.py --anki-python
/tmp/anki-venv/bin/python``. Prints one JSON line: import of N notes from a
TSV, the queue build of N due cards, and answering cards from the queue
(median/p99 with the commit Anki does per answer). Anki caps a deck's
daily review limit at 9,999, so its queue holds at most that many of the N
due cards (it still has to find and sort them among all N).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ANKI_MAX_PER_DAY = 9999  # Anki refuses larger daily review limits


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--answers", type=int, default=5_000)
    args = parser.parse_args()
    # isort: off
    from anki.collection import Collection, ImportCsvRequest  # first: anki's import cycle
    from anki import buildinfo
    from anki.cards import Card
    from anki.scheduler.v3 import CardAnswer
    # isort: on

    with tempfile.TemporaryDirectory() as folder:
        tsv = Path(folder) / "notes.tsv"
        tsv.write_text("".join(f"Question {i}\tAnswer {i}\n" for i in range(args.cards)))
        col = Collection(str(Path(folder) / "collection.anki2"))
        metadata = col.get_csv_metadata(path=str(tsv), delimiter=None)
        start = time.perf_counter()
        col.import_csv(ImportCsvRequest(path=str(tsv), metadata=metadata))
        import_s = time.perf_counter() - start
        config = col.decks.config_dict_for_deck_id(1)
        config["rev"]["perDay"] = ANKI_MAX_PER_DAY  # the default is 200 a day
        col.decks.update_config(config)
        card_ids = list(col.find_cards(""))
        col.sched.set_due_date(card_ids, "0")  # every card a review due today
        start = time.perf_counter()
        col.sched.get_queued_cards(fetch_limit=1)
        queue_ms = (time.perf_counter() - start) * 1e3
        answer_times, next_times = [], []
        for _ in range(args.answers):
            start = time.perf_counter()
            queued = col.sched.get_queued_cards(fetch_limit=1).cards[0]
            middle = time.perf_counter()
            card = Card(col, backend_card=queued.card)
            card.start_timer()
            answer = col.sched.build_answer(card=card, states=queued.states, rating=CardAnswer.GOOD)
            col.sched.answer_card(answer)
            answer_times.append(time.perf_counter() - middle)
            next_times.append(middle - start)
        col.close()
    print(json.dumps({
        "version": buildinfo.version,
        "import_s": import_s,
        "queue_ms": queue_ms,
        "answer": _summary(answer_times),
        "next_card": _summary(next_times),
        "peak_memory_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))
    return 0


def _summary(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {"median_ms": statistics.median(ordered) * 1e3,
            "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1e3}


if __name__ == "__main__":
    sys.exit(main())
