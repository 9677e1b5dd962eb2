"""``flashdl stats``: the JSON contract (DESIGN §6), the plain report, errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from stats_helpers import add_deck, grade, set_flags

from flashdl.cli import main
from flashdl.store import open_store

NOW = datetime(2025, 4, 2, 15, 0, tzinfo=UTC)
TOP_KEYS = {
    "cards", "today", "streak_days", "reviews_by_day", "forecast", "retention",
    "ease_histogram", "interval_histogram", "hardest", "engine",
}


@pytest.fixture
def history(db_path: Path) -> Path:
    """Two decks, computed cards, a month of reviews with lapses, one suspended card."""
    with open_store(db_path) as store:
        add_deck(store, "quiz-3", 6, families={0: "conv2d_output_size", 1: "dropout"})
        add_deck(store, "other", 2)
        start = NOW - timedelta(days=40)
        for day in range(41):
            for card in range(6):
                if (day + card) % 3 == 0:
                    value = (day * 7 + card) % 6
                    grade(store, f"quiz-3/{card:03d}", value, start + timedelta(days=day, minutes=card),
                          seconds=12.5, typed_correct=value >= 3 if card < 2 else None)
        grade(store, "other/000", 4, NOW - timedelta(hours=1), seconds=3)
        set_flags(store, "quiz-3/005", suspended=True)
    return db_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_keys_are_exactly_the_contract(history: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, "stats", "--json", "--db", str(history), "--now", NOW.isoformat())
    assert code == 0
    data = json.loads(out)
    assert set(data) == TOP_KEYS
    assert set(data["cards"]) == {"new", "learning", "young", "mature", "suspended", "leeches"}
    assert set(data["today"]) == {"reviewed", "correct", "new_seen", "seconds"}
    assert set(data["retention"]) == {"young", "mature"}
    assert isinstance(data["streak_days"], int)
    assert len(data["reviews_by_day"]) == 30 and len(data["forecast"]) == 30
    assert all(set(d) == {"date", "count", "correct"} for d in data["reviews_by_day"])
    assert all(set(d) == {"date", "due"} for d in data["forecast"])
    for name in ("ease_histogram", "interval_histogram"):
        assert all(set(b) == {"min", "max", "count"} for b in data[name])
        assert data[name][-1]["max"] is None
    assert data["hardest"] and all(set(h) == {"card", "lapses", "ease"} for h in data["hardest"])
    assert {e["family"] for e in data["engine"]} == {"conv2d_output_size", "dropout"}
    assert all(set(e) == {"family", "attempts", "correct", "last10", "last10_attempts", "practice"}
               for e in data["engine"])  # DESIGN §6, second round: last10 and practice added
    assert data["reviews_by_day"][-1]["date"] == "2025-04-02"
    assert data["forecast"][0]["date"] == "2025-04-02"
    assert data["cards"]["suspended"] == 1
    assert sum(data["cards"].values()) == 8
    assert 0 <= data["retention"]["young"] <= 1


def test_days_and_deck(history: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "stats", "other", "--days", "7", "--json",
                       "--db", str(history), "--now", NOW.isoformat())
    data = json.loads(out)
    assert code == 0
    assert len(data["reviews_by_day"]) == 7 and len(data["forecast"]) == 7
    assert data["cards"] == {"new": 1, "learning": 0, "young": 1, "mature": 0, "suspended": 0, "leeches": 0}
    assert data["today"] == {"reviewed": 1, "correct": 1, "new_seen": 1, "seconds": 3.0}
    assert data["engine"] == [] and data["hardest"] == []
    assert data["retention"] == {"young": None, "mature": None}


def test_unknown_deck_is_a_usage_error(history: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "stats", "nope", "--db", str(history))
    assert code == 2 and out == ""
    assert "unknown deck 'nope'" in err


def test_empty_collection(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "stats", "--json", "--db", str(db_path), "--now", NOW.isoformat())
    data = json.loads(out)
    assert code == 0
    assert data["streak_days"] == 0 and data["hardest"] == [] and data["engine"] == []
    assert all(d["count"] == 0 for d in data["reviews_by_day"])
    code, out, _ = run(capsys, "stats", "--db", str(db_path), "--now", NOW.isoformat())
    assert code == 0 and "0 in all" in out


def test_plain_report_fits_80_columns(history: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for days in ("30", "365"):
        code, out, _ = run(capsys, "stats", "--days", days, "--db", str(history),
                           "--now", NOW.isoformat())
        assert code == 0
        assert max(len(line) for line in out.splitlines()) <= 80
    for heading in ("Cards", "Today", "Streak", "Retention", "Reviews per day", "Due in the next",
                    "Intervals", "E-Factors", "Hardest cards", "Computed cards"):
        assert heading in out
    assert "quiz-3/" in out and "conv2d_output_size" in out


def test_the_command_loads_no_ui_deck_parser_or_query_layer() -> None:
    """``flashdl stats`` starts fast: only the store and the stats modules are imported."""
    import subprocess
    import sys

    code = ("import sys, flashdl.commands.stats; "
            "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('textual', 'yaml', 'numpy') or m in ('flashdl.store.queries', 'flashdl.deck'))))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.split() == []


def test_the_command_runs_without_dataclasses_or_the_scheduler(history: Path) -> None:
    """A whole ``flashdl stats --json`` run loads neither the dataclasses module (nor the inspect
    module it imports) nor the scheduler package: ~12 ms of a one-shot process (issue 17)."""
    import subprocess
    import sys

    code = ("import sys; before = {m for m in ('dataclasses', 'inspect') if m in sys.modules}; "
            "from flashdl.cli import main; "
            f"code = main(['--db', {str(history)!r}, '--now', {NOW.isoformat()!r}, 'stats', '--json']); "
            "print(file=sys.stderr, *sorted(m for m in sys.modules if m not in before and "
            "(m in ('dataclasses', 'inspect') or m.startswith('flashdl.scheduler')))); "
            "sys.exit(code)")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert json.loads(out.stdout)["cards"]["suspended"] == 1
    assert out.stderr.split() == []


def test_plain_report_of_a_large_collection_fits_80_columns(history: Path) -> None:
    from flashdl.commands.stats import render_report
    from flashdl.services.stats import CardCounts, TodaySummary, stats_of_file

    report = stats_of_file(history, NOW, days=365)
    big = report._replace(cards=CardCounts(123456, 789, 456789, 1234567, 98765),
                          studied_today=TodaySummary(123456, 98765, 4321, 987654.5))
    for unicode in (True, False):
        text = render_report(big, unicode=unicode)
        assert max(len(line) for line in text.splitlines()) <= 80, text
        assert "1234567 mature" in text


@pytest.mark.parametrize("days", [1, 2, 3, 30, 90, 365])
def test_each_chart_is_labelled_with_its_first_and_last_day(
        history: Path, capsys: pytest.CaptureFixture[str], days: int) -> None:
    # Before: a chart of summed neighbours (90 days: two a column) was labelled with its last
    # column's first day, a day short of today; 1 or 3 days ran the labels together ("04-0204-02").
    code, out, _err = run(capsys, "stats", "--days", str(days), "--db", str(history), "--now", NOW.isoformat())
    assert code == 0
    lines = out.splitlines()
    today = NOW.date()  # 15:00 UTC: the study day is the date
    expected = {
        "Reviews per day": (today - timedelta(days=days - 1), today),
        "Due in the next": (today, today + timedelta(days=days - 1)),
    }
    for heading, (first, last) in expected.items():
        start = next(i for i, line in enumerate(lines) if line.startswith(heading))
        axis = next(i for i in range(start, len(lines)) if "└" in lines[i])
        labels = lines[axis + 1].split()
        wanted = [first.strftime("%m-%d")] if days == 1 else [first.strftime("%m-%d"), last.strftime("%m-%d")]
        assert labels == wanted, (heading, lines[axis + 1])
        assert len(lines[axis + 1]) <= 80
    period = "1 day" if days == 1 else f"{days} days"
    assert f"last {period}" in lines[0]


def test_the_engine_table_fits_80_columns_with_the_longest_family_names(
        db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The report promises 80 columns, but its per-family table took 87 with
    transformer_encoder_layer_param_count (81 with multihead_attention_param_count): every row
    wrapped in an 80-column terminal. The names give way now; the figures stay whole."""
    families = {0: "transformer_encoder_layer_param_count", 1: "multihead_attention_param_count",
                2: "softmax"}
    with open_store(db_path) as store:
        add_deck(store, "deck", 3, families=families)
        for n in range(12):  # card 000: 12 answers, the first 8 right; 001: 1 wrong; 002: 1 right
            grade(store, "deck/000", 4, NOW - timedelta(hours=12 - n), typed_correct=n < 8)
        grade(store, "deck/001", 2, NOW - timedelta(minutes=30), typed_correct=False)
        grade(store, "deck/002", 4, NOW - timedelta(minutes=20), typed_correct=True)
    for encoding_test in (False, True):
        if encoding_test:
            from flashdl.commands.stats import render_report
            from flashdl.services.stats import stats_of_file

            out, cut = render_report(stats_of_file(db_path, NOW), unicode=False), "~"
        else:
            code, out, _ = run(capsys, "stats", "--db", str(db_path), "--now", NOW.isoformat())
            assert code == 0
            cut = "…"
        assert max(len(line) for line in out.splitlines()) <= 80, out
        rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()[-3:]}
        # attempts, correct, accuracy, last 10 (the newest 10: 6 of the 8 right), practice
        assert rows[f"multihead_attention_param_cou{cut}"] == ["1", "0", "0%", "0/1", "0"]
        assert rows[f"transformer_encoder_layer_par{cut}"] == ["12", "8", "67%", "6/10", "0"]
        assert rows["softmax"] == ["1", "1", "100%", "1/1", "0"]
