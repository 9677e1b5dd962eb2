"""The fast paths of .apkg export give exactly what the straightforward code gave.

Each reference below is the implementation the fast path replaced, kept here
verbatim so that hypothesis can compare the two on text full of markup.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from flashdl.formats.html_markdown import markdown_to_html, markdown_to_html_many

# (the math rule since: a closing ``$`` not before a digit, ``\$`` inside, as flashdl shows cards)
_MATH_MD = re.compile(r"(?<!\\)\$\$(.+?)\$\$|(?<![\\$])\$(?!\s)((?:\\\$|[^$\n])+?)(?<![\s\\])\$(?!\d)", re.DOTALL)
_CODE_MD = re.compile(r"`([^`\n]+)`")
_BOLD_MD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_IMAGE_MD = re.compile(r"!\[([^\]\n]*)\]\(([^)\s]+)\)")
_PLACEHOLDER_RE = re.compile("\x00(\\d+)\x00")


def reference_markdown_to_html(text: str) -> str:
    """markdown_to_html as it was: one ``re.sub`` per construct, numbered placeholders."""
    out = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    maths: list[str] = []
    if "$" in out:
        out = out.replace("\x00", "")

        def hold(match: re.Match[str]) -> str:
            display = match.group(1)
            maths.append(f"\\[{display}\\]" if display is not None else f"\\({match.group(2)}\\)")
            return f"\x00{len(maths) - 1}\x00"

        out = _MATH_MD.sub(hold, out)
    out = _CODE_MD.sub(r"<code>\1</code>", out)
    out = _BOLD_MD.sub(r"<b>\1</b>", out)
    out = _IMAGE_MD.sub(lambda m: f'<img src="{m.group(2)}" alt="{m.group(1)}">', out)
    out = out.replace("\n", "<br>")
    if maths:
        out = _PLACEHOLDER_RE.sub(lambda m: maths[int(m.group(1))], out)
    return out


_TOKENS = ["$", "$$", "**", "*", "`", "![", "](", ")", "]", "\n", " ", "x", "\x00", "\x02", "<", "\\"]
MARKUP = (st.text(alphabet=st.sampled_from(list("$$``**![]()<>&\n \t\\x1_\x00\x02\x1e\xa0é"))
                  | st.characters(), max_size=40)
          | st.lists(st.sampled_from(_TOKENS), max_size=16).map("".join))


@pytest.mark.slow   # a fast path held equal to its reference
@settings(max_examples=3000, deadline=None)
@given(MARKUP)
@example(text="![$0$]($1$)")   # a formula in both alt and src: the tag writes src first
@example(text="a $x$ ![$y$](p.png) $z$")
def test_markdown_to_html_is_the_reference(text: str) -> None:
    assert markdown_to_html(text) == reference_markdown_to_html(text)


@pytest.mark.slow   # a fast path held equal to its reference
@settings(max_examples=1500, deadline=None)
@given(st.lists(MARKUP, max_size=8))
def test_rendering_many_at_once_is_rendering_each(texts: list[str]) -> None:
    assert markdown_to_html_many(texts) == [reference_markdown_to_html(text) for text in texts]
    joinable = [text.replace("\x00", "").replace("\x02", "") for text in texts]  # the batch path
    assert markdown_to_html_many(joinable) == [reference_markdown_to_html(text) for text in joinable]


def test_rendering_many_examples() -> None:
    texts = ["a $x$ **b** `c`\nd", "**x\ny**", "`x\ny`", "$x\ny$", "$$x\ny$$", "![a\nb](c)", "![a](b\nc)",
             "**x\x02y**", "$$x\x02y$$", "$ x$", "$x $", "\\$x$", "$x\\$", "$$\ny*\n$$ ![i](p.png)", "",
             "plain", "$a", "b$", "**x", "y**", "`", "code`", "\x00$x$", "has \x02 join", "<&>"]
    assert markdown_to_html_many(texts) == [reference_markdown_to_html(text) for text in texts]
    joinable = [text for text in texts if "\x00" not in text and "\x02" not in text]
    assert markdown_to_html_many(joinable) == [reference_markdown_to_html(text) for text in joinable]
    assert markdown_to_html_many([]) == []


JSONISH = st.lists(st.sampled_from(['{', '}', '"v"', ':', '1', '2', ',', '"x"', '[', ']', ' ', '\n', '\t',
                                    '\r', '\x0b', '\ufeff', 'null', '"\\u00e9"', '"a\\"b"', '1e5', 'true',
                                    '"', '\\']), max_size=14).map("".join)


CARD_DATA = st.dictionaries(st.sampled_from(["v", "pos", "front", "tags"]),
                            st.integers(0, 2) | st.text(max_size=5)).map(json.dumps).flatmap(
    lambda text: st.sampled_from([text, text + " ", text + "\n\t", text + "x", " " + text]))


@given(JSONISH | st.text(max_size=20) | CARD_DATA)
def test_read_card_data_is_the_data_or_nothing(text: str) -> None:
    """Any text: no exception, and data only when it is a JSON object of the current version."""
    from flashdl.formats.anki_notetype import read_card_data

    data = read_card_data(text)
    assert data == {} or (isinstance(data, dict) and data["v"] == 1 and json.loads(text) == data)


def test_read_card_data_of_deep_nesting_is_no_data() -> None:
    from flashdl.formats.anki_notetype import read_card_data

    assert read_card_data('{"v":1,"x":' + "[" * 100_000 + "]" * 100_000 + "}") == {}


def test_cards_of_interleaved_decks_go_to_their_own_decks() -> None:
    """The import keeps the last deck's group at hand; cards that alternate decks still sort right."""
    import io
    from dataclasses import replace

    from flashdl.deck.model import Card, Deck
    from flashdl.formats.anki_import import decks_from_collection
    from flashdl.services.exchange.anki_packages import read_package, write_package

    a = Deck(id="a", name="A", cards=tuple(Card(id=f"a{i}", front=f"a{i}", back="x") for i in range(4)),
             tags=("dt",))
    b = Deck(id="b", name="B", cards=tuple(Card(id=f"b{i}", front=f"b{i}", back="y", tags=("t",))
                                           for i in range(3)))
    buffer = io.BytesIO()
    write_package([a, b], buffer, now_ms=1_700_000_000_000)
    collection = read_package(io.BytesIO(buffer.getvalue()), "x.apkg").collection
    cards = collection.cards
    mixed = replace(collection, cards=[cards[0], cards[4], cards[1], cards[5], cards[2], cards[6], cards[3]])
    assert [imported.deck for imported in decks_from_collection(mixed, "x.apkg").decks] == [a, b]
    merged = decks_from_collection(mixed, "x.apkg", deck_id="m").decks
    assert [card.id for card in merged[0].deck.cards] == ["a0", "b0", "a1", "b1", "a2", "b2", "a3"]
    assert (merged[0].deck.name, merged[0].deck.tags) == ("A", ("dt",))
