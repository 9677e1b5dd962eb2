"""Reads the card list of a deck file written in flashdl's own layout, fast.

libyaml itself scans a 100,000-card deck in 0.3 s, but PyYAML hands its
events to Python one object at a time and that costs four times as much. Deck
files are nearly always in the one layout ``dump_deck`` writes (or a hand-made
file that looks the same), so the card list is matched here a whole card at a
time by one regular expression that admits only a small, strict subset of
YAML: block sequences at column 0, the keys ``id``, ``front``, ``back`` and
``tags`` in that order, literal blocks indented by four, quoted and plain
scalars with none of YAML's traps. Anything else (a tag, an anchor, a comment,
a double-quoted string, an engine block, an odd indent) makes
``load_canonical`` return ``None`` and the caller parses the whole file with
libyaml, so this is an optimisation and never a second dialect: a property
test holds its result equal to ``load_yaml``'s on every text it accepts.
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
    cards = []
    match = _CARD.match
    tags_of: dict[str, list[Any]] = {}  # a deck repeats a few tag lists on many cards
    while pos < end:
        found = match(text, pos, end)
        if found is None:
            raise _Outside
        pos = found.end()
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
        cards.append(card)
    return cards


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
