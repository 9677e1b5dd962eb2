"""A deck's ``tags`` apply to every card (DESIGN §2): searches, custom study, practice and the
card's views see them; the deck file, its export and the tag editor keep each card's own.

Found by an exploratory TUI review: dl-exercises.yaml says ``tags: [exercise]`` and `tag:exercise`
found 0 cards everywhere."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from cli_helpers import NOW, run, run_json

from flashdl.deck.files import load_deck_file
from flashdl.services import browse
from flashdl.services.edit_card import card_for_edit
from flashdl.store import open_store

DECK = """\
id: tagged
name: Tagged
tags: [deckwide, shared]
cards:
  - id: plain
    front: What is one?
    back: One.
    tags: [own, shared]
  - id: conv
    front: Output size?
    back: Use the formula.
    engine:
      family: conv2d_output_size
      params: {input: [9, 9], kernel: [3, 3], padding: 1, stride: 2}
"""
OTHER = """\
id: other
name: Other
cards:
  - id: x
    front: Unrelated
    back: Unrelated.
"""


@pytest.fixture
def decks(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    for name, text in (("tagged", DECK), ("other", OTHER)):
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
        assert run(capsys, "import", str(tmp_path / f"{name}.yaml"), "--now", NOW)[0] == 0
    return db


def test_show_lists_the_cards_own_tags_then_the_decks(decks: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_json(capsys, "show", "tagged/plain", "--now", NOW)["tags"] == ["own", "shared", "deckwide"]
    assert run_json(capsys, "show", "tagged/conv", "--now", NOW)["tags"] == ["deckwide", "shared"]
    assert run_json(capsys, "show", "other/x", "--now", NOW)["tags"] == []


def test_searches_find_cards_by_their_decks_tags(decks: Path) -> None:
    with open_store(decks) as store:
        hits = browse.search_cards(store, "deckwide")
        assert sorted(hit.card for hit in hits) == ["tagged/conv", "tagged/plain"]
        assert {hit.card: hit.tags for hit in hits}["tagged/conv"] == ("deckwide", "shared")
        assert [hit.card for hit in browse.search_cards(store, "own")] == ["tagged/plain"]


def test_custom_study_and_practice_filter_by_deck_tags(decks: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("q\n"))
    code, out, err = run(capsys, "study", "--search", "tag:deckwide", "--plain", "--now", NOW)
    assert code == 0, err
    assert "tag:deckwide · 2 cards" in out
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, out, err = run(capsys, "practice", "--tag", "deckwide", "--count", "1", "--plain", "--now", NOW)
    assert code == 0, err
    assert "from tagged/conv" in out


def test_the_file_the_export_and_the_tag_editor_keep_the_cards_own_tags(
    decks: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_store(decks) as store:
        assert card_for_edit(store, "tagged/plain").tags == ("own", "shared")
        assert card_for_edit(store, "tagged/conv").tags == ()
    out = tmp_path / "out.yaml"
    assert run(capsys, "export", "tagged", "--format", "yaml", "--out", str(out))[0] == 0
    exported = load_deck_file(out)
    assert exported.tags == ("deckwide", "shared")
    assert [card.tags for card in exported.cards] == [("own", "shared"), ()]
