"""Forget and Set due date rows in exports: Anki's revlog rows exactly as the ``anki`` package
writes them for the same action on a card in the same state; left out of the fsrs-optimizer
layout; carried exactly by the YAML history side file; a revlog CSV read back skips them (a
reset drops the reviews before it, as for Anki's own)."""

from __future__ import annotations

import csv
import io
import sqlite3
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flashdl.deck.model import Card, Deck
from flashdl.scheduler.due_spec import parse_due_spec
from flashdl.services import deck_sync
from flashdl.services.exchange.exports import export_apkg, export_revlog, export_yaml
from flashdl.services.manual_schedule import forget_cards, set_due_cards
from flashdl.services.reviews import record_review
from flashdl.store import Store, open_store

anki_collection = pytest.importorskip("anki.collection")
START = datetime(2024, 3, 1, 12, tzinfo=UTC)
COLUMNS = ("ease", "ivl", "lastIvl", "factor", "time", "type")


def at(days: int) -> datetime:
    return START + timedelta(days=days)


def build(store: Store) -> None:
    """001: reviewed 5, 5 (n 2, I 6, EF 2.7), set due in 10 days, then forgotten;
    002: never reviewed, set due '3!'."""
    deck = Deck(id="d", name="D", cards=(Card(id="001", front="Q1", back="A1"), Card(id="002", front="Q2", back="A2")))
    deck_sync.sync_decks(store, [(deck, None)], START)
    record_review(store, "d/001", 5, at(0))
    record_review(store, "d/001", 5, at(1))
    set_due_cards(store, ["d/001"], parse_due_spec("10"), at(2))
    forget_cards(store, ["d/001"], at(3))
    set_due_cards(store, ["d/002"], parse_due_spec("3!"), at(3))


def anki_rows() -> list[tuple[int, ...]]:
    """The same three actions in Anki, on cards in the same states (interval and factor)."""
    import tempfile

    from anki.collection import Collection

    with tempfile.TemporaryDirectory() as tmp:
        col = Collection(str(Path(tmp) / "c.anki2"))
        try:
            model = col.models.by_name("Basic")
            ids = []
            for front in ("Q1", "Q2"):
                note = col.new_note(model)
                note["Front"], note["Back"] = front, "A"
                col.add_note(note, col.decks.id("Default"))
                ids.append(note.card_ids()[0])
            col.sched.set_due_date([ids[0]], "6!")  # a review card: interval 6 ...
            card = col.get_card(ids[0])
            card.factor = 2700  # ... and flashdl's E-Factor 2.7
            col.update_card(card)
            start = col.db.scalar("SELECT max(id) FROM revlog")
            col.sched.set_due_date([ids[0]], "10")
            col.sched.schedule_cards_as_new([ids[0]])
            col.sched.set_due_date([ids[1]], "3!")
            return [tuple(r) for r in col.db.all(
                f"SELECT {', '.join(COLUMNS)} FROM revlog WHERE id > ? ORDER BY id", start)]
        finally:
            col.close()


