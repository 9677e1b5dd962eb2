"""A deck's ``markup:`` (how its text is shown) through the store: schema 7, sync, reads, exports."""

from __future__ import annotations

import io
import sqlite3
from dataclasses import replace
from pathlib import Path

from store_helpers import NOW, dump, make_deck

from flashdl.deck import Card, Deck, parse_deck
from flashdl.services import browse, deck_sync
from flashdl.services.exchange.exports import export_apkg, export_yaml
from flashdl.services.reviews import record_review
from flashdl.services.show import card_content
from flashdl.services.study import StudySession
from flashdl.store import SCHEMA_VERSION, Store, open_store


def _plain_deck() -> Deck:
    return Deck(id="src", name="From a source", markup="plain", cards=(
        Card("001", "Compute (1*1) + (2*0)", "- # channels\n- <b>not bold</b> & *not italic*\n"),
        Card("002", "A Markdown card in a plain deck", "**bold**", markup="markdown"),
    ))


def _columns(db: sqlite3.Connection, table: str) -> dict[str, str]:
    return {name: kind for _cid, name, kind, *_rest in db.execute(f"PRAGMA table_info({table})")}


def test_schema_6_gains_the_markup_columns_with_its_data_intact(tmp_path: Path) -> None:
    path = tmp_path / "six.sqlite3"
    with open_store(path) as store:
        deck_sync.sync_decks(store, [(make_deck(count=2), "quiz.yaml")], NOW)
        record_review(store, "quiz/001", 4, NOW)
    # Back to schema 6: the columns (and 8's practice, 9's options, 10's leeches) did not exist.
    db = sqlite3.connect(path)
    db.executescript("DROP TABLE practice_attempt; DROP INDEX ix_review_log_typed;"
                     "ALTER TABLE card DROP COLUMN markup; ALTER TABLE deck DROP COLUMN markup;"
                     "ALTER TABLE deck DROP COLUMN options; ALTER TABLE card DROP COLUMN sm2_due;"
                     "ALTER TABLE card DROP COLUMN fsrs_stability;"
                     "ALTER TABLE card DROP COLUMN fsrs_difficulty; DROP INDEX ix_card_leech;"
                     "ALTER TABLE card DROP COLUMN leech; ALTER TABLE review_log DROP COLUMN leech_flags_before;"
                     "PRAGMA user_version = 6;")
    db.close()
    before = [line for line in dump(path).splitlines() if line.startswith('INSERT INTO "review_log"')]
    with open_store(path) as store:
        details = browse.card_details(store, "quiz/001")
    assert SCHEMA_VERSION >= 7
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert _columns(db, "deck")["markup"] == "VARCHAR" and _columns(db, "card")["markup"] == "VARCHAR"
    assert db.execute("SELECT count(*) FROM card WHERE markup IS NULL").fetchone()[0] == 2
    db.close()
    # Schema 10 appends leech_flags_before (NULL) to each log row.
    assert [line for line in dump(path).splitlines() if line.startswith('INSERT INTO "review_log"')] == [
        line.removesuffix(");") + ",NULL);" for line in before]
    assert details.markup == "markdown" and len(details.history) == 1  # the default, history kept
    fresh = tmp_path / "fresh.sqlite3"
    with open_store(fresh):
        pass
    db, new = sqlite3.connect(path), sqlite3.connect(fresh)
    for table in ("deck", "card"):
        assert _columns(db, table) == _columns(new, table)
    db.close()
    new.close()


def test_markup_reaches_every_reader(store: Store) -> None:
    deck_sync.sync_decks(store, [(_plain_deck(), "src.yaml")], NOW)
    session = StudySession(store, NOW, "src")
    card = session.next_card()
    assert card is not None and (card.card, card.markup) == ("src/001", "plain")
    assert browse.card_details(store, "src/002").markup == "markdown"  # the card's own
    assert {hit.card: hit.markup for hit in browse.search_cards(store, "")} == {
        "src/001": "plain", "src/002": "markdown"}
    assert card_content(store, "src/001").markup == "plain"


def test_changing_only_the_markup_keeps_the_cards_and_shows_them_anew(store: Store) -> None:
    deck = _plain_deck()
    deck_sync.sync_decks(store, [(deck, "src.yaml")], NOW)
    record_review(store, "src/001", 5, NOW)
    report = deck_sync.sync_decks(store, [(replace(deck, markup="markdown"), "src.yaml")], NOW)
    assert (report.added, report.updated, report.retired) == (0, 0, 0)
    details = browse.card_details(store, "src/001")
    assert details.markup == "markdown" and len(details.history) == 1
    changed = replace(deck, cards=(deck.cards[0], replace(deck.cards[1], markup=None)))
    assert deck_sync.sync_decks(store, [(changed, "src.yaml")], NOW).updated == 1
    assert browse.card_details(store, "src/002").markup == "plain"  # now the deck's


def test_yaml_export_writes_the_markup_back(store: Store, tmp_path: Path) -> None:
    deck = _plain_deck()
    deck_sync.sync_decks(store, [(deck, "src.yaml")], NOW)
    out = tmp_path / "src.yaml"
    export_yaml(store, "src", out)
    text = out.read_text(encoding="utf-8")
    assert "\nname: From a source\nmarkup: plain\n" in text
    assert parse_deck(text, "src.yaml") == deck


def test_apkg_export_escapes_plain_text_and_keeps_its_lines(store: Store, tmp_path: Path) -> None:
    from flashdl.formats.anki_import import decks_from_collection
    from flashdl.services.exchange.anki_packages import read_package

    deck = _plain_deck()
    deck_sync.sync_decks(store, [(deck, "src.yaml")], NOW)
    out = tmp_path / "src.apkg"
    export_apkg(store, "src", out, NOW)
    package = read_package(io.BytesIO(out.read_bytes()), "src.apkg")
    fields = {note.fields[3]: note.fields for note in package.collection.notes}
    plain, markdown = fields["src/001"], fields["src/002"]
    assert plain[0] == "Compute (1*1) + (2*0)"
    assert plain[1] == "- # channels<br>- &lt;b&gt;not bold&lt;/b&gt; &amp; *not italic*<br>"
    assert markdown[1] == "<b>bold</b>"  # a Markdown card is rendered as before
    back = decks_from_collection(package.collection, "src.apkg").decks[0].deck
    assert back == deck  # the text and the markup come back from flashdl's own data
