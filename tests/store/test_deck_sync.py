"""Deck sync: idempotent, all-or-nothing, edits keep history, removals retire."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from store_helpers import NOW, computed_card, dump, make_deck

from flashdl.deck import dump_deck
from flashdl.errors import InputError
from flashdl.services import browse, deck_list, deck_sync
from flashdl.services.reviews import record_review
from flashdl.store import Store


def test_import_then_reimport_is_idempotent(store: Store) -> None:
    deck = make_deck(count=3)
    first = deck_sync.sync_decks(store, [(deck, "a.yaml")], NOW)
    assert (first.added, first.decks[0].created) == (3, True)
    before = dump(store.path)
    again = deck_sync.sync_decks(store, [(deck, "a.yaml")], NOW)
    assert (again.added, again.updated, again.retired, again.decks[0].unchanged) == (0, 0, 0, 3)
    assert dump(store.path) == before


def test_edit_keeps_history_and_removal_retires(store: Store) -> None:
    deck = make_deck(count=3)
    deck_sync.sync_decks(store, [(deck, "a.yaml")], NOW)
    record_review(store, "quiz/001", 5, NOW)
    edited = replace(deck, cards=(replace(deck.cards[0], back="fixed typo"), deck.cards[1]))
    report = deck_sync.sync_decks(store, [(edited, "a.yaml")], NOW)
    assert (report.updated, report.retired, report.added) == (1, 1, 0)
    details = browse.card_details(store, "quiz/001")
    assert details.back == "fixed typo" and len(details.history) == 1
    assert details.state.repetitions == 1
    gone = browse.card_details(store, "quiz/003")
    assert gone.retired
    assert [d.total for d in deck_list.list_decks(store, NOW)] == [2]
    assert browse.search_cards(store, "Q3") == []
    assert [h.card for h in browse.search_cards(store, "Q3", include_retired=True)] == ["quiz/003"]
    back = deck_sync.sync_decks(store, [(deck, "a.yaml")], NOW)
    assert (back.restored, back.updated) == (1, 1)
    assert not browse.card_details(store, "quiz/003").retired


def test_content_and_engine_are_stored(store: Store) -> None:
    deck = replace(make_deck(count=1), cards=(computed_card(),), source="quiz.txt", tags=("cnn",))
    deck_sync.sync_decks(store, [(deck, "/decks/quiz.yaml")], NOW)
    details = browse.card_details(store, "quiz/900")
    assert details.engine == deck.cards[0].engine
    assert details.engine.params == {"in_channels": 3, "out_channels": 10}
    assert deck_list.list_decks(store, NOW)[0].path == "/decks/quiz.yaml"


def test_many_files_are_all_or_nothing(store: Store, tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(dump_deck(make_deck("good", 2)))
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\nname: Bad\ncards:\n  - id: '1'\n    front: x\n    bak: y\n")
    before = dump(store.path)
    with pytest.raises(InputError) as error:
        deck_sync.import_deck_files(store, [good, bad], NOW)
    assert "bad.yaml:6" in str(error.value)
    assert dump(store.path) == before


def test_duplicate_deck_ids_refused(store: Store, tmp_path: Path) -> None:
    for name in ("one.yaml", "two.yaml"):
        (tmp_path / name).write_text(dump_deck(make_deck("same", 1)))
    with pytest.raises(InputError, match="also the id"):
        deck_sync.import_deck_files(store, [tmp_path], NOW)
    assert deck_list.list_decks(store, NOW) == []


def test_failure_midway_rolls_back(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    import flashdl.services.deck_sync as module

    calls = []
    real = module.sync_deck

    def failing(db, deck, path, now_ms):  # type: ignore[no-untyped-def]
        calls.append(deck.id)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        return real(db, deck, path, now_ms)

    monkeypatch.setattr(module, "sync_deck", failing)
    with pytest.raises(RuntimeError):
        deck_sync.sync_decks(store, [(make_deck("a"), None), (make_deck("b"), None)], NOW)
    assert deck_list.list_decks(store, NOW) == []


def test_ensure_bundled_only_on_empty_database(store: Store, tmp_path: Path) -> None:
    (tmp_path / "b.yaml").write_text(dump_deck(make_deck("bundled", 2)))
    first = deck_sync.ensure_bundled_decks(store, NOW, tmp_path)
    assert first is not None and first.added == 2
    assert deck_sync.ensure_bundled_decks(store, NOW, tmp_path) is None


def test_another_file_with_the_same_deck_id_does_not_take_the_deck_over(store: Store, tmp_path: Path) -> None:
    """Two unrelated files that happen to share a deck id (two courses' "quiz-1"), imported one
    after the other: the second retired every card of the first and its card "001" came in with
    the first file's "001" history, a different question shown as already learnt. Now it is
    refused, naming the file that holds the deck; a deck whose old file moved away is taken."""
    first, second = tmp_path / "course-a" / "quiz.yaml", tmp_path / "course-b" / "quiz.yaml"
    for path, deck in ((first, make_deck(count=2)), (second, make_deck(count=1, prefix="Other"))):
        path.parent.mkdir()
        path.write_text(dump_deck(deck))
    deck_sync.import_deck_files(store, [first], NOW)
    record_review(store, "quiz/001", 5, NOW)
    before = dump(store.path)
    with pytest.raises(InputError, match=f"already the deck of {first}"):
        deck_sync.import_deck_files(store, [second], NOW)
    assert dump(store.path) == before
    first.rename(tmp_path / "course-a" / "moved.yaml")  # the old file gone: the deck moved here
    report = deck_sync.import_deck_files(store, [second], NOW)
    assert (report.updated, report.retired) == (1, 1)
    assert deck_list.list_decks(store, NOW)[0].path == str(second)


def test_a_files_changed_deck_id_retires_the_old_decks_cards(store: Store, tmp_path: Path) -> None:
    """`id: quiz` changed to `id: quiz-3` in the same file: the new deck came in, and the old one's
    cards stayed in study beside their copies (every card due twice, once with its history).
    Now the old deck's cards are retired, as cards gone from the file are, and come back with
    their history when the id is changed back."""
    path = tmp_path / "quiz.yaml"
    path.write_text(dump_deck(make_deck("quiz", 2)))
    deck_sync.import_deck_files(store, [path], NOW)
    record_review(store, "quiz/001", 5, NOW)
    path.write_text(dump_deck(make_deck("quiz-3", 2)))
    report = deck_sync.import_deck_files(store, [path], NOW)
    assert [(d.deck, d.added, d.retired) for d in report.decks] == [("quiz-3", 2, 0), ("quiz", 0, 2)]
    assert {d.id: d.total for d in deck_list.list_decks(store, NOW)} == {"quiz": 0, "quiz-3": 2}
    assert sorted(h.card for h in browse.search_cards(store, "Q1")) == ["quiz-3/001"]
    path.write_text(dump_deck(make_deck("quiz", 2)))
    back = deck_sync.import_deck_files(store, [path], NOW)
    assert [(d.deck, d.restored, d.retired) for d in back.decks] == [("quiz", 2, 0), ("quiz-3", 0, 2)]
    assert len(browse.card_details(store, "quiz/001").history) == 1
    assert {d.id: d.total for d in deck_list.list_decks(store, NOW)} == {"quiz": 2, "quiz-3": 0}


def test_a_file_named_twice_is_imported_once(store: Store, tmp_path: Path) -> None:
    """`flashdl import decks/ decks/quiz.yaml` (or overlapping globs) read quiz.yaml twice and
    refused it: "deck id 'quiz' is also the id of .../quiz.yaml", the same file."""
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "quiz.yaml").write_text(dump_deck(make_deck("quiz", 2)))
    (folder / "other.yaml").write_text(dump_deck(make_deck("other", 1)))
    report = deck_sync.import_deck_files(store, [folder, folder / "quiz.yaml", tmp_path / "decks" / ".." / "decks"
                                                 / "quiz.yaml"], NOW)
    assert sorted((d.deck, d.added) for d in report.decks) == [("other", 1), ("quiz", 2)]
