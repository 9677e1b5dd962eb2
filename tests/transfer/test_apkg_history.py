"""``export --format apkg --with-history``: the cards' scheduling, review log and FSRS memory
states as Anki stores them (docs/fsrs.md §8), read back from the exported collection; and, where
the ``anki`` package is installed, read by the real Anki."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from transfer_helpers import NOW, deck_yaml, ok, run

START = datetime.fromisoformat(NOW)
DAY0 = START.date()  # NOW is 10:00 UTC: after the 04:00 rollover, so its study day is its date
# (card, grade, moment): 001 passes twice; 002 lapses on day 2 and is drilled the same day;
# 003 fails when new and is drilled within the hour; 004 is never reviewed
REVIEWS = [
    ("001", 4, START), ("001", 4, START + timedelta(days=3)),
    ("002", 4, START), ("002", 1, START + timedelta(days=2)), ("002", 4, START + timedelta(days=2, hours=1)),
    ("003", 2, START), ("003", 5, START + timedelta(minutes=10)),
]
ANKI_RATING = {0: 1, 1: 1, 2: 1, 3: 2, 4: 3, 5: 4}  # DESIGN §4's mapping, written out
EXPORTED_AT = (START + timedelta(days=5)).isoformat()


def reviewed_deck(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], *options: str) -> None:
    deck = tmp_path / "h.yaml"
    deck.write_text(deck_yaml("h", 4))
    ok(capsys, "import", str(deck))
    if options:
        ok(capsys, "deck", "options", "h", *options)
    batch = tmp_path / "reviews.jsonl"
    batch.write_text("".join(json.dumps({"card": f"h/{card}", "grade": grade, "at": at.isoformat()}) + "\n"
                             for card, grade, at in REVIEWS))
    ok(capsys, "review", "--batch", str(batch), "--now", EXPORTED_AT)


def exported(tmp_path: Path, capsys: pytest.CaptureFixture[str], *flags: str) -> sqlite3.Connection:
    out = tmp_path / "h.apkg"
    ok(capsys, "export", "h", "--format", "apkg", "--out", str(out), *flags, "--now", EXPORTED_AT)
    target = tmp_path / "collection.anki2"
    with zipfile.ZipFile(out) as archive:
        target.write_bytes(archive.read("collection.anki2"))
    return sqlite3.connect(target)


def anki_cards(col: sqlite3.Connection) -> dict[str, tuple[Any, ...]]:
    """{card: (type, queue, due, ivl, factor, reps, lapses, data, id)} by the note's Card field."""
    rows = col.execute("SELECT n.flds, c.type, c.queue, c.due, c.ivl, c.factor, c.reps, c.lapses, c.data, c.id "
                       "FROM cards c JOIN notes n ON n.id = c.nid").fetchall()
    return {fields.split("\x1f")[3].split("/")[1]: tuple(rest) for fields, *rest in rows}


def crt_day(col: sqlite3.Connection) -> date:
    (crt,) = col.execute("SELECT crt FROM col").fetchone()
    moment = datetime.fromtimestamp(crt, UTC)
    assert moment.hour == 4  # the study day's start (rollover 04:00, in --now's zone: UTC)
    return moment.date()


def py_fsrs_cards(retention: float) -> dict[str, Any]:
    """The reference: py-fsrs fed each card's ratings on midnight of its study days
    (docs/fsrs.md §1: no learning steps, no fuzz, elapsed time in study days)."""
    import fsrs

    scheduler = fsrs.Scheduler(desired_retention=retention, learning_steps=(), relearning_steps=(),
                               maximum_interval=36500, enable_fuzzing=False)
    cards: dict[str, Any] = {}
    for card, grade, at in REVIEWS:
        midnight = datetime(at.year, at.month, at.day, tzinfo=UTC)
        cards[card], _ = scheduler.review_card(cards.get(card, fsrs.Card()), fsrs.Rating(ANKI_RATING[grade]),
                                               midnight)
    return cards


