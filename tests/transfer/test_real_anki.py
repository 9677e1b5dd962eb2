"""The real Anki (the ``anki`` package, an optional test dependency) reads what flashdl writes,
and flashdl reads what Anki writes, in every package layout. Skipped where ``anki`` is missing."""

from __future__ import annotations

import json
import re
import sqlite3
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from transfer_helpers import CARDS, ok, run

from flashdl.deck.files import load_deck_file
from flashdl.formats.anki_export import note_guid
from flashdl.formats.anki_import import guid_slug
from flashdl.formats.html_markdown import markdown_to_html, plain_to_html

anki_collection = pytest.importorskip("anki.collection")
BUNDLED = sorted(CARDS.glob("*.yaml"))


def _collection(path: Path) -> Any:
    return anki_collection.Collection(str(path))


def _import_into_anki(col: Any, package: Path) -> None:
    from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    col.import_anki_package(ImportAnkiPackageRequest(
        package_path=str(package),
        options=ImportAnkiPackageOptions(with_scheduling=True, update_notes=1, update_notetypes=1)))


def _as_shown(field: str) -> str:
    """What a browser shows of a field flashdl wrote (an independent reading: tags out,
    ``<br>`` as a line break, entities decoded, no-break spaces as spaces)."""
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", field.replace("<br>", "\n"))).replace("\xa0", " ")


def _export_from_anki(col: Any, out: Path, *, legacy: bool, scheduling: bool = False) -> None:
    from anki.collection import ExportAnkiPackageOptions

    options = ExportAnkiPackageOptions(with_scheduling=scheduling, with_deck_configs=False,
                                       with_media=True, legacy=legacy)
    col.export_anki_package(out_path=str(out), options=options, limit=None)  # the whole collection


