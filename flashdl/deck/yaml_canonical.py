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
``load_yaml``'s, types included, on every text.
"""

from __future__ import annotations

import re
from typing import Any

from flashdl.deck.yaml_syntax import load_yaml, resolve_plain

# Everything libyaml accepts as printable, minus the BOM and the characters it reads as line
# breaks besides LF (CR, NEL, LS, PS), which this reader's line-based patterns do not know.
_UNPRINTABLE = re.compile(
    "[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_INDICATORS = r"\s\-?:,\[\]{}#&*!|>'\"%@`"
_SCALAR = (
    r"(?:\|(?P<{p}chomp>[-+]?)\n(?P<{p}block>    \S[^\n]*\n(?:    [^\n]*\n|\n)*)"
    r"|'(?P<{p}quoted>(?:[^'\n]|'')*(?:\n    (?:[^'\s]|'')(?:[^'\n]|'')*)*)'\n"
    r"|(?P<{p}plain>[^" + _INDICATORS + r"][^\n]*(?:\n    [^" + _INDICATORS + r"][^\n]*)*)\n)"
)
_ID = r"[A-Za-z0-9][A-Za-z0-9._-]*"
_CARD = re.compile(
    rf"- id: (?:'(?P<quoted_id>{_ID})'|(?P<plain_id>{_ID}))\n"
    rf"  front: {_SCALAR.replace('{p}', 'f_')}"
    rf"  back: {_SCALAR.replace('{p}', 'b_')}"
    r"(?:  tags: \[(?P<flow_tags>[^\n]*)\]\n|  tags:\n(?P<block_tags>(?:  - [^\n]*\n)+))?"
)
# A line at column 0 that does not start a card, and is not blank or a comment ("---", "...",
# "key:"): the card list is not a plain block sequence, so the file goes to libyaml whole.
_STRAY_LINE = re.compile(r"\n(?:[^ #\n-]|-[^ ])")
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.+/=-]*")
_TRAILING_SPACE = re.compile(r"[ \t]\n")
_PLAIN_TRAPS = re.compile(r": |:\n| #|\t|[ :]\n|[ :]$")
_DEDENT = re.compile(r"^    ", re.MULTILINE)


class _Outside(Exception):
    """The text leaves the canonical subset: parse it with libyaml instead."""


def load_canonical(text: str) -> dict[str, Any] | None:
    """The plain data of a deck file in the canonical layout, or ``None``.

    ``None`` means only "not in the subset" (a broken file included): the
    caller then parses with libyaml, which reports any error with its line.
    """
    start = text.find("\ncards:\n") + 1
    if start == 0 or _UNPRINTABLE.search(text):
        return None
    body_start = start + len("cards:\n")
    end = len(text) - 4 if text.endswith("\n...\n") else len(text)  # after a `|+` block
    if end <= body_start:
        return None  # `cards:` with nothing after it is null, which validation reports
    try:
        cards = _cards(text, body_start, end)
        data = load_yaml(text[:start] + "cards: []\n")
    except Exception:  # noqa: BLE001 - any doubt at all means: use the full parser
        return None
    if type(data) is not dict or data.get("cards") != []:
        return None
    data["cards"] = cards
    return data


def _cards(text: str, pos: int, end: int) -> list[dict[str, Any]]:
    """The card list; cards outside the layout are read by libyaml one at a time.

    Splitting at ``- `` lines is sound because the list is a block sequence at
    column 0 and every other line of it is indented, empty or a comment (else
    the whole file goes to libyaml): an entry can only reach into the next one
    through an unclosed quote or bracket, and then it fails to parse alone.
    """
    if not text.startswith("- ", pos) or _STRAY_LINE.search(text, pos - 1, end):
        raise _Outside
    cards: list[dict[str, Any]] = []
    match = _CARD.match
    tags_of: dict[str, list[Any]] = {}  # a deck repeats a few tag lists on many cards
    while pos < end:
        found = match(text, pos, end)
        if found is not None and (found.end() == end or text.startswith("- ", found.end())):
            try:
                cards.append(_card(found, tags_of))
                pos = found.end()
                continue
            except _Outside:
                pass
        following = text.find("\n- ", pos, end)
        stop = end if following == -1 else following + 1
        cards.extend(_entry_by_libyaml(text[pos:stop]))
        pos = stop
    return cards


def _card(found: re.Match[str], tags_of: dict[str, list[Any]]) -> dict[str, Any]:
    (quoted_id, plain_id, f_chomp, f_block, f_quoted, f_plain,
     b_chomp, b_block, b_quoted, b_plain, flow_tags, block_tags) = found.groups()
    card: dict[str, Any] = {
        "id": quoted_id if plain_id is None else resolve_plain(plain_id),
        "front": _block(f_block, f_chomp) if f_block is not None else _inline(f_quoted, f_plain),
        "back": _block(b_block, b_chomp) if b_block is not None else _inline(b_quoted, b_plain),
    }
    written = flow_tags if flow_tags is not None else block_tags
    if written is not None:
        tags = tags_of.get(written)
        if tags is None:
            tags = tags_of[written] = _tags(written, flow=flow_tags is not None)
        card["tags"] = list(tags)
    return card


def _entry_by_libyaml(entry: str) -> list[Any]:
    data = load_yaml("cards:\n" + entry)
    if type(data) is not dict or list(data) != ["cards"] or type(data["cards"]) is not list:
        raise _Outside
    return data["cards"]


def _block(block: str, chomp: str) -> str:
    """A literal block's text: the 4-space indent removed, chomped as its header says."""
    content = block[4:].replace("\n    ", "\n")
    if chomp == "+":
        return content
    content = content.rstrip("\n")
    return content if chomp == "-" else content + "\n"


def _inline(quoted: str | None, plain: str | None) -> Any:
    if quoted is not None:
        if "\n" in quoted:  # folded by the writer at its line width: breaks read as spaces
            if _TRAILING_SPACE.search(quoted):  # the reader would trim that space
                raise _Outside
            quoted = quoted.replace("\n    ", " ")
        return quoted.replace("''", "'") if "'" in quoted else quoted
    assert plain is not None
    if _PLAIN_TRAPS.search(plain):
        raise _Outside
    return resolve_plain(plain.replace("\n    ", " "))


def _tags(written: str, *, flow: bool) -> list[Any]:
    items = (written.split(", ") if written else []) if flow else written[4:-1].split("\n  - ")
    if not all(_TAG.fullmatch(item) for item in items):
        raise _Outside
    return [resolve_plain(item) for item in items]
