"""``edit_card``: the deck file changes in that card only, the store follows, history and ids stay."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from store_helpers import dump

from flashdl.deck.files import bundled_decks_dir, load_deck_file
from flashdl.deck.model import Erratum
from flashdl.deck.yaml_edit import USER_EDIT_NOTE
from flashdl.errors import FlashdlError
from flashdl.services.browse import card_details
from flashdl.services.deck_sync import import_bundled_decks, import_deck_files
from flashdl.services.edit_card import card_for_edit, edit_card
from flashdl.services.reviews import record_review
from flashdl.store import Store

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
TEXT = """format: flashdl-deck/1
id: quiz
name: Quiz  # my own deck
cards:
# first block
- id: '001'
  front: Question 1
  back: Answer 1
- id: '002'   # this one is studied
  front: Question 2
  back: |
    Answer 2
    on two lines
  tags: [old]
# the end
"""


@pytest.fixture
def deck_file(tmp_path: Path, store: Store) -> Path:
    path = tmp_path / "quiz.yaml"
    path.write_text(TEXT)
    import_deck_files(store, [path], NOW)
    record_review(store, "quiz/002", 4, NOW)
    return path


def test_edit_writes_that_card_only_and_keeps_ids_and_history(store: Store, deck_file: Path) -> None:
    before = card_details(store, "quiz/002")
    assert edit_card(store, "quiz", "002", "New *question*", "New answer", ["new", "tags"], NOW) == "quiz/002"
    text = deck_file.read_text()
    head, tail = TEXT.split("- id: '002'")
    assert text.startswith(head) and text.endswith("# the end\n")
    card = load_deck_file(deck_file).card("002")
    assert (card.front, card.back, card.tags, card.errata) == ("New *question*", "New answer", ("new", "tags"), ())
    after = card_details(store, "quiz/002")
    assert after.id == before.id and after.history == before.history and after.state == before.state
    assert (after.front, after.back, after.tags) == ("New *question*", "New answer", ("new", "tags"))
    assert card_details(store, "quiz/001").front == "Question 1"


def test_none_keeps_what_the_file_has(store: Store, deck_file: Path) -> None:
    edit_card(store, "quiz", "002", None, None, ["only-tags"], NOW)
    card = load_deck_file(deck_file).card("002")
    assert (card.front, card.back, card.tags) == ("Question 2", "Answer 2\non two lines\n", ("only-tags",))
    assert card_for_edit(store, "quiz/002").tags == ("only-tags",)


def test_a_card_from_a_source_keeps_the_source_text(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "notes.yaml"
    path.write_text(TEXT.replace("name: Quiz", "source: notes.txt\nname: Quiz"))
    import_deck_files(store, [path], NOW)
    edit_card(store, "quiz", "001", "Question one", None, None, NOW)
    assert card_details(store, "quiz/001").errata == (
        Erratum(note=USER_EDIT_NOTE, field="front", original="Question 1"),)


def test_an_unchanged_edit_writes_nothing(store: Store, deck_file: Path) -> None:
    stamp = deck_file.stat().st_mtime_ns
    edit_card(store, "quiz", "001", "Question 1", "Answer 1", [], NOW)
    assert deck_file.stat().st_mtime_ns == stamp and deck_file.read_text() == TEXT


@pytest.mark.parametrize(("deck", "card", "front", "tags", "message"), [
    ("nope", "001", "f", [], "unknown deck"),
    ("quiz", "999", "f", [], "no card '999'"),
    ("quiz", "001", " ", [], "non-empty"),
    ("quiz", "001", "f", ["two words"], "one word"),
])
def test_bad_edits_change_nothing(store: Store, deck_file: Path, tmp_path: Path, deck: str, card: str,
                                  front: str, tags: list[str], message: str) -> None:
    before = dump(tmp_path / "flashdl.sqlite3")
    with pytest.raises(FlashdlError, match=message):
        edit_card(store, deck, card, front, "b", tags, NOW)
    assert deck_file.read_text() == TEXT and dump(tmp_path / "flashdl.sqlite3") == before


def test_a_bundled_deck_is_edited_in_the_users_copy_never_in_the_package(store: Store, tmp_path: Path) -> None:
    import_bundled_decks(store, NOW)
    package_file = sorted(bundled_decks_dir().glob("*.yaml"))[0]
    package_text = package_file.read_bytes()
    deck = load_deck_file(package_file)
    edit_card(store, deck.id, deck.cards[0].id, "my front", "my back", ["mine"], NOW)
    assert package_file.read_bytes() == package_text
    copy = load_deck_file(tmp_path / "flashdl.sqlite3.decks" / package_file.name)
    assert (copy.cards[0].front, copy.cards[0].back, copy.cards[0].tags) == ("my front", "my back", ("mine",))
    shown = card_details(store, f"{deck.id}/{deck.cards[0].id}", NOW)
    assert (shown.front, shown.back) == ("my front", "my back")


def test_a_card_the_student_added_to_a_bundled_deck_is_their_own_text(store: Store, tmp_path: Path) -> None:
    """Editing a card the student added to a bundled deck (whose cards come from a source)
    recorded their own first wording as "the source's" text, with the note "edited by user";
    the released cards still keep the source's text when edited."""
    from flashdl.services.add_card import add_card

    import_bundled_decks(store, NOW)
    package_file = sorted(bundled_decks_dir().glob("*.yaml"))[0]
    deck = load_deck_file(package_file)
    assert deck.source is not None
    added = add_card(store, deck.id, "my question", "my answer", [], NOW).partition("/")[2]
    edit_card(store, deck.id, added, "my better question", "my answer", [], NOW)
    copy = tmp_path / "flashdl.sqlite3.decks" / package_file.name
    mine = load_deck_file(copy).card(added)
    assert (mine.front, mine.errata) == ("my better question", ())
    released = deck.cards[0]
    edit_card(store, deck.id, released.id, "changed", released.back, list(released.tags), NOW)
    changed = load_deck_file(copy).card(released.id)
    assert changed.source_text("front") == released.source_text("front")  # kept as an erratum
    assert any(e.field == "front" and e.original is not None for e in changed.errata)


