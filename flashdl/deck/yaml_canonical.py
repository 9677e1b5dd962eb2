"""Reads the card list of a deck file in flashdl's own layout, fast.

libyaml itself scans a 100,000-card deck in 0.3 s, but PyYAML hands its
events to Python one object at a time and that costs four times as much. Deck
files are nearly always in the layout ``dump_deck`` writes (or a hand-made
file that looks the same), so their cards are matched here a whole card at a
time by one regular expression that admits only a small, strict subset of
YAML: keys ``id``, ``front``, ``back`` and ``tags`` in that order, literal
blocks indented by four, quoted and plain scalars with none of YAML's traps.
A card outside that subset (a comment, an anchor, a double-quoted string, an
engine block) is handed to libyaml on its own; a card list that is not a
block sequence at column 0 sends the whole file to libyaml. So this is an
optimisation, never a second dialect: property tests hold its result equal to
``load_yaml``'s, types included, on every text. What it buys, measured with
``bench_deck_load.py`` (CPU time, 2026-12-03): a 100,000-card deck parses and validates in
0.72-0.74 s this way and in 1.78 s when libyaml reads it all, a second off every large import.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, NamedTuple

from flashdl.deck.yaml_syntax import Progress, load_yaml, resolve_plain

# What this reader leaves to libyaml: everything libyaml does not accept as printable, the BOM,
# and the characters it reads as line breaks besides LF (CR, NEL, LS, PS), which this reader's
# line-based patterns do not know. Written as the few ranges it is, not as the complement of
# the printable ranges: that form takes 3 ms to compile (a 64k-entry table) at every start of
# `check`; tests/deck/test_yaml_canonical_unprintable.py holds it to PyYAML's own rule on every
# code point.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
_INDICATORS = r"\s\-?:,\[\]{}#&*!|>'\"%@`"
_ID = r"[A-Za-z0-9][A-Za-z0-9._-]*"
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.+/=-]*")
_TRAILING_SPACE = re.compile(r"[ \t]\n")
_PLAIN_TRAPS = re.compile(r": |:\n| #|\t|[ :]\n|[ :]$")
_MAX_INDENT = 8
PROGRESS_CARDS = 10_000  # cards between two progress calls
_COMMENT_LINES = re.compile(r"(?:[ ]*(?:#[^\n]*)?\n)+")


def _scalar(prefix: str, text_indent: str) -> str:
    """A value after ``key: ``: a literal block, a quoted or a plain scalar (folded or not)."""
    first, more = rf"[^{_INDICATORS}]", rf"\n{text_indent}[^{_INDICATORS}][^\n]*"
    return (
        rf"(?:\|(?P<{prefix}chomp>[-+]?)\n"
        rf"(?P<{prefix}block>{text_indent}\S[^\n]*\n(?:{text_indent}[^\n]*\n|\n)*)"
        rf"|'(?P<{prefix}quoted>(?:[^'\n]|'')*(?:\n{text_indent}(?:[^'\s]|'')(?:[^'\n]|'')*)*)'\n"
        rf"|\"(?P<{prefix}dquoted>[^\"\\\n]*)\"\n"
        rf"|(?P<{prefix}plain>{first}[^\n]*(?:{more})*)\n)"
    )


class _Layout(NamedTuple):
    """The patterns for a card list whose ``- `` sits ``indent`` spaces in."""

    indent: str
    text_indent: str  # of block lines and folded lines: the keys' indent plus two
    card: re.Pattern[str]
    stray_line: re.Pattern[str]


@lru_cache(maxsize=_MAX_INDENT + 1)
def _layout(indent: int) -> _Layout:
    pad, keys = " " * indent, " " * (indent + 2)
    text_indent = keys + "  "
    card = re.compile(
        rf"{pad}- id: (?:'(?P<quoted_id>{_ID})'|\"(?P<dquoted_id>{_ID})\"|(?P<plain_id>{_ID}))\n"
        rf"{keys}front: {_scalar('f_', text_indent)}"
        rf"{keys}back: {_scalar('b_', text_indent)}"
        rf"(?:{keys}tags: \[(?P<flow_tags>[^\n]*)\]\n|{keys}tags:\n(?P<block_tags>(?:{keys}- [^\n]*\n)+))?"
    )
    # A line that neither starts a card, nor is indented deeper, blank or a comment ("---",
    # "...", "key:"): the card list is not a plain block sequence, the file goes to libyaml whole.
    stray_line = re.compile(rf"\n(?!{pad}- |{pad} |[ ]*#|[ ]*\n|\Z)")
    return _Layout(pad, text_indent, card, stray_line)


class _Outside(Exception):
    """The text leaves the subset: libyaml reads it instead."""


def load_canonical(text: str, progress: Progress | None = None) -> dict[str, Any] | None:
    """The plain data of a deck file, or ``None`` where libyaml must read it whole.

    ``None`` means only "not for this reader" (a broken file included): the
    caller then parses with libyaml, which reports any error with its line.
    """
    start = text.find("\ncards:\n") + 1
    if start == 0 or _UNPRINTABLE.search(text):
        return None
    body_start = start + len("cards:\n")
    if (skipped := _COMMENT_LINES.match(text, body_start)) is not None:
        body_start = skipped.end()  # comments and blank lines before the first card
    end = len(text) - 4 if text.endswith("\n...\n") else len(text)  # after a `|+` block
    indent = _indent_at(text, body_start)
    if end <= body_start or indent > _MAX_INDENT:
        return None  # `cards:` with nothing after it is null, which validation reports
    try:
        cards = _cards(text, body_start, end, _layout(indent), progress)
        data = load_yaml(text[:start] + "cards: []\n")
    except Exception:  # noqa: BLE001 - any doubt at all means: use the full parser
        return None
    if type(data) is not dict or data.get("cards") != []:
        return None
    data["cards"] = cards
    return data


def _indent_at(text: str, pos: int) -> int:
    stop = pos
    while stop < len(text) and text[stop] == " ":
        stop += 1
    return stop - pos


def _cards(text: str, pos: int, end: int, layout: _Layout,
           progress: Progress | None = None) -> list[dict[str, Any]]:
    """The card list; the cards outside the layout are read by libyaml, all in one call.

    Splitting at ``- `` lines is sound because the list is a block sequence
    and every other line of it is indented deeper, blank or a comment (else
    the whole file goes to libyaml): an entry can only reach into the next one
    through an unclosed quote or bracket, and then the entries read together
    give fewer cards than there are entries, which sends the file to libyaml.
    One call, not one per entry: quiz-2.yaml, whose computed cards (an ``engine:``
    block each) are 44 of its 103, reads in 1.7 ms, not 3.0 ms (libyaml alone: 1.6 ms).
    """
    entry = "\n" + layout.indent + "- "
    if not text.startswith(entry[1:], pos) or layout.stray_line.search(text, pos - 1, end):
        raise _Outside
    cards: list[dict[str, Any]] = []
    outside: list[str] = []  # the entries libyaml reads, and where their cards go
    slots: list[int] = []
    match = layout.card.match
    tags_of: dict[str, list[Any]] = {}  # a deck repeats a few tag lists on many cards
    while pos < end:
        if progress is not None and len(cards) % PROGRESS_CARDS == 0:
            progress(pos, len(text))
        found = match(text, pos, end)
        if found is not None and (found.end() == end or text.startswith(entry[1:], found.end())):
            try:
                cards.append(_card(found, layout, tags_of))
                pos = found.end()
                continue
            except _Outside:
                pass
        following = text.find(entry, pos, end)
        stop = end if following == -1 else following + 1
        outside.append(text[pos:stop])
        slots.append(len(cards))
        cards.append({})
        pos = stop
    if outside:
        read = _entries_by_libyaml("".join(outside))
        if len(read) != len(outside):
            raise _Outside
        for slot, card in zip(slots, read):
            cards[slot] = card
    return cards


def _card(found: re.Match[str], layout: _Layout, tags_of: dict[str, list[Any]]) -> dict[str, Any]:
    (quoted_id, dquoted_id, plain_id, f_chomp, f_block, f_quoted, f_dquoted, f_plain,
     b_chomp, b_block, b_quoted, b_dquoted, b_plain, flow_tags, block_tags) = found.groups()
    indent = layout.text_indent
    card: dict[str, Any] = {
        "id": resolve_plain(plain_id) if plain_id is not None else (quoted_id or dquoted_id),
        "front": _block(f_block, f_chomp, indent) if f_block is not None
        else _inline(f_quoted, f_dquoted, f_plain, indent),
        "back": _block(b_block, b_chomp, indent) if b_block is not None
        else _inline(b_quoted, b_dquoted, b_plain, indent),
    }
    written = flow_tags if flow_tags is not None else block_tags
    if written is not None:
        tags = tags_of.get(written)
        if tags is None:
            tags = tags_of[written] = _tags(written, flow_tags is not None, layout.text_indent[2:])
        card["tags"] = list(tags)
    return card


def _entries_by_libyaml(entries: str) -> list[Any]:
    data = load_yaml("cards:\n" + entries)
    if type(data) is not dict or list(data) != ["cards"] or type(data["cards"]) is not list:
        raise _Outside
    return data["cards"]


def _block(block: str, chomp: str, indent: str) -> str:
    """A literal block's text: its indent removed, chomped as its header says."""
    content = block[len(indent):].replace("\n" + indent, "\n")
    if chomp == "+":
        return content
    content = content.rstrip("\n")
    return content if chomp == "-" else content + "\n"


def _inline(quoted: str | None, dquoted: str | None, plain: str | None, indent: str) -> Any:
    if dquoted is not None:
        return dquoted  # no escapes and one line: the text as written
    if quoted is not None:
        if "\n" in quoted:  # folded by the writer at its line width: breaks read as spaces
            if _TRAILING_SPACE.search(quoted):  # the reader would trim that space
                raise _Outside
            quoted = quoted.replace("\n" + indent, " ")
        return quoted.replace("''", "'") if "'" in quoted else quoted
    assert plain is not None
    if _PLAIN_TRAPS.search(plain):
        raise _Outside
    return resolve_plain(plain.replace("\n" + indent, " "))


def _tags(written: str, flow: bool, keys: str) -> list[Any]:
    if flow:
        items = written.split(", ") if written else []
    else:
        items = written[len(keys) + 2:-1].split(f"\n{keys}- ")
    if not all(_TAG.fullmatch(item) for item in items):
        raise _Outside
    return [resolve_plain(item) for item in items]