def test_fsrs_deck_exports_memory_states_revlog_and_its_deck_config(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import fsrs

    reviewed_deck(db, tmp_path, capsys, "--scheduler", "fsrs", "--desired-retention", "0.8",
                  "--new-per-day", "7", "--leech-threshold", "5", "--leech-action", "tag")
    col = exported(tmp_path, capsys, "--with-history")
    assert crt_day(col) == DAY0  # the first review's study day: every due day counts forwards
    cards = anki_cards(col)
    reference = py_fsrs_cards(0.8)
    decay = fsrs.scheduler.DEFAULT_PARAMETERS[20]
    last_ms = {card: int(at.timestamp() * 1000) for card, _grade, at in REVIEWS}  # the last one wins
    for card, reps, lapses in (("001", 2, 0), ("002", 3, 1), ("003", 2, 0)):
        ctype, queue, due, ivl, _factor, got_reps, got_lapses, data, _id = cards[card]
        expected = reference[card]
        last_day = expected.last_review.date()
        assert (ctype, queue, got_reps, got_lapses) == (2, 2, reps, lapses)
        assert DAY0 + timedelta(days=due) == expected.due.date()
        assert ivl == (expected.due.date() - last_day).days
        memory = json.loads(data)
        assert memory == {"s": pytest.approx(expected.stability, abs=5e-5),
                          "d": pytest.approx(expected.difficulty, abs=5e-4),
                          "dr": 0.8, "decay": pytest.approx(decay, abs=5e-5), "lrt": last_ms[card] // 1000}
    assert cards["004"][:2] == (0, 0) and cards["004"][7] == ""  # never reviewed: still new
    revlog = col.execute("SELECT r.id, r.cid, r.usn, r.ease, r.time, r.type FROM revlog r ORDER BY r.id").fetchall()
    assert len(revlog) == len(REVIEWS)
    ids = {row[8]: name for name, row in cards.items()}
    by_card: dict[str, list[tuple[int, int]]] = {}
    for _rid, cid, usn, ease, _time, rtype in revlog:
        assert usn == -1
        by_card.setdefault(ids[cid], []).append((ease, rtype))
    assert by_card == {"001": [(3, 0), (3, 1)], "002": [(3, 0), (1, 1), (3, 2)], "003": [(1, 0), (4, 0)]}
    # ids are the reviews' ms; the three first reviews share one ms, and Anki's key is unique
    taken: list[int] = []
    for ms in sorted(int(at.timestamp() * 1000) for *_x, at in REVIEWS):
        taken.append(max(ms, taken[-1] + 1) if taken else ms)
    assert sorted(r[0] for r in revlog) == taken
    conf, dconf, decks = (json.loads(text) for text in col.execute("SELECT conf, dconf, decks FROM col").fetchone())
    assert conf["fsrs"] is True
    deck = next(d for d in decks.values() if d["name"] == "Deck h")
    config = dconf[str(deck["conf"])]
    assert config["fsrsParams6"] == [] and config["desiredRetention"] == 0.8  # [] : Anki's defaults
    assert (config["new"]["perDay"], config["rev"]["perDay"]) == (7, 9999)
    assert (config["lapse"]["leechFails"], config["lapse"]["leechAction"]) == (5, 1)
    assert dconf["1"]["name"] == "Default"  # the default config stays for other decks


def test_tuned_weights_travel_in_the_deck_config(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import fsrs

    weights = list(fsrs.scheduler.DEFAULT_PARAMETERS)
    weights[0], weights[20] = 0.5, 0.3
    reviewed_deck(db, tmp_path, capsys, "--scheduler", "fsrs",
                  "--fsrs-parameters", ",".join(str(w) for w in weights))
    col = exported(tmp_path, capsys, "--with-history")
    (dconf_text,) = col.execute("SELECT dconf FROM col").fetchone()
    configs = [c for c in json.loads(dconf_text).values() if c["name"].startswith("flashdl")]
    assert [c["fsrsParams6"] for c in configs] == [pytest.approx(weights)]
    assert json.loads(anki_cards(col)["001"][7])["decay"] == 0.3


def test_sm2_deck_exports_sm2_scheduling_without_memory_states(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reviewed_deck(db, tmp_path, capsys)
    col = exported(tmp_path, capsys, "--with-history")
    cards = anki_cards(col)
    # SM-2 by hand (DESIGN §4): 001 q=4 day 0 -> I=1; q=4 day 3 -> I=6, EF stays 2.5; due day 9
    assert cards["001"][:8] == (2, 2, 9, 6, 2500, 2, 0, "")
    # 002: q=4 -> I=1, EF 2.5; q=1 on day 2 -> I=1, EF 2.5-0.54 = 1.96; the drill changes nothing
    assert cards["002"][:8] == (2, 2, 3, 1, 1960, 3, 1, "")
    (conf,) = col.execute("SELECT conf FROM col").fetchone()
    assert "fsrs" not in json.loads(conf)


def test_without_history_every_card_is_new(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reviewed_deck(db, tmp_path, capsys, "--scheduler", "fsrs")
    col = exported(tmp_path, capsys)
    assert {row[:2] for row in anki_cards(col).values()} == {(0, 0)}
    assert col.execute("SELECT count(*) FROM revlog").fetchone() == (0,)
    code, _out, err = run(capsys, "export", "h", "--format", "csv", "--out", str(tmp_path / "h.csv"),
                          "--with-history")
    assert code == 0 and "no effect" in err


@pytest.mark.slow
def test_real_anki_sees_the_memory_states_and_the_deck_config(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    anki_collection = pytest.importorskip("anki.collection")
    from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    reviewed_deck(db, tmp_path, capsys, "--scheduler", "fsrs", "--desired-retention", "0.85")
    out = tmp_path / "h.apkg"
    written = exported(tmp_path, capsys, "--with-history")
    ours = written.execute("SELECT id, ease, type FROM revlog ORDER BY id").fetchall()
    written.close()
    (tmp_path / "anki").mkdir()
    col = anki_collection.Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(out), options=ImportAnkiPackageOptions(
            with_scheduling=True, with_deck_configs=True, update_notes=1, update_notetypes=1)))
        reference = py_fsrs_cards(0.85)
        seen = {}
        for cid in col.db.list("SELECT id FROM cards"):
            card = col.get_card(cid)
            name = card.note()["Card"].split("/")[1]
            seen[name] = card
        for name in ("001", "002", "003"):
            card = seen[name]
            assert card.memory_state is not None
            assert card.memory_state.stability == pytest.approx(reference[name].stability, rel=1e-4)
            assert card.memory_state.difficulty == pytest.approx(reference[name].difficulty, abs=1e-3)
            assert card.desired_retention == pytest.approx(0.85)
        assert seen["004"].memory_state is None and seen["004"].type == 0  # never reviewed: new
        # Anki's importer counts due days from its own collection's day: each card's due day
        # relative to today (Anki's clock is the real one) is kept; one common offset is
        # allowed, for a machine whose local day is not UTC's
        real_today = (datetime.now(UTC) - timedelta(hours=4)).date()
        offsets = {seen[n].due - col.sched.today - (reference[n].due.date() - real_today).days
                   for n in ("001", "002", "003")}
        assert len(offsets) == 1 and offsets <= {-1, 0, 1}
        config = col.decks.config_dict_for_deck_id(seen["001"].did)
        assert config["desiredRetention"] == pytest.approx(0.85) and config["fsrsParams6"] == []
        assert col.db.scalar("SELECT count() FROM revlog") == len(REVIEWS)
        # every button as written: a collection not marked v2 had its learning rows' buttons
        # raised by one on import (Hard became Good), and Anki's memory states with them
        assert [(ease, kind) for _id, ease, kind in ours] == [(ANKI_RATING[grade], kind) for (_c, grade, _a), (
            _i, _e, kind) in zip(sorted(REVIEWS, key=lambda r: r[2]), ours, strict=True)]
        assert col.db.all("SELECT ease, type FROM revlog ORDER BY id") == [[ease, kind] for _id, ease, kind in ours]
    finally:
        col.close()


def test_the_revlog_csv_types_each_review_as_the_apkg_does(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One mapping to Anki's revlog.type in both exports (the CSV wrote a same-day repeat as 3,
    Anki's filtered/cram, and the review after a lapse as 2, where the .apkg wrote 0/2 and 1).
    Reference, by hand from REVIEWS: 001 new then review; 002 new, review (a lapse), its repeat
    relearn; 003 new and its repeat learn."""
    import csv

    reviewed_deck(db, tmp_path, capsys)
    col = exported(tmp_path, capsys, "--with-history")
    apkg_types = [kind for (kind,) in col.execute("SELECT type FROM revlog ORDER BY id")]
    col.close()
    out = tmp_path / "h.csv"
    ok(capsys, "export", "h", "--format", "revlog", "--out", str(out), "--now", EXPORTED_AT)
    rows = list(csv.DictReader(out.read_text().splitlines()))
    csv_types = [int(row["type"]) for row in sorted(rows, key=lambda row: int(row["id"]))]
    by_hand = {("001", 0): 0, ("001", 1): 1, ("002", 0): 0, ("002", 1): 1, ("002", 2): 2,
               ("003", 0): 0, ("003", 1): 0}
    seen: dict[str, int] = {}
    expected = []
    for card, _grade, _at in sorted(REVIEWS, key=lambda review: review[2]):
        expected.append(by_hand[card, seen.get(card, 0)])
        seen[card] = seen.get(card, 0) + 1
    assert csv_types == apkg_types == expected


@pytest.mark.slow
def test_a_suspended_card_stays_suspended_in_anki_reviewed_or_not(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """004 was never reviewed, 001 was: both suspended. The export wrote only reviewed cards'
    scheduling, so 004 arrived in Anki as a new card ready to study. Reference: Anki's columns
    (rslib ``card/mod.rs``): a suspended new card is type 0 (new), queue -1 (suspended), and
    keeps its place among the new cards; and, where installed, the real Anki's ``is:suspended``."""
    from flashdl.services.card_flags import suspend_card
    from flashdl.store import open_store

    reviewed_deck(db, tmp_path, capsys)
    with open_store(db) as store:
        suspend_card(store, "h/004")
        suspend_card(store, "h/001")
    col = exported(tmp_path, capsys, "--with-history")
    cards = anki_cards(col)
    (first_id,) = col.execute("SELECT min(id) FROM notes").fetchone()
    col.close()
    assert cards["004"][:8] == (0, -1, cards["004"][8] - first_id, 0, 0, 0, 0, "")
    assert cards["004"][2] == 3  # the deck's fourth card: fourth among the new cards
    assert cards["001"][:2] == (2, -1)
    assert cards["003"][:2] == (2, 2)
    anki_collection = pytest.importorskip("anki.collection")
    from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    (tmp_path / "anki").mkdir()
    anki = anki_collection.Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        anki.import_anki_package(ImportAnkiPackageRequest(package_path=str(tmp_path / "h.apkg"), options=(
            ImportAnkiPackageOptions(with_scheduling=True, update_notes=1, update_notetypes=1))))
        suspended = {anki.get_card(cid).note()["Card"]: anki.get_card(cid).type
                     for cid in anki.find_cards("is:suspended")}
        assert suspended == {"h/001": 2, "h/004": 0}  # 004 still new
    finally:
        anki.close()


def test_fsrs_revlog_states_are_what_the_optimizer_makes_of_the_anki_layout(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """fsrs-optimizer's own Anki converter (``fsrs_optimizer.py``, 6.5.0) sets review_state to
    revlog.type + 1, and 0 (New) where a run of learn rows starts a card. flashdl's
    ``revlog.csv`` wrote 1 (Learning) for 002's drill after its lapse on day 2, which the
    Anki layout of the same export types 2 (relearn): state 3 (Relearning). By hand from
    REVIEWS: 001 New, Review; 002 New, Review, Relearning; 003 New, Learning."""
    import csv

    reviewed_deck(db, tmp_path, capsys)
    anki_out, fsrs_out = tmp_path / "h.csv", tmp_path / "revlog.csv"
    ok(capsys, "export", "h", "--format", "revlog", "--out", str(anki_out), "--now", EXPORTED_AT)
    ok(capsys, "export", "h", "--format", "revlog", "--out", str(fsrs_out), "--now", EXPORTED_AT)
    anki_rows = sorted(csv.DictReader(anki_out.read_text().splitlines()), key=lambda r: (r["card"], int(r["id"])))
    fsrs_rows = sorted(csv.DictReader(fsrs_out.read_text().splitlines()),
                       key=lambda r: (r["card_id"], int(r["review_time"])))
    converted = []  # the optimizer's conversion, written out
    previous_type = None
    for index, row in enumerate(anki_rows):
        first = index == 0 or anki_rows[index - 1]["card"] != row["card"]
        kind = int(row["type"])
        learn_start = kind == 0 and (previous_type != 0 or first)
        converted.append(0 if learn_start else kind + 1)
        previous_type = kind
    states = [int(row["review_state"]) for row in fsrs_rows]
    assert states == converted == [0, 2, 0, 2, 3, 0, 1]
