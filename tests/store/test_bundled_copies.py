"""Bundled decks: copied beside the database, edited there, a new release merged in (history kept)."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from store_helpers import NOW, dump, make_deck

import flashdl
from flashdl.deck import dump_deck, files
from flashdl.deck.files import load_deck_file
from flashdl.deck.model import Card
from flashdl.errors import InputError, UsageError
from flashdl.services import browse, deck_list, deck_sync
from flashdl.services.add_card import add_card
from flashdl.services.bundled_copies import (
    EditableDeck,
    deck_file_for_edit,
    refresh_bundled_copies,
    sync_bundled_decks,
)
from flashdl.services.reviews import record_review
from flashdl.store import Store


@pytest.fixture
def release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in for the installed package's bundled decks: one deck of five cards."""
    folder = tmp_path / "release"
    folder.mkdir()
    (folder / "quiz.yaml").write_text(dump_deck(make_deck("quiz", 5)))
    monkeypatch.setattr(files, "bundled_decks_dir", lambda: folder)
    return folder


def copies(store: Store) -> Path:
    return Path(str(store.path) + ".decks")


def test_first_import_copies_and_points_the_deck_at_the_copy(store: Store, release: Path) -> None:
    text = (release / "quiz.yaml").read_text()
    report = sync_bundled_decks(store, NOW, release)
    copy = copies(store) / "quiz.yaml"
    assert report.slugs("copied") == ["quiz"] and report.sync.added == 5
    assert copy.read_text() == text and (copies(store) / ".base" / "quiz.yaml").read_text() == text
    assert [d.path for d in deck_list.list_decks(store, NOW)] == [str(copy.resolve())]
    assert deck_file_for_edit(store, "quiz", NOW) == EditableDeck(path=copy, bundled_copy=True)
    with store.read() as conn:
        (number,) = conn.db.execute("SELECT id FROM deck WHERE slug = 'quiz'").fetchone()
    assert deck_file_for_edit(store, number, NOW).path == copy  # by the database's id too
    again = sync_bundled_decks(store, NOW, release)
    assert again.slugs("unchanged") == ["quiz"] and again.conflict_lines() == []
    assert refresh_bundled_copies(store, NOW, release) is None


def test_a_new_release_merges_into_the_users_copy(store: Store, release: Path) -> None:
    sync_bundled_decks(store, NOW, release)
    record_review(store, "quiz/001", 5, NOW)
    copy = copies(store) / "quiz.yaml"
    mine = load_deck_file(copy)
    c = mine.cards
    # The user fixes 001's back and 002's front, and adds a card (the way ``flashdl add`` does).
    add_card(store, "quiz", "my front", "my back", (), NOW)
    edited = replace(load_deck_file(copy), cards=(
        replace(c[0], back="my fix"), replace(c[1], front="my front 2"), *load_deck_file(copy).cards[2:]))
    copy.write_text(dump_deck(edited))
    # The release changes 001's back too (a conflict), 002's back (merges), 003's front; drops 004
    # (unedited: removed) and adds 010 after 002.
    new = Card(id="010", front="new", back="card")
    r = make_deck("quiz", 5).cards
    (release / "quiz.yaml").write_text(dump_deck(replace(make_deck("quiz", 5), cards=(
        replace(r[0], back="release fix"), replace(r[1], back="release back 2"), new,
        replace(r[2], front="release front 3"), r[4]))))
    report = refresh_bundled_copies(store, NOW, release)
    assert report is not None and report.slugs("merged") == ["quiz"]
    assert report.conflict_lines() == [
        "quiz/001: back changed by you and by the new release; kept yours"]
    merged = load_deck_file(copy)
    assert [(k.id, k.front, k.back) for k in merged.cards] == [
        ("001", "Q1 front", "my fix"), ("002", "my front 2", "release back 2"), ("010", "new", "card"),
        ("003", "release front 3", "Q3 back"), ("005", "Q5 front", "Q5 back"), ("006", "my front", "my back")]
    assert (copies(store) / ".base" / "quiz.yaml").read_text() == (release / "quiz.yaml").read_text()
    details = browse.card_details(store, "quiz/001")
    assert details.back == "my fix" and len(details.history) == 1  # history kept
    assert browse.card_details(store, "quiz/004").retired
    assert browse.card_details(store, "quiz/010").front == "new"
    assert refresh_bundled_copies(store, NOW, release) is None  # merged once


