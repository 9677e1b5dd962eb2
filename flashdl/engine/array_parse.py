"""Reading typed matrices and tensors, and splitting labelled multi-part answers.

Accepted layouts: `[[1,2],[3,4]]`, `1 2; 3 4`, one row per line, `[1 2]` rows on lines, and
C-channel tensors with channels separated by a blank line, `;;` or one more bracket level.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flashdl import bounded_json
from flashdl.engine.answer_parse import (
    LITERAL_RE,
    MAX_DEPTH,
    Nested,
    clean_text,
    literal_value,
)
from flashdl.engine.errors import AnswerParseError

MAX_ENTRIES = 4096

_CHANNEL_SEP = ";;"
_ROW_SEP = ";"
_BLANK_LINE_RE = re.compile(r"\n[ \t]*\n\s*")
_CHANNEL_LABEL_RE = re.compile(r"(?im)^[ \t]*channel[ \t]*\d+[ \t]*:[ \t]*$")   # as worked solutions lay tensors out
_TOKEN_RE = re.compile(r";;|[\[\](),;]|[^\s\[\](),;]+")
_SLASH_RE = re.compile(r"\s*/\s*")
_JSON_INTS_RE = re.compile(r"[\[\]\d\s,-]+")
_SEPARATORS = frozenset(("[", "]", "(", ")", ",", ";", ";;"))


def parse_array(text: str) -> Nested:
    """A number, list, matrix or tensor as nested lists (ints, floats, Fractions; rank from the layout)."""
    cleaned = clean_text(text).strip()
    if not cleaned:
        raise AnswerParseError("empty answer")
    if cleaned[0] == "[" and _JSON_INTS_RE.fullmatch(cleaned):
        # Nested lists of whole numbers, as `expected` is written, read at C speed: this buys
        # conv2d_backward, the slowest family, about a tenth (4,050–4,230 → 4,540–4,650 variants/s,
        # bench_engine.py back to back under load, 2026-12-03); every other family meets the
        # 5,000 target without it. Depth-bounded: a too-deep text goes to the bracket reader.
        try:
            value: Nested | None = bounded_json.loads(cleaned, max_depth=MAX_DEPTH)
        except ValueError:   # too deep included: the bracket reader names the problem
            value = None
        if value is not None and value != []:
            _check_size(value)
            return value
    if "hannel" in cleaned:
        cleaned = _CHANNEL_LABEL_RE.sub(f" {_CHANNEL_SEP} ", cleaned).strip().removeprefix(_CHANNEL_SEP).strip()
    cleaned = _BLANK_LINE_RE.sub(f" {_CHANNEL_SEP} ", cleaned)
    if any(bracket in cleaned for bracket in "[]()"):
        value = _BracketReader(cleaned).read()
    else:
        value = _read_plain(cleaned)
    _check_size(value)
    return value


def _read_plain(text: str) -> Nested:
    channels = [_read_plain_matrix(part) for part in text.split(_CHANNEL_SEP) if part.strip()]
    if not channels:
        raise AnswerParseError("empty answer")
    if len(channels) == 1:
        return channels[0]
    return [_as_matrix(channel) for channel in channels]


def _as_matrix(channel: Nested) -> Nested:
    """One channel of a tensor is a matrix, however few its entries: `5` is 1×1, `1 2` is 1×2
    (so `5;; 13` is the 2×1×1 tensor a 1×1 kernel's gradient is, not a 2×1 column)."""
    if not isinstance(channel, list):
        return [[channel]]
    return channel if channel and isinstance(channel[0], list) else [channel]


def _read_plain_matrix(text: str) -> Nested:
    rows = [_read_plain_row(part) for part in re.split(r"[;\n]", text.replace("|", " ")) if part.strip()]
    if not rows:
        raise AnswerParseError("empty matrix")
    if len(rows) == 1:
        return rows[0][0] if len(rows[0]) == 1 else rows[0]
    matrix: list[Nested] = list(rows)   # a list of rows is a Nested (list itself is invariant)
    return matrix


def _read_plain_row(text: str) -> list[Nested]:
    entries = [read_entry(part) for part in re.split(r"[,\s]+", _SLASH_RE.sub("/", text.strip())) if part]
    if not entries:
        raise AnswerParseError("empty row")
    return entries


def read_entry(token: str) -> Nested:
    """One matrix entry: a whole number (fast), or any literal `parse_number` accepts."""
    digits = token[1:] if token[:1] in "+-" else token
    if digits.isascii() and digits.isdigit() and len(digits) <= 18:
        return int(token)
    match = LITERAL_RE.fullmatch(token)
    if match is None:
        raise AnswerParseError(f"not a number: {token[:30]!r}")
    return literal_value(match)


class _BracketReader:
    """Items separated by commas/spaces; `;` groups rows and `;;` groups channels in one list."""

    def __init__(self, text: str) -> None:
        self.tokens: list[tuple[str, Any]] = []
        for token in _TOKEN_RE.findall(_SLASH_RE.sub("/", text)):
            if token in _SEPARATORS:
                self.tokens.append(("sep", token))
            else:
                self.tokens.append(("num", read_entry(token)))
        self.position = 0

    def read(self) -> Nested:
        items = self.sequence(closing=None, depth=0)
        if len(items) == 1:
            return items[0]
        return items

    def sequence(self, closing: str | None, depth: int) -> list[Nested]:
        if depth > MAX_DEPTH:
            raise AnswerParseError("brackets nested too deeply")
        channels: list[list[list[Nested]]] = [[[]]]
        while self.position < len(self.tokens):
            kind, value = self.tokens[self.position]
            self.position += 1
            if kind == "num":
                channels[-1][-1].append(value)
            elif value in "[(":
                channels[-1][-1].append(self.sequence("]" if value == "[" else ")", depth + 1))
            elif value in "])":
                if value != closing:
                    raise AnswerParseError(f"unbalanced {value!r}")
                return _group(channels)
            elif value == _CHANNEL_SEP:
                channels.append([[]])
            elif value == _ROW_SEP:
                channels[-1].append([])
        if closing is not None:
            raise AnswerParseError(f"missing {closing!r}")
        return _group(channels)


def _group(channels: list[list[list[Nested]]]) -> list[Nested]:
    """A row that is one bracketed list unwraps, so `[[1,2];[3,4]]` and `[1 2; 3 4]` read as the
    same matrix; a row of one number stays a row, so `[8; 8]` is a 2×1 column, as `8; 8` is."""
    contents: list[list[Nested]] = []
    for rows in channels:
        rows = [row for row in rows if row]
        if not rows:
            continue
        if len(rows) == 1:
            contents.append(rows[0])
        else:
            contents.append([row[0] if len(row) == 1 and isinstance(row[0], list) else row for row in rows])
    if not contents:
        raise AnswerParseError("empty brackets")
    if len(contents) == 1:
        return contents[0]
    # Channels (`;;`, a blank line): each a matrix, one bracketed item unwrapped (`[[1,2]];; [[3,4]]`).
    return [_as_matrix(content[0] if len(content) == 1 and isinstance(content[0], list) else content)
            for content in contents]


def _check_size(value: Nested) -> None:
    """Rectangular (else the ragged row is named) and not absurdly large."""
    shape = _regular_shape(value)
    count = math.prod(nested_shape(value) if shape is None else shape)
    if count > MAX_ENTRIES:
        raise AnswerParseError(f"too many entries ({count}, at most {MAX_ENTRIES})")


def _regular_shape(value: Nested) -> tuple[int, ...] | None:
    """The shape one nesting level at a time (a loop per row, not a call per list), or None if
    irregular, for `nested_shape` to diagnose; buys conv2d_backward 0–2 % (best of 8×500 variants
    back to back: 5,224 → 5,334 and 5,179 → 5,183, 2026-12-04)."""
    shape: list[int] = []
    level: list[Nested] = [value]
    while type(level[0]) is list:
        side = len(level[0])
        if not side or not all(type(row) is list and len(row) == side for row in level):
            return None
        shape.append(side)
        level = list(itertools.chain.from_iterable(level))   # type: ignore[arg-type]
    return None if list in map(type, level) else tuple(shape)


def nested_shape(value: Nested) -> tuple[int, ...]:
    """Shape of a rectangular nested list, or an `AnswerParseError` naming the ragged row."""
    if not isinstance(value, list):
        return ()
    if not value:
        raise AnswerParseError("empty list")
    first = value[0]
    if not isinstance(first, list):   # a row of numbers: no recursion per entry
        if list in map(type, value):
            raise AnswerParseError("ragged: a list mixes numbers and lists")
        return (len(value),)
    inner = nested_shape(first)
    for index, item in enumerate(value[1:], start=2):
        if not isinstance(item, list) or len(item) != inner[0] or nested_shape(item) != inner:
            shape = nested_shape(item) if isinstance(item, list) else ()
            raise AnswerParseError(f"ragged: row {index} has {_describe(shape)}, row 1 has {_describe(inner)}")
    return (len(value), *inner)


def _describe(shape: tuple[int, ...]) -> str:
    if not shape:
        return "a single number"
    if len(shape) == 1:
        return f"{shape[0]} {'entry' if shape[0] == 1 else 'entries'}"
    return "shape " + "×".join(map(str, shape))


@dataclass(frozen=True)
class LabelSet:
    """The labels of a multi-part answer, compiled once: what may be typed → canonical key."""

    pattern: re.Pattern[str]
    lookup: Mapping[str, str]     # squashed, lower-cased label → key
    keys: tuple[str, ...]         # canonical keys, in order, for messages


def label_set(aliases: Mapping[str, str]) -> LabelSet:
    ordered = tuple(sorted(aliases, key=len, reverse=True))   # longest first: dL/dX before dX
    known = _LABEL_SETS.get(ordered)
    if known is None:
        alternatives = "|".join(re.escape(alias).replace(r"\ ", r"\s+") for alias in ordered)
        initials = re.escape("".join(sorted({a[0].lower() for a in ordered} | {a[0].upper() for a in ordered})))
        # the look-ahead on initials rejects most positions (digits, brackets) before the alternation
        pattern = re.compile(rf"(?=[{initials}])(?<![\w/])(?P<label>{alternatives})\s*[:=]", re.IGNORECASE)
        known = LabelSet(pattern, {_squash(alias): key for alias, key in aliases.items()},
                         tuple(dict.fromkeys(aliases.values())))
        _LABEL_SETS[ordered] = known
    return known


_LABEL_SETS: dict[tuple[str, ...], LabelSet] = {}


# A word followed by `:` or `=` that is not a known label (`prec: 0.6`): said as such, not as
# an unreadable character in the part before it.
_OTHER_LABEL = re.compile(r"(?<![\w/-])(?P<label>[A-Za-z][\w-]*(?: [A-Za-z][\w-]*)?)\s*[:=]")


def split_labelled(text: str, labels: LabelSet | Mapping[str, str],
                   names: Sequence[str] | None = None) -> dict[str, str]:
    """Split `dX: … dW: … db: …` into {canonical key: text}; labels are matched case-insensitively.
    ``names`` are the labels messages show (the keys by default)."""
    if not isinstance(labels, LabelSet):
        labels = label_set(labels)
    shown = ", ".join(names if names is not None else labels.keys)
    cleaned = clean_text(text).replace("∂", "d")   # ∂L/∂X is dL/dX; no number has a ∂
    matches = list(labels.pattern.finditer(cleaned))
    if not matches:
        raise AnswerParseError(_unknown_label(cleaned, shown) or
                               "label each part, e.g. " + ", ".join(f"{name}: …" for name in shown.split(", ")))
    lead = cleaned[: matches[0].start()].strip(" \t\n,;")
    if lead:
        raise AnswerParseError(_unknown_label(lead, shown) or f"text before the first label: {lead[:40]!r}")
    parts: dict[str, str] = {}
    for index, match in enumerate(matches):
        key = labels.lookup[_squash(match.group("label"))]
        end = matches[index + 1].start() if index + 1 < len(matches) else len(cleaned)
        body = cleaned[match.end(): end].strip().rstrip(",;").strip()
        if key in parts:
            raise AnswerParseError(f"part {key!r} given twice")
        if (unknown := _unknown_label(body, shown)) is not None:
            raise AnswerParseError(unknown)
        parts[key] = body
    return parts


def _unknown_label(text: str, shown: str) -> str | None:
    found = _OTHER_LABEL.search(text)
    if found is None:
        return None
    return f"unknown label {found.group('label')!r}; the parts are {shown}"


def _squash(label: str) -> str:
    label = label.lower()
    return " ".join(label.split()) if " " in label or "\t" in label or "\n" in label else label
