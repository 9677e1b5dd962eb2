"""The 3-way merge of a bundled deck's release into the user's copy, against a slow reference.

The reference works on plain dicts, id by id over the union of ids, from the
rules as the issue states them (user edits win; the release's changes come in
where the user did not touch the field; both changed differently: a conflict
keeping the user's text; new release cards added; release deletions of
unedited cards applied), with none of the code under test.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from flashdl.deck.model import Card, Deck
from flashdl.formats.release_merge import (
    ADDED_BY_BOTH,
    BOTH_CHANGED,
    DELETED_BY_RELEASE,
    DELETED_BY_YOU,
    merge_release,
)

FIELDS = ("front", "back", "tags", "markup")


def reference(base: dict[str, dict[str, Any]], ours: dict[str, dict[str, Any]],
              theirs: dict[str, dict[str, Any]]) -> tuple[dict[str, dict[str, Any]], set[tuple[str, Any, str]]]:
    """id -> fields of the merged deck, and the set of (id, field or None, kind) conflicts."""
    result: dict[str, dict[str, Any]] = {}
    conflicts: set[tuple[str, Any, str]] = set()
    for card_id in sorted(set(base) | set(ours) | set(theirs)):
        b, o, t = base.get(card_id), ours.get(card_id), theirs.get(card_id)
        if o is None and t is None:
            continue  # deleted on both sides
        if o is None:
            assert t is not None
            if b is None:
                result[card_id] = t  # new in the release
            elif t != b:
                conflicts.add((card_id, None, DELETED_BY_YOU))  # stays deleted
            continue
        if t is None:
            if b is None:
                result[card_id] = o  # the user's own card
            elif o != b:
                result[card_id] = o
                conflicts.add((card_id, None, DELETED_BY_RELEASE))
            continue  # deleted by the release, unedited: gone
        if b is None:
            result[card_id] = o
            if o != t:
                conflicts.add((card_id, None, ADDED_BY_BOTH))
            continue
        merged = {}
        for name in FIELDS:
            user_changed, release_changed = o[name] != b[name], t[name] != b[name]
            if user_changed and release_changed and o[name] != t[name]:
                merged[name] = o[name]
                conflicts.add((card_id, name, BOTH_CHANGED))
            elif release_changed and not user_changed:
                merged[name] = t[name]
            else:
                merged[name] = o[name]
        result[card_id] = merged
    return result, conflicts


field_values = st.fixed_dictionaries({
    "front": st.sampled_from(["a", "b", "c"]),
    "back": st.sampled_from(["x", "y"]),
    "tags": st.sampled_from([(), ("t",), ("t", "u")]),
    "markup": st.sampled_from([None, "plain"]),
})
card_maps = st.dictionaries(st.sampled_from([f"{n:02d}" for n in range(8)]), field_values, max_size=8)


@st.composite
def three_versions(draw: st.DrawFn) -> tuple[dict[str, dict[str, Any]], ...]:
    """A base, and ours and theirs each mostly equal to it (so that merges are interesting)."""
    base = draw(card_maps)

    def derived() -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for card_id, fields in base.items():
            if draw(st.integers(0, 5)) == 0:
                continue  # deleted
            out[card_id] = {name: (draw(field_values)[name] if draw(st.integers(0, 2)) == 0 else value)
                            for name, value in fields.items()}
        out.update(draw(card_maps.map(lambda extra: {k: v for k, v in extra.items() if k not in base})))
        return out

    return base, derived(), derived()


def as_deck(cards: dict[str, dict[str, Any]], order: list[str] | None = None) -> Deck:
    ids = order if order is not None else sorted(cards)
    return Deck(id="d", name="D", cards=tuple(Card(id=card_id, **cards[card_id]) for card_id in ids))


def as_map(deck: Deck) -> dict[str, dict[str, Any]]:
    return {card.id: {name: getattr(card, name) for name in FIELDS} for card in deck.cards}


@settings(max_examples=300, deadline=None)
@given(three_versions(), st.randoms(use_true_random=False))
def test_merge_equals_the_reference(versions: tuple[dict[str, dict[str, Any]], ...], rnd: Any) -> None:
    base, ours, theirs = versions
    our_order = sorted(ours)
    rnd.shuffle(our_order)  # the user may have reordered cards
    result = merge_release(as_deck(base), as_deck(ours, our_order), as_deck(theirs))
    expected, conflicts = reference(base, ours, theirs)
    assert as_map(result.deck) == expected
    assert {(c.card, c.field, c.kind) for c in result.conflicts} == conflicts
    ids = [card.id for card in result.deck.cards]
    assert len(ids) == len(set(ids))
    kept = [card_id for card_id in ids if card_id in ours]
    assert kept == [card_id for card_id in our_order if card_id in expected]  # the user's order kept
    assert set(result.added) == {i for i in theirs if i not in base and i not in ours}
    assert set(result.removed) == {i for i in ours if i in base and i not in theirs and ours[i] == base[i]}


@given(three_versions())
@settings(max_examples=100, deadline=None)
def test_an_unchanged_release_changes_nothing(versions: tuple[dict[str, dict[str, Any]], ...]) -> None:
    base, ours, _ = versions
    result = merge_release(as_deck(base), as_deck(ours), as_deck(base))
    assert result.deck == as_deck(ours) and result.conflicts == () and not result.added


@given(three_versions())
@settings(max_examples=100, deadline=None)
def test_an_unedited_copy_becomes_the_release(versions: tuple[dict[str, dict[str, Any]], ...]) -> None:
    base, _, theirs = versions
    result = merge_release(as_deck(base), as_deck(base), as_deck(theirs))
    assert as_map(result.deck) == theirs and result.conflicts == ()


def test_a_new_release_card_lands_after_its_predecessor() -> None:
    card = {"front": "f", "back": "b", "tags": (), "markup": None}
    base = as_deck({"1": card, "2": card})
    ours = as_deck({"1": card, "2": card, "9": {**card, "front": "mine"}}, ["1", "2", "9"])
    theirs = as_deck({"1": card, "1a": card, "2": card, "0": card}, ["0", "1", "1a", "2"])
    result = merge_release(base, ours, theirs)
    assert [c.id for c in result.deck.cards] == ["0", "1", "1a", "2", "9"]


def test_deck_fields_merge_too() -> None:
    base = Deck(id="d", name="Old", description="same")
    ours = Deck(id="d", name="Mine", description="same")
    theirs = Deck(id="d", name="New", description="changed")
    result = merge_release(base, ours, theirs)
    assert (result.deck.name, result.deck.description) == ("Mine", "changed")
    assert [(c.card, c.field, c.kind) for c in result.conflicts] == [(None, "name", BOTH_CHANGED)]
    assert result.conflicts[0].message("d") == "d: name changed by you and by the new release; kept yours"


def test_errata_and_engine_merge_field_by_field() -> None:
    from flashdl.deck.model import EngineSpec, Erratum

    card = Card(id="1", front="f", back="b", engine=EngineSpec("fam", {"n": 1}))
    base = Deck(id="d", name="D", cards=(card,))
    ours = Deck(id="d", name="D", cards=(replace_card(card, errata=(Erratum(note="typo"),)),))
    theirs = Deck(id="d", name="D", cards=(replace_card(card, engine=EngineSpec("fam", {"n": 2})),))
    result = merge_release(base, ours, theirs)
    assert result.deck.cards == (Card(id="1", front="f", back="b", engine=EngineSpec("fam", {"n": 2}),
                                      errata=(Erratum(note="typo"),)),)
    assert result.conflicts == () and result.updated == ("1",)


def replace_card(card: Card, **changes: Any) -> Card:
    from dataclasses import replace

    return replace(card, **changes)