def test_revlog_csv_and_apkg_write_anki_rows(tmp_path: Path) -> None:
    expected = anki_rows()
    assert len(expected) == 3
    with open_store(tmp_path / "db.sqlite3") as store:
        build(store)
        export_revlog(store, "d", tmp_path / "d.csv")
        export_apkg(store, "d", tmp_path / "d.apkg", at(4), with_history=True)
        export_revlog(store, "d", tmp_path / "d.fsrs.csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "d.csv").read_text())))
    manual = [tuple(int(r[c]) for c in COLUMNS) for r in rows if r["type"] == "4"]
    assert manual == expected
    assert [r["grade"] for r in rows if r["type"] == "4"] == ["0", "0", "0"]
    with zipfile.ZipFile(tmp_path / "d.apkg") as package:
        names = package.namelist()
        member = "collection.anki21" if "collection.anki21" in names else "collection.anki2"
        (tmp_path / "c.db").write_bytes(package.read(member))
    db = sqlite3.connect(tmp_path / "c.db")
    try:
        revlog = db.execute(f"SELECT {', '.join(COLUMNS)} FROM revlog WHERE type = 4 ORDER BY id").fetchall()
        cards = db.execute("SELECT type, queue, ivl, reps FROM cards ORDER BY nid").fetchall()
    finally:
        db.close()
    assert revlog == expected
    # 001 forgotten: a new card again (Anki: type 0, queue 0, ivl 0), its 2 reviews still its reps in
    # the log; 002: a review card with interval 3 and no review
    assert cards[1][:3] == (2, 2, 3) and cards[1][3] == 0
    assert cards[0][0] == 0
    fsrs_rows = list(csv.DictReader(io.StringIO((tmp_path / "d.fsrs.csv").read_text())))
    assert [r["review_rating"] for r in fsrs_rows] == ["4", "4"]  # the two reviews only


def test_the_fsrs_layout_reports_the_rows_it_wrote(tmp_path: Path) -> None:
    """'exported d: 2 cards, 5 reviews' for a file of two reviews: the count took in the three
    Forget and Set due date rows the fsrs-optimizer layout leaves out."""
    with open_store(tmp_path / "db.sqlite3") as store:
        build(store)
        fsrs = export_revlog(store, "d", tmp_path / "d.fsrs.csv")
        anki = export_revlog(store, "d", tmp_path / "d.csv")
    for result, name in ((fsrs, "d.fsrs.csv"), (anki, "d.csv")):
        with (tmp_path / name).open(newline="") as handle:
            assert result.reviews + result.manual == sum(1 for _ in csv.DictReader(handle))
    # the reviews are the graded rows, the Forget and Set due date rows counted apart (Anki's
    # layout writes them as type 4 with ease 0; the fsrs-optimizer layout leaves them out)
    with (tmp_path / "d.csv").open(newline="") as handle:
        manual = sum(1 for row in csv.DictReader(handle) if row["type"] == "4" and row["ease"] == "0")
    assert (fsrs.reviews, fsrs.manual, anki.reviews, anki.manual) == (2, 0, 2, manual) and manual == 3


def test_export_summaries_count_reviews_and_manual_rows_apart(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """'exported d: 2 cards, 5 reviews' counted a Forget and two Set due dates as reviews; each
    export names what it wrote, checked against the log's kinds read with plain sqlite3."""
    from flashdl.cli import main

    db_path = tmp_path / "db.sqlite3"
    with open_store(db_path) as store:
        build(store)
    db = sqlite3.connect(db_path)
    try:
        graded, manual = db.execute("SELECT sum(kind < 3), sum(kind >= 3) FROM review_log").fetchone()
    finally:
        db.close()
    for fmt, name, extra in (("yaml", "d.yaml", ["--with-history"]), ("revlog", "d.csv", []),
                             ("apkg", "d.apkg", ["--with-history"])):
        capsys.readouterr()
        assert main(["--db", str(db_path), "export", "d", "--format", fmt, "--out", str(tmp_path / name),
                     *extra]) == 0
        out = capsys.readouterr().out
        assert f", {graded} reviews (and {manual} Forget/Set due date rows) to " in out, out


def test_the_real_anki_imports_the_package_with_its_manual_rows(tmp_path: Path) -> None:
    from anki.collection import Collection
    from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    with open_store(tmp_path / "db.sqlite3") as store:
        build(store)
        export_apkg(store, "d", tmp_path / "d.apkg", at(4), with_history=True)
    col: Any = Collection(str(tmp_path / "anki.anki2"))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(
            package_path=str(tmp_path / "d.apkg"), options=ImportAnkiPackageOptions(with_scheduling=True)))
        assert col.db.scalar("SELECT count() FROM revlog WHERE type = 4 AND ease = 0") == 3
        assert sorted(col.db.list("SELECT type FROM cards")) == [0, 2]
    finally:
        col.close()


def test_history_side_file_carries_them_exactly(tmp_path: Path) -> None:
    def log(path: Path) -> list[tuple[Any, ...]]:
        db = sqlite3.connect(path)
        try:
            return db.execute("SELECT c.slug, r.reviewed_ms, r.study_day, r.grade, r.rating, r.kind, "
                              "r.repetitions_before, r.repetitions_after, r.ease_before, r.ease_after, "
                              "r.interval_before, r.interval_after, r.due_before, r.due_after, "
                              "r.last_review_before, r.pending_before FROM review_log r "
                              "JOIN card c ON c.id = r.card_id ORDER BY r.id").fetchall()
        finally:
            db.close()

    def cards(path: Path) -> list[tuple[Any, ...]]:
        db = sqlite3.connect(path)
        try:
            return db.execute("SELECT slug, repetitions, ease, interval, due, last_review, repeat_pending "
                              "FROM card ORDER BY slug").fetchall()
        finally:
            db.close()

    from flashdl.cli import main

    (tmp_path / "out").mkdir()
    with open_store(tmp_path / "db.sqlite3") as store:
        build(store)
        export_yaml(store, "d", tmp_path / "out" / "d.yaml", with_history=True)
    second = tmp_path / "second.sqlite3"
    for _again in range(2):  # the second time: nothing changes
        assert main(["--db", str(second), "import", str(tmp_path / "out" / "d.yaml"), "--with-history",
                     "--now", at(4).isoformat()]) == 0
    assert log(tmp_path / "second.sqlite3") == log(tmp_path / "db.sqlite3")
    assert cards(tmp_path / "second.sqlite3") == cards(tmp_path / "db.sqlite3")


def test_revlog_csv_read_back_skips_them(tmp_path: Path) -> None:
    from flashdl.formats.revlog_csv import read_revlog

    with open_store(tmp_path / "db.sqlite3") as store:
        build(store)
        export_revlog(store, "d", tmp_path / "d.csv")
    read = read_revlog((tmp_path / "d.csv").read_text(), "d.csv")
    assert read.cards == {} and read.before_reset == 2  # 001's two reviews came before its forget


def test_side_file_rows_say_what_they_are(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A forget row with a grade, or a review with rating 0, is refused naming the card; nothing
    is written."""
    import json

    from flashdl.cli import main

    (tmp_path / "out").mkdir()
    with open_store(tmp_path / "db.sqlite3") as store:
        build(store)
        export_yaml(store, "d", tmp_path / "out" / "d.yaml", with_history=True)
    side = tmp_path / "out" / "d.history.json"
    data = json.loads(side.read_text())
    forget_row = next(r for c in data["cards"] for r in c["reviews"] if r["kind"] == 3)
    forget_row["grade"] = 4
    side.write_text(json.dumps(data))
    second = tmp_path / "second.sqlite3"
    capsys.readouterr()
    assert main(["--db", str(second), "import", str(tmp_path / "out" / "d.yaml"), "--with-history",
                 "--now", at(4).isoformat()]) == 2
    err = capsys.readouterr().err
    assert "card '001': a forget or set due date row (kind 3) has rating and grade 0, not 0 and 4" in err
    assert err.count("\n") == 1


def test_reviews_are_not_merged_into_a_log_holding_a_forget(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A replay folds reviews only: a history import into a card whose log holds a forget or
    set due date is refused (exit 2, nothing imported) rather than folding them as reviews."""
    from flashdl.cli import main

    with open_store(tmp_path / "other.sqlite3") as other:
        deck = Deck(id="d", name="D", cards=(Card(id="001", front="Q1", back="A1"),
                                             Card(id="002", front="Q2", back="A2")))
        deck_sync.sync_decks(other, [(deck, None)], START)
        record_review(other, "d/001", 4, at(5))
        export_revlog(other, "d", tmp_path / "d.csv")
    db = tmp_path / "db.sqlite3"
    with open_store(db) as store:
        build(store)
    before = sqlite3.connect(db).execute("SELECT count(*) FROM review_log").fetchone()
    capsys.readouterr()
    assert main(["--db", str(db), "import", str(tmp_path / "d.csv"), "--format", "revlog",
                 "--now", at(6).isoformat()]) == 2
    assert "card d/001 has a forget or set due date in its log" in capsys.readouterr().err
    assert sqlite3.connect(db).execute("SELECT count(*) FROM review_log").fetchone() == before


ACTIONS = st.lists(st.tuples(st.sampled_from(["review", "forget", "set-due"]), st.sampled_from(["001", "002"]),
                             st.integers(0, 3), st.integers(0, 5), st.sampled_from(["0", "4", "1-9!"])),
                   max_size=10)


@settings(max_examples=15, deadline=None)
@given(actions=ACTIONS)
def test_any_log_round_trips_through_the_side_file(actions: list[tuple[str, str, int, int, str]]) -> None:
    """Whatever mix of reviews, forgets and set-dues: the side file brings back every log row and
    card state, and the imported state is the fold of the imported log."""
    import tempfile

    from flashdl.cli import main
    from flashdl.scheduler import sm2

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "out").mkdir()
        with open_store(tmp / "db.sqlite3") as store:
            deck = Deck(id="d", name="D", cards=(Card(id="001", front="Q1", back="A1"),
                                                 Card(id="002", front="Q2", back="A2")))
            deck_sync.sync_decks(store, [(deck, None)], START)
            offset = 0
            for action, card, gap, grade, spec in actions:
                offset += gap
                if action == "review":
                    record_review(store, f"d/{card}", grade, at(offset))
                elif action == "forget":
                    forget_cards(store, [f"d/{card}"], at(offset))
                else:
                    set_due_cards(store, [f"d/{card}"], parse_due_spec(spec), at(offset))
            export_yaml(store, "d", tmp / "out" / "d.yaml", with_history=True)
        assert main(["--db", str(tmp / "second.sqlite3"), "import", str(tmp / "out" / "d.yaml"),
                     "--with-history", "--now", at(offset + 1).isoformat()]) == 0
        columns = ("r.reviewed_ms, r.study_day, r.grade, r.rating, r.kind, r.repetitions_before, "
                   "r.repetitions_after, r.ease_before, r.ease_after, r.interval_before, r.interval_after, "
                   "r.due_before, r.due_after, r.last_review_before, r.pending_before")
        dumps = []
        for name in ("db.sqlite3", "second.sqlite3"):
            db = sqlite3.connect(tmp / name)
            log = db.execute(f"SELECT c.slug, {columns} FROM review_log r JOIN card c ON c.id = r.card_id "
                             "ORDER BY c.slug, r.id").fetchall()
            cards = db.execute("SELECT slug, repetitions, ease, interval, due, last_review, repeat_pending "
                               "FROM card ORDER BY slug").fetchall()
            db.close()
            dumps.append((log, cards))
        assert dumps[1] == dumps[0]
        log, cards = dumps[1]
        for slug, n, ease, interval, due, last, pending in cards:
            rows = [(r[5], date.fromisoformat(r[2]), r[3], None if r[13] is None else date.fromisoformat(r[13]),
                     r[11]) for r in log if r[0] == slug]
            assert sm2.replay_log(rows) == sm2.CardState(
                n, ease, interval, None if due is None else date.fromisoformat(due),
                None if last is None else date.fromisoformat(last), bool(pending))


def test_the_fsrs_layout_marks_the_first_review_of_a_card_given_a_due_date_new(tmp_path: Path) -> None:
    """A new card given a due date, then graded: its first review (a review, as in Anki) is the
    first of its history, which flashdl's own FSRS fit reads as complete; the fsrs-optimizer layout
    marks it review_state 0 (new) as for any card's first review, not 3 (relearning)."""
    deck = Deck(id="d", name="D", cards=(Card(id="001", front="Q1", back="A1"), Card(id="002", front="Q2", back="A2")))
    with open_store(tmp_path / "db.sqlite3") as store:
        deck_sync.sync_decks(store, [(deck, None)], START)
        set_due_cards(store, ["d/001"], parse_due_spec("0"), at(0))
        record_review(store, "d/001", 4, at(0))
        record_review(store, "d/001", 4, at(1))
        record_review(store, "d/002", 4, at(0))
        record_review(store, "d/002", 1, at(1))  # a lapse: 0 repetitions, relearning
        record_review(store, "d/002", 4, at(2))
        export_revlog(store, "d", tmp_path / "d.fsrs.csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "d.fsrs.csv").read_text())))
    states = [(r["card_id"], r["review_state"]) for r in rows]
    assert sorted(states) == [("d/001", "0"), ("d/001", "2"), ("d/002", "0"), ("d/002", "2"), ("d/002", "3")]
