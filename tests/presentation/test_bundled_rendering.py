"""Every side of every bundled card, and every engine family's text, as the study screen shows it.

All of it goes through ``render_side`` / ``engine_text``, the functions the
TUI's ``CardFace`` and the line mode call. The expected text is built here
independently: the source text with each ``$...$`` span (found by a scanner
written for this test) replaced by its formula's Unicode, so a lost
character, a merged line or an eaten ``*`` shows up as a difference.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from flashdl.deck.files import load_deck_file
from flashdl.deck.model import MARKUP_PLAIN, Card, Deck
from flashdl.engine import FAMILIES, generate_variant
from flashdl.presentation.card_text import (
    CORRECTION_MARK,
    engine_text,
    render_side,
    render_text,
)
from flashdl.presentation.latex_text import latex_to_unicode

CARDS = Path(__file__).resolve().parents[2] / "cards"
BUNDLED = sorted(CARDS.glob("*.yaml"))
RAW_TEX = re.compile(r"\\[A-Za-z]+")
SEEDS = range(6)


def _decks() -> list[Deck]:
    return [load_deck_file(path) for path in BUNDLED]


def _math_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, latex) of each ``$$..$$`` / ``$..$`` span: a scan by hand, as a reader would.

    A span opens at a ``$`` not after a backslash, not followed by a space, and closes at the
    next ``$`` (``$$`` for display) on the same line not after a space and not followed by a
    digit; a ``$`` that closes nothing is a dollar sign.
    """
    index = 0
    while index < len(text):
        if text[index] != "$" or (index and text[index - 1] == "\\"):
            index += 1
            continue
        if text.startswith("$$", index):
            end = text.find("$$", index + 2)
            if end > index + 2:
                yield index, end + 2, text[index + 2:end]
                index = end + 2
                continue
        end = index + 1
        found = None
        if end < len(text) and not text[end].isspace():
            while end < len(text) and text[end] != "\n":
                if text[end] == "$" and text[end - 1] != "\\":
                    if not text[end - 1].isspace() and not text[end + 1:end + 2].isdigit():
                        found = end
                    break
                end += 1
        if found is not None:
            yield index, found + 1, text[index + 1:found]
            index = found + 1
        else:
            index += 1


def _expected(text: str) -> str:
    """The source text with its formulas in Unicode (and ``\\$`` a dollar), nothing else changed."""
    out, last = [], 0
    for start, end, latex in _math_spans(text):
        out.append(text[last:start].replace("\\$", "$"))
        out.append(latex_to_unicode(latex))
        last = end
    out.append(text[last:].replace("\\$", "$"))
    return "".join(out)


def _sides() -> Iterator[tuple[str, Deck, Card, str]]:
    for deck in _decks():
        for card in deck.cards:
            for side in ("front", "back"):
                yield f"{deck.id}/{card.id} {side}", deck, card, side


SIDES = list(_sides())


def test_the_bundled_decks_are_all_plain_text() -> None:
    assert BUNDLED, "no bundled decks"
    assert {deck.id: deck.markup for deck in _decks()} == {
        deck.id: MARKUP_PLAIN for deck in _decks()}


@pytest.mark.parametrize(("where", "deck", "card", "side"), SIDES, ids=[s[0] for s in SIDES])
def test_every_side_shows_every_character_of_its_source(where: str, deck: Deck, card: Card,
                                                        side: str) -> None:
    text = card.front if side == "front" else card.back
    shown = render_side(text, markup=deck.markup_of(card), errata=card.errata, side=side)
    assert shown.markdown is False  # nothing is read as Markdown
    body, *notes = shown.text.split("\n\n" + CORRECTION_MARK)
    assert body == _expected(text).rstrip()
    assert body.count("\n") == text.rstrip().count("\n"), "line breaks kept"
    expected_notes = [e.note for e in card.errata if e.field in (side, None)]
    assert [note.strip() for note in notes] == [_expected(n).strip() for n in expected_notes]
    _assert_readable(body, text)


def _assert_readable(shown: str, source: str) -> None:
    """No raw TeX commands, no braces the source did not have outside its math."""
    assert not RAW_TEX.search(shown), RAW_TEX.search(shown)
    outside = "".join(source[a:b] for a, b in _gaps(source))
    assert shown.count("{") <= outside.count("{") and shown.count("}") <= outside.count("}")
    depth = 0
    for char in shown:
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0, "unbalanced braces"
    assert depth == 0, "unbalanced braces"


def _gaps(text: str) -> Iterator[tuple[int, int]]:
    last = 0
    for start, end, _latex in _math_spans(text):
        yield last, start
        last = end
    yield last, len(text)


def test_every_formula_of_the_bundled_decks_reads_without_tex() -> None:
    formulas = {latex for _w, _d, card, side in SIDES
                for _s, _e, latex in _math_spans(card.front if side == "front" else card.back)}
    formulas |= {latex for deck in _decks() for card in deck.cards for erratum in card.errata
                 for text in (erratum.note, erratum.original or "")
                 for _s, _e, latex in _math_spans(text)}
    assert formulas, "the bundled decks hold formulas"
    for latex in formulas:
        text = latex_to_unicode(latex)
        assert text.strip(), latex
        assert not RAW_TEX.search(text) and "{" not in text and "}" not in text, (latex, text)
        assert "\\" not in text, (latex, text)


def test_correction_notes_show_no_raw_tex() -> None:
    for deck in _decks():
        for card in deck.cards:
            for erratum in card.errata:
                shown = render_text(erratum.note, deck.markup_of(card))
                assert not RAW_TEX.search(shown), f"{deck.id}/{card.id}: {shown}"


def test_errata_originals_render_as_their_card_does() -> None:
    for deck in _decks():
        for card in deck.cards:
            for erratum in card.errata:
                if erratum.original:
                    shown = render_text(erratum.original, deck.markup_of(card))
                    assert shown == _expected(erratum.original).rstrip()


ENGINE_TEXTS = [(family, seed) for family in sorted(FAMILIES) for seed in SEEDS]


@pytest.mark.parametrize(("family", "seed"), ENGINE_TEXTS, ids=[f"{f}-{s}" for f, s in ENGINE_TEXTS])
def test_engine_prompts_and_solutions_read_as_plain_text(family: str, seed: int) -> None:
    variant = generate_variant(family, seed)
    for text in (variant.prompt, variant.solution):
        shown = engine_text(text)
        assert shown == _expected(text).rstrip()  # nothing lost, lines kept
        assert not RAW_TEX.search(shown), shown
        assert "{" not in shown and "}" not in shown, shown  # no TeX groups such as e^{z_i}
        assert "`" not in shown and "$" not in shown and "**" not in shown, shown  # no Markdown