@pytest.mark.skipif(not BUNDLED, reason="no bundled decks")
def test_anki_imports_every_bundled_deck_and_gives_it_back(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    ok(capsys, "import", "--bundled")
    col = _collection(tmp_path / "anki" / "collection.anki2") if (tmp_path / "anki").mkdir() is None else None
    decks = [load_deck_file(path) for path in BUNDLED]
    for deck in decks:
        out = tmp_path / f"{deck.id}.apkg"
        ok(capsys, "export", deck.id, "--format", "apkg", "--out", str(out))
        _import_into_anki(col, out)
    assert col.note_count() == sum(len(deck.cards) for deck in decks)
    for deck in decks:
        note_ids = col.find_notes(f'"deck:{deck.name}"')
        assert len(note_ids) == len(deck.cards)
        notes = {col.get_note(nid)["Card"]: col.get_note(nid) for nid in note_ids}
        for card in deck.cards:
            note = notes[f"{deck.id}/{card.id}"]
            # plain decks are HTML-escaped and keep their spaces and line breaks as written
            field_html = plain_to_html if deck.markup_of(card) == "plain" else markdown_to_html
            assert note["Front"] == field_html(card.front)
            assert note["Back"] == field_html(card.back)
            assert note.guid == note_guid(deck.id, card.id)
            assert set(card.tags) <= set(note.tags)
            assert bool(note["Solution"]) == (card.engine is not None or any(e.note.strip() for e in card.errata))
            # every correction's note is shown under the answer, as flashdl shows it under the sides
            shown = _as_shown(note["Solution"])
            for erratum in card.errata:
                if "$" not in erratum.note:  # (math goes to MathJax: its text is LaTeX there)
                    assert "✎ Corrected: " + erratum.note.strip() in shown
    # A second export of the same decks updates the notes in place (stable GUIDs).
    again = tmp_path / "again.apkg"
    ok(capsys, "export", decks[0].id, "--format", "apkg", "--out", str(again))
    _import_into_anki(col, again)
    assert col.note_count() == sum(len(deck.cards) for deck in decks)
    for legacy in (True, False):  # Anki's legacy layout, and its current one (zstd, schema 18)
        package = tmp_path / f"from-anki-{legacy}.apkg"
        _export_from_anki(col, package, legacy=legacy)
        monkeypatch.setenv("FLASHDL_DB", str(tmp_path / f"back-{legacy}.sqlite3"))
        ok(capsys, "import", str(package))
        for deck in decks:
            out = tmp_path / f"back-{legacy}-{deck.id}.yaml"
            ok(capsys, "export", deck.id, "--format", "yaml", "--out", str(out))
            assert load_deck_file(out) == deck
    col.close()


@pytest.fixture
def anki_made(tmp_path: Path) -> Any:
    """A collection made in Anki: Basic, Basic (and reversed card), Cloze, with HTML and media."""
    (tmp_path / "anki").mkdir()
    col = _collection(tmp_path / "anki" / "collection.anki2")
    deck_id = col.decks.id("DL::Conv")
    basic = col.new_note(col.models.by_name("Basic"))
    basic["Front"] = "<div>Output width for <b>W=32</b>, K=5?</div><div>(no padding)</div>"
    basic["Back"] = "28 &amp; \\(W-K+1\\) <img src=\"diagram.png\">"
    basic.tags = ["conv", "shapes"]
    col.add_note(basic, deck_id)
    reverse = col.new_note(col.models.by_name("Basic (and reversed card)"))
    reverse["Front"], reverse["Back"] = "stride", "step of the kernel"
    col.add_note(reverse, deck_id)
    cloze = col.new_note(col.models.by_name("Cloze"))
    cloze["Text"] = "A {{c1::max pool}} keeps the {{c2::largest::which?}} value"
    cloze["Back Extra"] = "per window"
    col.add_note(cloze, deck_id)
    return col


def _flashdl_cards(db: Path) -> dict[str, tuple[str, str, str]]:
    con = sqlite3.connect(db)
    try:
        return {slug: (front, back, tags) for slug, front, back, tags in
                con.execute("SELECT slug, front, back, tags FROM card ORDER BY position")}
    finally:
        con.close()


@pytest.mark.parametrize("legacy", [False, True])
def test_notes_made_in_anki_become_cards(anki_made: Any, legacy: bool, db: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    package = tmp_path / "anki.apkg"
    _export_from_anki(anki_made, package, legacy=legacy)
    out = ok(capsys, "import", str(package))
    assert "dl-conv" in out
    cards = list(_flashdl_cards(db).values())
    assert len(cards) == 5  # basic, forward + reverse, two cloze deletions
    assert cards[0][0] == "Output width for **W=32**, K=5?\n(no padding)"
    assert cards[0][1] == "28 & $W-K+1$ ![](diagram.png)"
    assert cards[0][2] == '["conv","shapes"]'
    assert (cards[1][0], cards[1][1]) == ("stride", "step of the kernel")
    assert (cards[2][0], cards[2][1]) == ("step of the kernel", "stride")
    assert cards[3][0] == "A [...] keeps the largest value"
    assert cards[3][1] == "A **max pool** keeps the largest value\n\nper window"
    assert cards[4][0] == "A max pool keeps the [which?] value"
    before = _flashdl_cards(db)
    ok(capsys, "import", str(package))  # ids come from Anki's GUIDs: a re-import matches
    assert _flashdl_cards(db) == before


def test_anki_scheduling_and_history_carry_over(anki_made: Any, db: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    col = anki_made
    col.sched.set_deck = None
    answered = 0
    for _ in range(3):
        card = col.sched.getCard()
        if card is None:
            break
        card.start_timer()
        col.sched.answerCard(card, 3)
        answered += 1
    suspended = col.find_cards("")[-1]
    col.sched.suspend_cards([suspended])
    package = tmp_path / "history.apkg"
    _export_from_anki(col, package, legacy=False, scheduling=True)
    out = ok(capsys, "import", str(package), "--with-history")
    assert f"{answered} reviews added" in out
    con = sqlite3.connect(db)
    try:
        log = con.execute("SELECT grade, rating, kind FROM review_log").fetchall()
        flags = con.execute("SELECT sum(suspended), sum(last_review IS NOT NULL) FROM card").fetchone()
    finally:
        con.close()
    assert log == [(4, 3, 0)] * answered  # Good -> q 4, first reviews
    assert flags == (1, answered)


def test_anki_text_exports_import_and_ours_update_anki_notes_in_place(
        anki_made: Any, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes_txt = tmp_path / "notes.txt"
    anki_made.export_note_csv(out_path=str(notes_txt), limit=None, with_html=True, with_tags=True,
                              with_deck=True, with_notetype=True, with_guid=True)
    assert "dl-conv" in ok(capsys, "import", str(notes_txt))
    fronts = [front for front, _back, _tags in _flashdl_cards(db).values()]
    assert fronts[0] == "Output width for **W=32**, K=5?\n(no padding)"
    # the Cloze note's two deletions are two cards (its raw {{c1::...}} text was one)
    assert fronts[2:] == ["A [...] keeps the largest value", "A max pool keeps the [which?] value"]

    from anki.import_export_pb2 import ImportCsvRequest

    deck_file = BUNDLED[0]
    deck = load_deck_file(deck_file)
    ok(capsys, "import", str(deck_file))
    package, table = tmp_path / "deck.apkg", tmp_path / "deck.tsv"
    ok(capsys, "export", deck.id, "--format", "apkg", "--out", str(package))
    ok(capsys, "export", deck.id, "--format", "tsv", "--out", str(table))
    col = anki_made
    before = col.note_count()
    _import_into_anki(col, package)
    metadata = col.get_csv_metadata(path=str(table), delimiter=None)
    assert metadata.guid_column == 1 and metadata.WhichOneof("notetype") == "global_notetype"
    col.import_csv(ImportCsvRequest(path=str(table), metadata=metadata))
    assert col.note_count() == before + len(deck.cards)  # matched by GUID, updated in place


def test_anki_text_export_of_flashdl_notes_comes_back_exactly(
        db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    deck = load_deck_file(BUNDLED[0])
    ok(capsys, "import", str(BUNDLED[0]))
    package = tmp_path / "deck.apkg"
    ok(capsys, "export", deck.id, "--format", "apkg", "--out", str(package))
    (tmp_path / "anki").mkdir()
    col = _collection(tmp_path / "anki" / "collection.anki2")
    _import_into_anki(col, package)
    text = tmp_path / "notes.txt"
    col.export_note_csv(out_path=str(text), limit=None, with_html=True, with_tags=True,
                        with_deck=True, with_notetype=True, with_guid=True)
    col.close()
    monkeypatch.setenv("FLASHDL_DB", str(tmp_path / "second.sqlite3"))
    ok(capsys, "import", str(text))
    out = tmp_path / "back.yaml"
    ok(capsys, "export", deck.id, "--format", "yaml", "--out", str(out))
    assert load_deck_file(out) == deck


class _AnkiSide(HTMLParser):
    """A side Anki rendered: its text, and the text of its active deletions (``class="cloze"``)."""

    def __init__(self, rendered: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.active: list[str] = []
        self._depth = 0  # span nesting inside the active deletion (0: outside it)
        self.feed(rendered)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "span" and (self._depth or ("class", "cloze") in attrs):
            self._depth += 1
            if self._depth == 1:
                self.active.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._depth:
            self.active[-1] += data


def _math(text: str) -> str:
    return " ".join(re.sub(r"\\\((.+?)\\\)", r"$\1$", text).split())


@pytest.mark.parametrize("with_html", [True, False])
def test_cloze_notes_of_anki_text_exports_become_a_card_per_deletion(
        with_html: bool, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Anki's "Notes in Plain Text" export of Cloze notes holds the raw ``{{c1::...}}`` text:
    flashdl imported each note as one card showing it. Now each deletion is a card, as Anki
    shows it (reference: Anki's own rendering of each card), with the .apkg import's ids, and
    ``\\(..\\)`` is math also when the export is without HTML."""
    (tmp_path / "anki").mkdir()
    col = _collection(tmp_path / "anki" / "collection.anki2")
    deck_id = col.decks.id("Cloze deck")
    for text, extra in [("{{c1::ReLU}} is \\(\\max(0, x)\\), {{c2::sigmoid::an S-curve}} is {{c3::smooth}}", ""),
                        ("{{c1::a {{c2::nested}} one}} and {{c1::twice}} then {{c4::four}}", "see the notes"),
                        ("A {{c1::\\(W-K+1\\)}} output", "")]:
        cloze = col.new_note(col.models.by_name("Cloze"))
        cloze["Text"], cloze["Back Extra"] = text, extra
        col.add_note(cloze, deck_id)
    basic = col.new_note(col.models.by_name("Basic"))
    basic["Front"], basic["Back"] = "Width?", "\\(W-K+1\\)"
    col.add_note(basic, deck_id)
    notes_txt = tmp_path / "notes.txt"
    col.export_note_csv(out_path=str(notes_txt), limit=None, with_html=with_html, with_tags=True,
                        with_deck=True, with_notetype=True, with_guid=True)
    ok(capsys, "import", str(notes_txt))
    ours = {slug: (front, back) for slug, (front, back, _tags) in _flashdl_cards(db).items()}
    expected = {}
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        note = card.note()
        if note.note_type()["name"] == "Basic":
            expected[guid_slug(note.guid)] = ("Width?", "$W-K+1$")
            continue
        rendered = card.render_output()
        front = _AnkiSide(rendered.question_text)
        back = _AnkiSide(rendered.answer_text)
        slug = f"{guid_slug(note.guid)}.c{card.ord + 1}"
        expected[slug] = (_math("".join(front.text)), _math("".join(back.text)))
        bold = re.findall(r"\*\*(.+?)\*\*", ours[slug][1])
        assert [_math(b) for b in bold] == [_math(a) for a in back.active]  # the answers, in bold
    col.close()
    assert sorted(ours) == sorted(expected)  # one card per Anki card, ids as an .apkg gives
    for slug, (front, back) in expected.items():
        assert _math(ours[slug][0]) == front
        assert _math(ours[slug][1].replace("**", "")) == back


def test_reviews_before_an_anki_reset_and_filtered_previews_are_not_replayed(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A card reset ("Forget") in Anki is new there, and Anki schedules it from the reviews
    after the reset only; a preview in a filtered deck (type 3, no ease) schedules nothing.
    flashdl replayed both, so a reset card came in as a review card. Reference: the real
    Anki's FSRS memory states, equal for a card with and without the rows Anki ignores."""
    from datetime import datetime

    from transfer_helpers import NOW

    (tmp_path / "anki").mkdir()
    col = _collection(tmp_path / "anki" / "collection.anki2")
    deck_id = col.decks.id("Reset")
    cards = {}
    for name in ("reset", "fresh", "previewed", "plain"):
        note = col.new_note(col.models.by_name("Basic"))
        note["Front"], note["Back"] = name, "answer"
        col.add_note(note, deck_id)
        cards[name] = note.cards()[0].id
    day_ms, start = 86_400_000, int(datetime.fromisoformat(NOW).timestamp() * 1000) - 30 * 86_400_000
    rows = {  # (day, button, revlog.type, ivl, factor): the reset row and the preview have factor 0
        "reset": [(0, 3, 0, 1, 2500), (3, 3, 1, 3, 2500), (10, 1, 1, 1, 2300), (11, 0, 4, 0, 0),
                  (12, 3, 0, 1, 2500)],
        "fresh": [(12, 3, 0, 1, 2500)],
        "previewed": [(0, 3, 0, 1, 2500), (5, 1, 3, 1, 0), (12, 3, 1, 12, 2500)],
        "plain": [(0, 3, 0, 1, 2500), (12, 3, 1, 12, 2500)],
    }
    for offset, (name, reviews) in enumerate(rows.items()):
        for day, button, kind, ivl, factor in reviews:
            col.db.execute("INSERT INTO revlog VALUES (?, ?, -1, ?, ?, 0, ?, 5000, ?)",
                           start + day * day_ms + offset, cards[name], button, ivl, factor, kind)
        col.db.execute("UPDATE cards SET type = 2, queue = 2, ivl = 1, due = 1, factor = 2500 WHERE id = ?",
                       cards[name])
    memory = {name: col.compute_memory_state(cid) for name, cid in cards.items()}
    assert memory["reset"] == memory["fresh"] and memory["previewed"] == memory["plain"]
    package = tmp_path / "reset.apkg"
    _export_from_anki(col, package, legacy=False, scheduling=True)
    col.close()
    code, out, err = run(capsys, "import", str(package), "--with-history")
    assert code == 0 and "review history: 6 reviews added to 4 cards" in out
    assert "3 review(s) made before their card was reset (Forget) in Anki not imported" in err
    con = sqlite3.connect(db)
    try:
        state = {front: rest for front, *rest in con.execute(
            "SELECT front, repetitions, ease, interval, due, last_review FROM card")}
        logged = dict(con.execute("SELECT c.front, count(*) FROM review_log r JOIN card c ON c.id = r.card_id "
                                  "GROUP BY c.front"))
    finally:
        con.close()
    assert state["reset"] == state["fresh"] and logged["reset"] == logged["fresh"] == 1
    assert state["previewed"] == state["plain"] and logged["previewed"] == logged["plain"] == 2


def test_image_occlusion_notes_are_skipped_with_a_reason_not_shown_as_coordinates(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Anki's Image Occlusion notes are clozes whose deletions are shapes on a picture: they
    came in as cards reading ``[...]image-occlusion:rect:left=.5:...``, with neither the picture
    nor the header on the front. They are skipped now, each card named, in a package and in
    Anki's text export; the notes beside them come in as before."""
    (tmp_path / "anki").mkdir()
    col = _collection(tmp_path / "anki" / "collection.anki2")
    occlusion = col.new_note(col.models.by_name("Image Occlusion"))
    occlusion["Occlusion"] = ("{{c1::image-occlusion:rect:left=.1:top=.1:width=.2:height=.2:oi=1}}"
                              "{{c2::image-occlusion:ellipse:left=.5:top=.5:rx=.1:ry=.1:oi=1}}")
    occlusion["Image"], occlusion["Header"] = '<img src="layers.png">', "Label the layers"
    col.media.write_data("layers.png", b"\x89PNG\r\n\x1a\n" + bytes(16))
    col.add_note(occlusion, 1)
    basic = col.new_note(col.models.by_name("Basic"))
    basic["Front"], basic["Back"] = "stride", "step of the kernel"
    col.add_note(basic, 1)
    assert len(occlusion.cards()) == 2
    package, notes_txt = tmp_path / "io.apkg", tmp_path / "io.txt"
    _export_from_anki(col, package, legacy=False)
    col.export_note_csv(out_path=str(notes_txt), limit=None, with_html=True, with_tags=True,
                        with_deck=True, with_notetype=True, with_guid=True)
    col.close()
    code, _out, err = run(capsys, "import", str(package))
    assert code == 0 and err.count("an image occlusion") == 2 and "card 2: an image occlusion" in err
    assert [front for front, _back, _tags in _flashdl_cards(db).values()] == ["stride"]
    assert not (db.parent / "media").exists()  # the picture of a skipped note is not extracted
    code, _out, err = run(capsys, "import", str(notes_txt), "--deck", "from-text")
    assert code == 0 and "line 7: an image occlusion" in err
    con = sqlite3.connect(db)
    try:
        assert con.execute("SELECT d.slug, c.front FROM card c JOIN deck d ON d.id = c.deck_id ORDER BY d.slug"
                           ).fetchall() == [("default", "stride"), ("from-text", "stride")]
    finally:
        con.close()


def test_two_anki_decks_named_without_latin_letters_stay_two_decks(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Both 日本語 and 中文 got the deck id ``anki``: importing the second deck retired every card
    of the first and renamed it, and a package holding both was refused."""
    packages = []
    for name in ("日本語", "中文"):
        (tmp_path / name).mkdir()
        col = _collection(tmp_path / name / "collection.anki2")
        deck_id = col.decks.id(name)
        for number in (1, 2):
            note = col.new_note(col.models.by_name("Basic"))
            note["Front"], note["Back"] = f"{name} {number}", "answer"
            col.add_note(note, deck_id)
        packages.append(tmp_path / f"{name}.apkg")
        _export_from_anki(col, packages[-1], legacy=False)
        col.close()
    for package in packages:
        report = json.loads(ok(capsys, "import", str(package), "--json"))
        assert [(deck["added"], deck["retired"]) for deck in report["decks"]] == [(2, 0)]
    ok(capsys, "import", str(packages[0]))  # again: the same deck, unchanged
    con = sqlite3.connect(db)
    try:
        decks = con.execute("SELECT d.name, count(*), sum(c.retired) FROM card c JOIN deck d ON d.id = c.deck_id "
                            "GROUP BY d.id ORDER BY d.name").fetchall()
    finally:
        con.close()
    assert decks == [("中文", 2, 0), ("日本語", 2, 0)]


@pytest.mark.parametrize("name", ["dl-exercises.yaml", "csw182-notes.yaml"])
def test_our_text_export_imported_into_anki_leaves_the_notes_of_our_apkg_as_they_are(
        name: str, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The documented use of a CSV/TSV export: into Anki onto the notes of an .apkg export. With
    the Markdown as the fields (#html:false) Anki replaced 31 of dl-exercises' 32 rendered notes by
    raw text (`$32 \\times 32$`, `**`), which it does not render; the fields must stay Anki's."""
    from anki.import_export_pb2 import ImportCsvRequest

    deck_file = CARDS / name
    if not deck_file.exists():
        pytest.skip("no bundled decks")
    deck = load_deck_file(deck_file)
    ok(capsys, "import", str(deck_file))
    package, table = tmp_path / "deck.apkg", tmp_path / "deck.tsv"
    ok(capsys, "export", deck.id, "--format", "apkg", "--out", str(package))
    ok(capsys, "export", deck.id, "--format", "tsv", "--out", str(table))
    (tmp_path / "anki").mkdir()
    col = _collection(tmp_path / "anki" / "collection.anki2")
    try:
        _import_into_anki(col, package)

        def fields() -> dict[str, list[str]]:
            return {col.get_note(nid).guid: list(col.get_note(nid).fields) for nid in col.find_notes("")}

        before = fields()
        assert len(before) == len(deck.cards)
        metadata = col.get_csv_metadata(path=str(table), delimiter=None)
        col.import_csv(ImportCsvRequest(path=str(table), metadata=metadata))
        after = fields()
    finally:
        col.close()
    # a field a spreadsheet would run as a formula (`-0.1894`, `- item`) starts with its character's
    # entity (`&#45;`), which Anki shows as the character: the same note to the student
    changed = [guid for guid in before
               if any(new != old and new != f"&#{ord(old[0])};{old[1:]}"
                      for old, new in zip(before[guid], after[guid], strict=True))]
    assert changed == [], [(a, b) for a, b in zip(before[changed[0]], after[changed[0]]) if a != b]
