"""Anki fields without formatting come in as plain text (``markup: plain``) and are shown as Anki
shows them; read as Markdown, ``# of layers`` was a heading, ``__init__`` bold and ``2*3*4`` an
italic 3 in the terminal UI, and a field's second line joined its first."""

from __future__ import annotations

import csv
import html
import io
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from transfer_helpers import ok

from flashdl.presentation.card_text import render_side


def _as_anki_shows(field: str) -> str:
    """What a browser shows of a field made of text, ``<br>``/``<div>`` and entities only
    (an independent reading: no flashdl code)."""
    text = re.sub(r"<br\s*/?>|<div>", "\n", field)
    return html.unescape(re.sub(r"</div>", "", text)).strip()


def _cards(db: Path) -> dict[str, tuple[str, str, str | None]]:
    con = sqlite3.connect(db)
    try:
        return {front: (front, back, markup) for front, back, markup in
                con.execute("SELECT front, back, markup FROM card ORDER BY position")}
    finally:
        con.close()


def _shown(text: str, markup: str | None) -> tuple[str, bool]:
    side = render_side(text, markup=markup or "markdown")
    return side.text, side.markdown


FIELDS = [
    ("Question:<br># of layers in ResNet-50?", "50 (see __init__ and 2*3*4 = 24)"),
    ("<div>1. first</div><div>- dash &amp; &lt;tag&gt;</div>", "a_b_c and [link](x)"),
]


def test_html_fields_without_formatting_are_shown_as_anki_shows_them(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = "".join(f"{front}\t{back}\n" for front, back in FIELDS)
    source = tmp_path / "notes.txt"
    source.write_text("#separator:tab\n#html:true\n" + rows + "What is <b>x</b>?\tbold\n")
    ok(capsys, "import", str(source))
    cards = list(_cards(db).values())
    for (front_html, back_html), (front, back, markup) in zip(FIELDS, cards, strict=False):
        assert markup == "plain"
        assert _shown(front, markup) == (_as_anki_shows(front_html), False)
        assert _shown(back, markup) == (_as_anki_shows(back_html), False)
    assert cards[-1][0] == "What is **x**?" and cards[-1][2] is None  # formatting: Markdown, as before


def test_a_formula_kept_as_mathjax_keeps_the_card_markdown(db: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """``\\(x\\)5`` stays MathJax (``$x$5`` would not read as math), which only the Markdown
    renderer reads: as plain text the card showed the backslashes and parentheses."""
    source = tmp_path / "notes.txt"
    source.write_text("#separator:tab\n#html:true\nWhat is \\(x\\)5?\tand \\( y \\)\n")
    ok(capsys, "import", str(source))
    [(front, back, markup)] = _cards(db).values()
    assert markup is None
    assert _shown(front, markup)[0] == "What is x5?" and _shown(back, markup)[0] == "and y"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=st.lists(st.text(alphabet=st.characters(codec="utf-8", blacklist_categories=("Cs", "Cc", "Zl", "Zp"),
                                               blacklist_characters="$\\\t\"#"),
                        min_size=1).map(str.strip).filter(bool), min_size=2, max_size=2, unique=True))
def test_text_of_a_plain_csv_is_shown_character_for_character(
        fields: list[str], db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``#html:false`` (and a headerless two-column file, as Quizlet writes): Anki shows every
    character as typed, so flashdl does (no ``$`` math, whose rendering is the point of it)."""
    out = io.StringIO()
    csv.writer(out, delimiter="\t", lineterminator="\n").writerow(fields)
    source = tmp_path / "plain.txt"
    source.write_text("#separator:tab\n#html:false\n" + out.getvalue())
    fresh = tmp_path / f"{len(list(tmp_path.glob('*.sqlite3')))}.sqlite3"
    ok(capsys, "--db", str(fresh), "import", str(source), "--deck", "plain")
    [(front, back, markup)] = _cards(fresh).values()
    assert _shown(front, markup) == (fields[0], False)
    assert _shown(back, markup) == (fields[1], False)


def test_notes_made_in_anki_without_formatting_are_plain(db: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    collection = pytest.importorskip("anki.collection")
    from anki.collection import ExportAnkiPackageOptions

    (tmp_path / "anki").mkdir()
    col: Any = collection.Collection(str(tmp_path / "anki" / "collection.anki2"))
    deck_id = col.decks.id("Sizes")
    made = [("# of layers in VGG-16?", "16 (13 conv + 3 fc)"),
            ("<div>__init__ vs __call__</div><div>2*3*4</div>", "*args and **kwargs"),
            ("Is <i>this</i> formatted?", "yes")]
    for front, back in made:
        note = col.new_note(col.models.by_name("Basic"))
        note["Front"], note["Back"] = front, back
        col.add_note(note, deck_id)
    package = tmp_path / "sizes.apkg"
    col.export_anki_package(out_path=str(package), options=ExportAnkiPackageOptions(
        with_scheduling=False, with_deck_configs=False, with_media=False, legacy=True), limit=None)
    col.close()
    ok(capsys, "import", str(package))
    cards = list(_cards(db).values())
    for (front_html, back_html), (front, back, markup) in zip(made[:2], cards, strict=False):
        assert markup == "plain"
        assert _shown(front, markup) == (_as_anki_shows(front_html), False)
        assert _shown(back, markup) == (_as_anki_shows(back_html), False)
    assert cards[2][2] is None and cards[2][0] == "Is *this* formatted?"
    # and back out to YAML and in again: the card keeps its markup and text
    out = tmp_path / "sizes.yaml"
    ok(capsys, "export", "sizes", "--format", "yaml", "--out", str(out))
    fresh = tmp_path / "again.sqlite3"
    ok(capsys, "--db", str(fresh), "import", str(out))
    assert _cards(fresh) == _cards(db)

