"""Decks imported from CSV through the services: edits go to ``<DB>.decks/ID.yaml`` (made by the
first edit), and importing the CSV again gives what a straightforward model of "the file's changes,
the user's edits kept" says — checked against that model for generated files and edits."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from store_helpers import NOW

from flashdl.deck.files import load_deck_file
from flashdl.services.add_card import add_card
from flashdl.services.edit_card import edit_card
from flashdl.services.exchange.imports import apply_import, load_text
from flashdl.store import Store, bulk, open_store

FRONTS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"]
TEXT = st.text(alphabet="abcxyz ()", min_size=1, max_size=8).map(str.strip).filter(bool)


def _csv_bytes(rows: dict[str, str]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows.items())
    return out.getvalue().encode()


def _stored(store: Store) -> dict[str, tuple[str, str]]:
    """The deck's active cards in the database: front -> (card id, back)."""
    with store.read() as conn:
        info = bulk.deck_info(conn, "relu")
        assert info is not None
        return {c.front: (c.slug, c.back) for c in bulk.deck_cards(conn, info.id)}


@settings(max_examples=25, deadline=None)
@given(
    first=st.dictionaries(st.sampled_from(FRONTS), TEXT, min_size=1),
    edits=st.dictionaries(st.sampled_from(FRONTS), TEXT),
    added=st.dictionaries(st.sampled_from(["mine-1", "mine-2"]), TEXT),
    second=st.dictionaries(st.sampled_from(FRONTS), TEXT, min_size=1),
)
def test_reimport_is_the_files_changes_with_the_users_edits_kept(
    first: dict[str, str], edits: dict[str, str], added: dict[str, str], second: dict[str, str],
) -> None:
    edits = {front: f"u {back}" for front, back in edits.items() if front in first}  # differs from any file's
    with tempfile.TemporaryDirectory() as folder:
        source, db = Path(folder) / "relu.csv", Path(folder) / "h.sqlite3"
        copy = Path(f"{db}.decks") / "relu.yaml"
        source.write_bytes(_csv_bytes(first))
        with open_store(db) as store:
            apply_import(store, load_text([source], "relu", ","), NOW)
            ids = {front: slug for front, (slug, _back) in _stored(store).items()}
            for front, back in edits.items():
                edit_card(store, "relu", ids[front], None, back, None, NOW)
            for front, back in added.items():
                add_card(store, "relu", front, back, (), NOW)
            source.write_bytes(_csv_bytes(second))
            apply_import(store, load_text([source], "relu", ","), NOW)
            stored = {front: back for front, (_slug, back) in _stored(store).items()}
        # The model: an edited card keeps the user's text (whether the file changed or dropped
        # it), the file's other cards are as the file says, the user's added cards stay.
        expected = {**{f: b for f, b in second.items() if f not in edits}, **edits, **added}
        assert stored == expected
        assert source.read_bytes() == _csv_bytes(second)  # never written
        assert copy.exists() == bool(edits or added)
        if copy.exists():
            assert {c.front: c.back for c in load_deck_file(copy).cards} == expected
