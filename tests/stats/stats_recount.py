"""A slow, plain recount of every statistic: read all the rows, loop, count.

Written from the definitions in ``flashdl.services.stats``'s docstring and
DESIGN §6, without the SQL or the service's code: it reads the tables with
the sqlite3 module and returns the ``stats --json`` document.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROLLOVER = timedelta(hours=4)
EASE_LOWS = [1300 + 100 * i for i in range(18)]  # 1.3, 1.4, ... 3.0 (open)
INTERVAL_LOWS = [0, 2, 7, 14, 21, 30, 60, 90, 180, 365]


def recount(path: Path, now: datetime, deck: str | None, days: int, *,
            rollover: timedelta = ROLLOVER) -> dict[str, Any]:
    db = sqlite3.connect(path)
    try:
        cards = db.execute(
            "SELECT c.id, d.slug, c.slug, c.suspended, c.retired, c.due, c.last_review, "
            "c.repeat_pending, c.buried_until, c.interval, c.ease, c.engine, c.fsrs_stability "
            "FROM card c JOIN deck d ON d.id = c.deck_id"
        ).fetchall()
        leech_rows = db.execute(
            "SELECT d.slug, c.retired FROM card c JOIN deck d ON d.id = c.deck_id WHERE c.leech"
        ).fetchall()
        logs = db.execute(
            "SELECT card_id, study_day, grade, kind, interval_before, duration_ms, answer_correct "
            "FROM review_log"
        ).fetchall()
        typed = db.execute(  # typed answers newest first, for each family's last 10
            "SELECT card_id, study_day, answer_correct FROM review_log "
            "WHERE answer_correct IS NOT NULL ORDER BY reviewed_ms DESC, id DESC"
        ).fetchall()
    finally:
        db.close()
    if deck is not None:
        cards = [c for c in cards if c[1] == deck]
    card_by_id = {c[0]: c for c in cards}
    logs = [row for row in logs if row[0] in card_by_id]
    typed = [row for row in typed if row[0] in card_by_id and card_by_id[row[0]][11] is not None]

    today = (now - rollover).date()
    first = today - timedelta(days=days - 1)

    def day(text: str | None) -> date | None:
        return None if text is None else date.fromisoformat(text)

    counts = {"new": 0, "learning": 0, "young": 0, "mature": 0, "suspended": 0}
    ease_hist = [0] * len(EASE_LOWS)
    interval_hist = [0] * len(INTERVAL_LOWS)
    forecast = Counter()
    for _id, _deck, _slug, suspended, retired, due, last, pending, buried, interval, ease, _e, fsrs in cards:
        if retired:
            continue
        due, last, buried = day(due), day(last), day(buried)
        if fsrs is not None:  # a card with an FSRS state: its interval is FSRS's, as `show` has it
            interval = (due - last).days  # type: ignore[operator]
        if suspended:
            counts["suspended"] += 1
        elif due is None:
            counts["new"] += 1
        elif pending and last == today and (buried is None or buried <= today):
            counts["learning"] += 1
        elif interval < 21:
            counts["young"] += 1
        else:
            counts["mature"] += 1
        if due is not None:
            ease_hist[_last_index(EASE_LOWS, ease)] += 1
            interval_hist[_last_index(INTERVAL_LOWS, interval)] += 1
            if not suspended:
                forecast[max(due, today)] += 1

    per_day: dict[date, list[int]] = {}
    reviewed = correct = new_seen = spent = 0
    retention = {False: [0, 0], True: [0, 0]}
    lapses = Counter()
    engine: dict[str, list[int]] = {}
    for card_id, study_day, grade, kind, interval_before, duration, answer_correct in logs:
        d = day(study_day)
        assert d is not None
        tally = per_day.setdefault(d, [0, 0])
        tally[0] += 1
        tally[1] += grade >= 3
        if d == today:
            reviewed += 1
            correct += grade >= 3
            new_seen += kind == 0
            spent += duration
        if kind == 1 and grade < 3:
            lapses[card_id] += 1
        if first <= d <= today:
            if kind == 1:
                pair = retention[interval_before >= 21]
                pair[0] += 1
                pair[1] += grade >= 3
            engine_json = card_by_id[card_id][11]
            if answer_correct is not None and engine_json is not None:
                family = json.loads(engine_json)["family"]
                pair = engine.setdefault(family, [0, 0])
                pair[0] += 1
                pair[1] += bool(answer_correct)

    last10: dict[str, list[bool]] = {}  # each family's last 10 answers up to today (no practice here)
    for card_id, study_day, answer_correct in typed:
        answers = last10.setdefault(json.loads(card_by_id[card_id][11])["family"], [])
        if day(study_day) <= today and len(answers) < 10:  # type: ignore[operator]
            answers.append(bool(answer_correct))

    streak = 0
    if today in per_day or today - timedelta(days=1) in per_day:
        cursor = today if today in per_day else today - timedelta(days=1)
        while cursor in per_day:
            streak += 1
            cursor -= timedelta(days=1)

    hard = []
    for card_id, deck_slug, slug, _s, retired, due, _l, _p, _b, _i, ease, _e, _f in cards:
        if retired or due is None:
            continue
        if lapses[card_id] > 0 or ease < 2500:
            hard.append((-lapses[card_id], ease, deck_slug, slug))
    hard.sort()

    def buckets(lows: list[int], counted: list[int], scale: int) -> list[dict[str, Any]]:
        out = []
        for i, low in enumerate(lows):
            high = lows[i + 1] / scale if i + 1 < len(lows) else None
            out.append({"min": low / scale if scale > 1 else low,
                        "max": high if scale > 1 or high is None else int(high),
                        "count": counted[i]})
        return out

    def share(pair: list[int]) -> float | None:
        return None if pair[0] == 0 else pair[1] / pair[0]

    # Leeches: tagged by the leech rule, suspended or not, retired cards left out.
    counts["leeches"] = sum(1 for slug, retired in leech_rows if not retired and deck in (None, slug))
    return {
        "cards": counts,
        "today": {"reviewed": reviewed, "correct": correct, "new_seen": new_seen,
                  "seconds": spent / 1000},
        "streak_days": streak,
        "reviews_by_day": [
            {"date": (first + timedelta(days=i)).isoformat(),
             "count": per_day.get(first + timedelta(days=i), [0, 0])[0],
             "correct": per_day.get(first + timedelta(days=i), [0, 0])[1]}
            for i in range(days)
        ],
        "forecast": [
            {"date": (today + timedelta(days=i)).isoformat(),
             "due": forecast[today + timedelta(days=i)]}
            for i in range(days)
        ],
        "retention": {"young": share(retention[False]), "mature": share(retention[True])},
        "ease_histogram": buckets(EASE_LOWS, ease_hist, 1000),
        "interval_histogram": buckets(INTERVAL_LOWS, interval_hist, 1),
        "hardest": [
            {"card": f"{deck_slug}/{slug}", "lapses": -neg, "ease": ease / 1000}
            for neg, ease, deck_slug, slug in hard[:10]
        ],
        "engine": [
            {"family": family, "attempts": pair[0], "correct": pair[1], "last10": sum(last10[family]),
             "last10_attempts": len(last10[family]), "practice": 0}
            for family, pair in sorted(engine.items())
        ],
    }


def _last_index(lows: list[int], value: int) -> int:
    """The bucket whose lower edge is the last one <= value (the first for anything below)."""
    index = 0
    for i, low in enumerate(lows):
        if value >= low:
            index = i
    return index