def test_an_unedited_copy_simply_becomes_the_new_release(store: Store, release: Path) -> None:
    sync_bundled_decks(store, NOW, release)
    newer = dump_deck(make_deck("quiz", 7, prefix="R"))
    (release / "quiz.yaml").write_text(newer)
    report = sync_bundled_decks(store, NOW, release)
    assert report.slugs("merged") == ["quiz"] and report.conflict_lines() == []
    assert (copies(store) / "quiz.yaml").read_text() == newer  # byte for byte, not re-dumped


def test_a_legacy_database_pointing_into_the_package_is_copied_on_edit(store: Store, release: Path) -> None:
    deck_sync.sync_decks(store, [(load_deck_file(release / "quiz.yaml"), str(release / "quiz.yaml"))], NOW)
    before = (release / "quiz.yaml").read_text()
    card = add_card(store, "quiz", "f", "b", ("t",), NOW)
    assert card == "quiz/006"
    assert (release / "quiz.yaml").read_text() == before  # the package is never written
    copy = copies(store) / "quiz.yaml"
    assert load_deck_file(copy).cards[-1] == Card(id="006", front="f", back="b", tags=("t",))
    assert [d.path for d in deck_list.list_decks(store, NOW)] == [str(copy.resolve())]
    copy.unlink()
    with pytest.raises(UsageError, match="import --bundled copies it again"):
        deck_file_for_edit(store, "quiz", NOW)


def test_a_file_inside_the_installed_package_is_refused(store: Store) -> None:
    inside = Path(flashdl.__file__).parent / "no-such-deck.yaml"
    deck_sync.sync_decks(store, [(make_deck("pkg", 1), str(inside))], NOW)
    with pytest.raises(UsageError, match="inside the installed flashdl package"):
        deck_file_for_edit(store, "pkg", NOW)
    assert not inside.exists()