def test_an_added_card_is_written_as_dump_deck_writes_it(store: Store, deck_file: Path) -> None:
    """Multi-line text as a literal block, as in every deck flashdl writes (not a folded quote)."""
    from flashdl.services.add_card import add_card

    add_card(store, "quiz", "Two\nlines", "x", ["t"], NOW)
    assert deck_file.read_text() == TEXT + "- id: '003'\n  front: |-\n    Two\n    lines\n  back: x\n  tags: [t]\n"


# -- the file's own line breaks and BOM -------------------------------------------------------

@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("newline", [b"\r\n", b"\n", b"\r"])
def test_an_edit_keeps_the_files_line_breaks_and_bom(store: Store, tmp_path: Path, newline: bytes,
                                                      bom: bytes) -> None:
    """A CRLF file (as written on Windows) came back LF on every line, and a BOM was dropped: the
    whole file changed for an edit of one card. Only that card's lines may change."""
    path = tmp_path / "quiz.yaml"
    raw = bom + TEXT.encode().replace(b"\n", newline)
    path.write_bytes(raw)
    import_deck_files(store, [path], NOW)
    edit_card(store, "quiz", "001", "Edited\nfront", None, None, NOW)
    new = path.read_bytes()
    head, tail = raw.split(b"- id: '001'")[0], raw.split(b"  back: Answer 1" + newline)[1]
    assert new.startswith(head) and new.endswith(tail)  # the BOM, the comments, card 002: as they were
    middle = new[len(head):len(new) - len(tail)]
    assert middle == b"- id: '001'" + newline + b"  front: |-" + newline + b"    Edited" + newline \
        + b"    front" + newline + b"  back: Answer 1" + newline
    assert yaml.safe_load(new.decode("utf-8-sig"))["cards"][0]["front"] == "Edited\nfront"
    assert card_details(store, "quiz/001").front == "Edited\nfront"


# -- a file changed by hand since its import ---------------------------------------------------

def test_a_hand_edit_not_yet_imported_survives_an_edit_of_another_field(store: Store, deck_file: Path) -> None:
    """The file's front of 002 fixed in a text editor, not re-imported; then the card's back edited
    in flashdl's form, which starts from the database's text and saves every field: the hand-made
    fix was silently written back to the old front. Now a field saved as the editor was shown it
    keeps the file's text."""
    deck_file.write_text(TEXT.replace("front: Question 2", "front: Question 2, fixed by hand"))
    shown = card_for_edit(store, "quiz/002")
    assert shown.front == "Question 2"  # the form shows the imported text
    edit_card(store, "quiz", "002", shown.front, "New answer", list(shown.tags), NOW)
    card = load_deck_file(deck_file).card("002")
    assert (card.front, card.back, card.tags) == ("Question 2, fixed by hand", "New answer", ("old",))
    assert card_details(store, "quiz/002").front == "Question 2, fixed by hand"


def test_a_field_changed_in_the_file_and_in_the_editor_differently_is_refused(
        store: Store, deck_file: Path, tmp_path: Path) -> None:
    deck_file.write_text(TEXT.replace("tags: [old]", "tags: [by-hand]"))
    text, before = deck_file.read_text(), dump(tmp_path / "flashdl.sqlite3")
    with pytest.raises(FlashdlError, match="the tags of card '002' were changed in the file since it was imported"):
        edit_card(store, "quiz", "002", "Question 2", "Answer 2\non two lines\n", ["in-form"], NOW)
    assert deck_file.read_text() == text and dump(tmp_path / "flashdl.sqlite3") == before
    import_deck_files(store, [deck_file], NOW)  # as the message says: then the form starts from the file
    edit_card(store, "quiz", "002", "Question 2", "Answer 2\non two lines\n", ["by-hand", "more"], NOW)
    assert load_deck_file(deck_file).card("002").tags == ("by-hand", "more")


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["no BOM", "BOM"])
@pytest.mark.parametrize("change", ["edit", "add"])
def test_a_windows_made_deck_keeps_its_crlf_and_bom(tmp_path: Path, bom: bytes, change: str) -> None:
    """A deck saved with CRLF line ends (and Notepad's BOM) came back from an edit or `add` all
    LF, without its BOM: every line showed as changed. The reference: the same change to the
    same deck saved with LF, then given the Windows form."""
    from flashdl.services.add_card import add_card
    from flashdl.store import open_store

    results = {}
    for form, data in (("unix", TEXT.encode()), ("windows", bom + TEXT.replace("\n", "\r\n").encode())):
        folder = tmp_path / form
        folder.mkdir()
        path = folder / "quiz.yaml"
        path.write_bytes(data)
        with open_store(folder / "flashdl.sqlite3") as opened:
            import_deck_files(opened, [path], NOW)
            if change == "edit":
                edit_card(opened, "quiz", "002", "New\nfront", "New answer", ["new"], NOW)
            else:
                assert add_card(opened, "quiz", "Front\non two lines", "Back", ["t"], NOW) == "quiz/003"
        results[form] = path.read_bytes()
    assert results["unix"] != TEXT.encode() and b"\r" not in results["unix"]
    assert results["windows"] == bom + results["unix"].replace(b"\n", b"\r\n")