def test_a_deck_of_ones_own_is_edited_where_it_is(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(dump_deck(make_deck("mine", 1)))
    deck_sync.import_deck_files(store, [path], NOW)
    assert deck_file_for_edit(store, "mine", NOW) == EditableDeck(path=path.resolve(), bundled_copy=False)
    deck_sync.sync_decks(store, [(make_deck("other", 1), None)], NOW)
    with pytest.raises(UsageError, match="no deck file"):
        deck_file_for_edit(store, "other", NOW)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_copy_that_is_not_a_regular_file_is_refused_and_nothing_changes(store: Store, release: Path) -> None:
    copies(store).mkdir()
    os.mkfifo(copies(store) / "quiz.yaml")
    before = dump(store.path)
    with pytest.raises(UsageError, match="not a regular file"):
        sync_bundled_decks(store, NOW, release)
    assert dump(store.path) == before and not (copies(store) / ".base").exists()


def test_a_broken_copy_stops_the_merge_before_any_write(store: Store, release: Path) -> None:
    sync_bundled_decks(store, NOW, release)
    (copies(store) / "quiz.yaml").write_text("deck: {id: quiz\n")
    (release / "quiz.yaml").write_text(dump_deck(make_deck("quiz", 6)))
    base = (copies(store) / ".base" / "quiz.yaml").read_text()
    before = dump(store.path)
    with pytest.raises(InputError) as caught:
        sync_bundled_decks(store, NOW, release)
    assert "quiz.yaml" in str(caught.value.position or caught.value)
    assert dump(store.path) == before and (copies(store) / ".base" / "quiz.yaml").read_text() == base


def test_a_copy_without_its_base_still_gets_the_releases_new_cards(store: Store, release: Path) -> None:
    """With the copy's base gone (`.base/` removed by hand), a new release's cards were never
    added: the release itself stood in for the base, so each new card looked deleted by the user,
    and once the base was rewritten it stayed so for good. The copy still wins every field it has."""
    sync_bundled_decks(store, NOW, release)
    copy = copies(store) / "quiz.yaml"
    mine = load_deck_file(copy)
    edited = replace(mine, cards=(replace(mine.cards[0], back="my back"), *mine.cards[1:]))
    copy.write_text(dump_deck(edited))
    (copies(store) / ".base" / "quiz.yaml").unlink()
    newer = make_deck("quiz", 6)
    newer = replace(newer, cards=(newer.cards[0], replace(newer.cards[1], back="release back"), *newer.cards[2:]))
    (release / "quiz.yaml").write_text(dump_deck(newer))
    report = sync_bundled_decks(store, NOW, release)
    assert report.slugs("merged") == ["quiz"] and report.sync.added == 1
    assert load_deck_file(copy).cards == (*edited.cards, newer.cards[5])
    assert browse.card_details(store, "quiz/006").front == "Q6 front"


def test_a_database_pointing_into_an_older_install_is_taken_over_by_the_copy(
        store: Store, release: Path, tmp_path: Path) -> None:
    """A database from before copies whose deck points into another, older install of flashdl
    (still on disk): `import --bundled` moves the deck to its copy, history kept."""
    old_install = tmp_path / "old-site-packages" / "flashdl" / "bundled_decks" / "quiz.yaml"
    old_install.parent.mkdir(parents=True)
    old_install.write_text((release / "quiz.yaml").read_text())
    deck_sync.import_deck_files(store, [old_install], NOW)
    record_review(store, "quiz/001", 4, NOW)
    report = sync_bundled_decks(store, NOW, release)
    assert report.slugs("copied") == ["quiz"]
    assert [d.path for d in deck_list.list_decks(store, NOW)] == [str((copies(store) / "quiz.yaml").resolve())]
    assert len(browse.card_details(store, "quiz/001").history) == 1


def test_import_bundled_never_takes_over_a_students_own_deck_with_a_bundled_id(
        store: Store, release: Path, tmp_path: Path) -> None:
    """A student's own deck file `id: quiz` (the bundled decks' ids are quiz-2, lesson-6, ...),
    studied; then `import --bundled`: the bundled quiz took the deck over, its cards got the
    student's histories of different questions and the student's other cards were retired.
    Now it is refused before anything is written, naming the student's file."""
    own = tmp_path / "mine" / "quiz.yaml"
    own.parent.mkdir()
    own.write_text(dump_deck(make_deck("quiz", 2, prefix="Mine")))
    deck_sync.import_deck_files(store, [own], NOW)
    record_review(store, "quiz/001", 5, NOW)
    before = dump(store.path)
    with pytest.raises(InputError, match=f"already the deck of {own}"):
        sync_bundled_decks(store, NOW, release)
    assert dump(store.path) == before and not copies(store).exists()
    assert browse.card_details(store, "quiz/001").front == "Mine1 front"


@pytest.mark.parametrize("old_install_kept", [True, False])
def test_adding_to_a_deck_of_an_older_install_writes_the_copy_never_that_install(
        store: Store, release: Path, tmp_path: Path, old_install_kept: bool) -> None:
    """A database from before copies (made by a flashdl installed elsewhere: an old virtualenv,
    a pipx install on an older Python) points its bundled deck into that install. `add` wrote the
    card into the old install's package file (lost with it), or, that install removed, said the
    file was missing. Now the card goes to the user's copy, made from the release the deck came
    from, and the old install's file is left byte for byte."""
    old_text = dump_deck(make_deck("quiz", 4))  # an older release: one card fewer
    old_install = tmp_path / "old-venv" / "lib" / "flashdl" / "bundled_decks" / "quiz.yaml"
    old_install.parent.mkdir(parents=True)
    old_install.write_text(old_text)
    deck_sync.import_deck_files(store, [old_install], NOW)
    record_review(store, "quiz/002", 4, NOW)
    if not old_install_kept:
        old_install.unlink()
    card = add_card(store, "quiz", "mine", "my answer", (), NOW)
    copy = copies(store) / "quiz.yaml"
    if old_install_kept:
        assert old_install.read_text() == old_text
        assert (copies(store) / ".base" / "quiz.yaml").read_text() == old_text
        assert card == "quiz/005"
    else:
        assert not old_install.exists()
        assert (copies(store) / ".base" / "quiz.yaml").read_text() == (release / "quiz.yaml").read_text()
        assert card == "quiz/006"
    assert load_deck_file(copy).cards[-1] == Card(id=card.split("/")[1], front="mine", back="my answer")
    assert [d.path for d in deck_list.list_decks(store, NOW)] == [str(copy.resolve())]
    assert len(browse.card_details(store, "quiz/002").history) == 1
    assert browse.card_details(store, card).front == "mine"


def test_a_students_own_deck_in_a_folder_named_like_an_install_is_edited_where_it_is(
        store: Store, release: Path, tmp_path: Path) -> None:
    """Only a deck flashdl ships is taken for an older install's: a deck of one's own in a folder
    that happens to be called flashdl/bundled_decks is still edited in place."""
    own = tmp_path / "flashdl" / "bundled_decks" / "mine.yaml"
    own.parent.mkdir(parents=True)
    own.write_text(dump_deck(make_deck("mine", 1)))
    deck_sync.import_deck_files(store, [own], NOW)
    assert deck_file_for_edit(store, "mine", NOW) == EditableDeck(path=own, bundled_copy=False)


def test_a_release_that_changes_a_studied_card_says_so(store: Store, release: Path) -> None:
    """A student who learnt 001's back from the old release is told the new one changed it (they
    may have memorised what it corrected); nothing is rescheduled. Not told: a card never studied
    (003), one forgotten since (004: it is new and will be learnt from the new text), a change of
    tags only (002), and a field where the student's own edit was kept (005, a conflict)."""
    from flashdl.services.manual_schedule import forget_cards

    sync_bundled_decks(store, NOW, release)
    for card in ("quiz/001", "quiz/002", "quiz/004", "quiz/005"):
        record_review(store, card, 4, NOW)
    forget_cards(store, ["quiz/004"], NOW)
    copy = copies(store) / "quiz.yaml"
    mine = load_deck_file(copy)
    copy.write_text(dump_deck(replace(mine, cards=(*mine.cards[:4], replace(mine.cards[4], back="my 5")))))
    deck_sync.sync_decks(store, [(load_deck_file(copy), str(copy.resolve()))], NOW)
    with store.read() as conn:
        schedule_before = conn.db.execute("SELECT slug, due, interval, ease FROM card ORDER BY slug").fetchall()
    r = make_deck("quiz", 5).cards
    (release / "quiz.yaml").write_text(dump_deck(replace(make_deck("quiz", 5), cards=(
        replace(r[0], back="corrected 1"), replace(r[1], tags=("t", "new-tag")),
        replace(r[2], front="reworded 3"), replace(r[3], back="corrected 4"),
        replace(r[4], back="release 5", front="release front 5")))))
    report = refresh_bundled_copies(store, NOW, release)
    assert report is not None
    assert report.changed_lines() == [
        "quiz/001: the new release changed its back, which you have studied; "
        "to learn it anew: flashdl card forget quiz/001 (F on its card)",
        "quiz/005: the new release changed its front, which you have studied; "
        "to learn it anew: flashdl card forget quiz/005 (F on its card)",
    ]
    assert report.conflict_lines() == ["quiz/005: back changed by you and by the new release; kept yours"]
    with store.read() as conn:
        assert conn.db.execute("SELECT slug, due, interval, ease FROM card ORDER BY slug").fetchall() == schedule_before
        assert conn.db.execute("SELECT back FROM card WHERE slug = '001'").fetchone() == ("corrected 1",)
    assert refresh_bundled_copies(store, NOW, release) is None  # said once


def test_import_bundled_tells_the_changed_studied_cards(store: Store, release: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """`flashdl import --bundled`: one stderr line per such card, and `--json`'s "changed"."""
    import json

    from flashdl.cli import main

    db = str(store.path)
    store.close()
    assert main(["--db", db, "--now", NOW.isoformat(), "import", "--bundled"]) == 0
    assert main(["--db", db, "--now", NOW.isoformat(), "review", "--card", "quiz/002", "--grade", "5"]) == 0
    r = make_deck("quiz", 5).cards
    (release / "quiz.yaml").write_text(dump_deck(replace(make_deck("quiz", 5), cards=(
        r[0], replace(r[1], back="corrected 2"), *r[2:]))))
    capsys.readouterr()
    assert main(["--db", db, "--now", NOW.isoformat(), "import", "--bundled", "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["changed"] == [{
        "deck": "quiz", "card": "002", "fields": ["back"],
        "message": "quiz/002: the new release changed its back, which you have studied; "
                   "to learn it anew: flashdl card forget quiz/002 (F on its card)"}]
    assert err == ("flashdl: changed: quiz/002: the new release changed its back, which you have studied; "
                   "to learn it anew: flashdl card forget quiz/002 (F on its card)\n")
