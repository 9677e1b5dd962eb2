"""Deck files (DESIGN §2): YAML text in, validated ``Deck`` out, and back.

Validation works on the plain data PyYAML builds and records the path of a
problem (``cards[4].engine.family``); only when something is wrong is the
text composed again with positions, so a clean 100,000-card deck never pays
for line numbers it does not need.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterator, Mapping
from functools import lru_cache
from typing import Any

import yaml

from flashdl.bounded_json import PARAMS_MAX_DEPTH
from flashdl.deck.model import DECK_FORMAT, MARKUP_MARKDOWN, MARKUPS, Card, Deck, EngineSpec, Erratum
from flashdl.deck.yaml_canonical import load_canonical
from flashdl.deck.yaml_syntax import (
    Progress,
    QuotedStr,
    control_problem,
    dump_yaml,
    load_yaml,
    locate,
)
from flashdl.errors import InputError, SourcePosition
from flashdl.gc_pause import paused_gc

# ``\Z``, never ``$``: ``$`` also matches before a final newline, so "a\n" would pass as "a".
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\Z")
TAG_PATTERN = re.compile(r"^[^\s,]+\Z")
DECK_KEYS = ("format", "id", "name", "markup", "source", "description", "tags", "cards")
CARD_KEYS = ("id", "front", "back", "tags", "markup", "engine", "errata")
_PLAIN_CARD_KEYS = frozenset(("id", "front", "back", "tags"))
ENGINE_KEYS = ("family", "params", "vary")
ERRATUM_KEYS = ("field", "original", "note")
SIDES = ("front", "back")
MAX_PARAM_NODES = 10_000  # far above any exam-sized matrix; stops alias bombs
MAX_PARAM_DEPTH = PARAMS_MAX_DEPTH  # a C×H×W tensor in a mapping is 4 levels

Path = tuple[Any, ...]


class _Invalid(Exception):
    def __init__(self, path: Path, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def parse_deck(
    text: str, filename: str, *, known_families: Collection[str] | None = None,
    progress: Progress | None = None,
) -> Deck:
    """Parse and validate one deck file's text.

    ``known_families`` (when given) also rejects engine blocks naming a family
    the engine does not have. ``progress`` (when given) is called now and then
    with (characters read, characters in all), and with (n, n) once the deck
    is read and validated: a million-card file takes tens of seconds.
    """
    if not text.strip():
        raise InputError("empty deck file (expected a mapping with id, name and cards)",
                         SourcePosition(filename, 1, 1))
    try:
        # A large deck is millions of new objects and no cycles: parsing bench_deck_load.py's
        # 100,000-card deck takes 0.78 s CPU with the collector paused, 0.99 s without (median of 2).
        with paused_gc():
            data = load_canonical(text, progress)
            if data is None:  # not in flashdl's own layout: libyaml reads everything else
                data = load_yaml(text, progress)
            deck = _deck(data, known_families)
            if progress is not None:
                progress(len(text), len(text))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(_yaml_problem(problem), SourcePosition(filename, line, column)) from None
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}", SourcePosition(filename)) from None
    except _Invalid as invalid:
        where = locate(text, invalid.path)
        line, column = where if where else (None, None)
        raise InputError(invalid.message, SourcePosition(filename, line, column)) from None
    return deck


def _yaml_problem(problem: str) -> str:
    if "could not determine a constructor" in problem:
        return f"{problem} (deck files hold plain data only; tags such as !!python/... are refused)"
    return problem


def _deck(data: Any, known_families: Collection[str] | None) -> Deck:
    if not isinstance(data, dict):
        raise _Invalid((), "a deck file must be a mapping with id, name and cards")
    _no_unknown_keys(data, DECK_KEYS, (), "deck")
    fmt = data.get("format", DECK_FORMAT)
    if fmt != DECK_FORMAT:
        raise _Invalid(("format",), f"unknown format {fmt!r} (this flashdl reads {DECK_FORMAT})")
    deck_id = _identifier(data, "id", (), required=True)
    name = _text(data, "name", ()) or deck_id
    cards_data = data.get("cards")
    if cards_data is None:
        raise _Invalid((), "missing key 'cards' (a list of cards, may be empty: cards: [])")
    if not isinstance(cards_data, list):
        raise _Invalid(("cards",), "'cards' must be a list")
    cards: list[Card] = []
    seen: dict[str, int] = {}
    for index, card_data in enumerate(cards_data):
        card = _card(card_data, ("cards", index), known_families)
        if card.id in seen:
            raise _Invalid(
                ("cards", index, "id"),
                f"duplicate card id {card.id!r} (first used by card #{seen[card.id] + 1})",
            )
        seen[card.id] = index
        cards.append(card)
    return Deck(
        id=deck_id,
        name=name,
        cards=tuple(cards),
        source=_text(data, "source", ()) or None,
        description=_text(data, "description", ()) or None,
        tags=_tags(data, ()),
        markup=_markup(data, ()) or MARKUP_MARKDOWN,
    )


def _card(data: Any, path: Path, known_families: Collection[str] | None) -> Card:
    if not isinstance(data, dict):
        raise _Invalid(path, "a card must be a mapping with id, front and back")
    keys = data.keys()
    plain = keys <= _PLAIN_CARD_KEYS  # no engine, no errata: most cards of a large deck
    if not plain:
        _no_unknown_keys(data, CARD_KEYS, path, "card")
    card_id = _identifier(data, "id", path, required=True)
    for side in SIDES:
        if side not in data:
            raise _Invalid(path, f"card {card_id!r} has no '{side}'")
    front = _text(data, "front", path)
    back = _text(data, "back", path)
    if (not front or front.isspace()) and (not back or back.isspace()):
        raise _Invalid(path, f"card {card_id!r} has neither front nor back text")
    if plain:
        return Card(id=card_id, front=front, back=back, tags=_tags(data, path))
    engine = _engine(data["engine"], path + ("engine",), known_families) if "engine" in data else None
    return Card(
        id=card_id,
        front=front,
        back=back,
        tags=_tags(data, path),
        engine=engine,
        errata=_errata(data["errata"], path + ("errata",)) if "errata" in data else (),
        markup=_markup(data, path),
    )


def _markup(data: dict[str, Any], path: Path) -> str | None:
    """The optional ``markup:`` (how text is shown): ``markdown`` or ``plain``; None if absent."""
    value = data.get("markup")
    if value is None or value in MARKUPS:
        return value
    raise _Invalid(path + ("markup",),
                   f"'markup' must be {' or '.join(MARKUPS)}, not {value!r}")


def _engine(data: Any, path: Path, known_families: Collection[str] | None) -> EngineSpec:
    if not isinstance(data, dict):
        raise _Invalid(path, "'engine' must be a mapping with family, params and vary")
    _no_unknown_keys(data, ENGINE_KEYS, path, "engine block")
    family = data.get("family")
    if not isinstance(family, str) or not family:
        raise _Invalid(path, "engine block needs 'family' (the name of an engine family)")
    if known_families is not None and family not in known_families:
        raise _Invalid(
            path + ("family",),
            f"unknown engine family {family!r} (known: {', '.join(sorted(known_families))})",
        )
    params = data.get("params", {})
    if params is None:
        params = {}
    if not isinstance(params, dict) or not all(isinstance(key, str) for key in params):
        raise _Invalid(path + ("params",), "engine 'params' must be a mapping of names to values")
    problem = params_problem(params)
    if problem is not None:
        raise _Invalid(path + ("params",), f"engine 'params' {problem}")
    vary = data.get("vary", False)
    if not isinstance(vary, bool):
        raise _Invalid(path + ("vary",), "engine 'vary' must be true or false")
    return EngineSpec(family=family, params=params, vary=vary)


def params_problem(params: Any) -> str | None:
    """What makes engine params unusable (too large, too deep, not plain JSON data, a number
    that is not finite such as ``1e400``), or None. One rule for decks, imports and the store."""
    stack: list[tuple[Any, int]] = [(params, 1)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_PARAM_NODES:
            return f"is far too large (over {MAX_PARAM_NODES} values)"
        if type(node) is dict or type(node) is list:
            if depth > MAX_PARAM_DEPTH:
                return f"is nested too deeply (over {MAX_PARAM_DEPTH} levels)"
            items = node.items() if type(node) is dict else enumerate(node)
            for key, value in items:
                if type(node) is dict and type(key) is not str:
                    return f"has a key {key!r} that is not text"
                stack.append((value, depth + 1))
        elif isinstance(node, float) and not math.isfinite(node):
            return f"holds the number {node!r}, which is not finite (too large for a float?)"
        elif isinstance(node, str):
            if (text_problem := control_problem(node)) is not None:
                return f"holds a {text_problem}"
        elif not isinstance(node, (int, float, bool)) and node is not None:
            return f"holds a {type(node).__name__}"
    return None


def _errata(data: Any, path: Path) -> tuple[Erratum, ...]:
    if data is None:
        return ()
    if not isinstance(data, list):
        raise _Invalid(path, "'errata' must be a list of {note, field, original} entries")
    errata = []
    for index, entry in enumerate(data):
        entry_path = path + (index,)
        if not isinstance(entry, dict):
            raise _Invalid(entry_path, "an erratum must be a mapping with a 'note'")
        _no_unknown_keys(entry, ERRATUM_KEYS, entry_path, "erratum")
        note = _text(entry, "note", entry_path)
        if not note.strip():
            raise _Invalid(entry_path, "an erratum needs a 'note' saying what was corrected")
        field = entry.get("field")
        if field is not None and field not in SIDES:
            raise _Invalid(entry_path + ("field",), "erratum 'field' must be front or back")
        original = _text(entry, "original", entry_path) if "original" in entry else None
        if original is not None and field is None:
            raise _Invalid(entry_path, "an erratum with 'original' must name its 'field'")
        errata.append(Erratum(note=note, field=field, original=original))
    return tuple(errata)


def _no_unknown_keys(data: dict[Any, Any], allowed: tuple[str, ...], path: Path, what: str) -> None:
    if len(data) <= len(allowed) and data.keys() <= set(allowed):
        return  # the common case, checked in one step
    for key in data:
        if key not in allowed:
            raise _Invalid(
                path + (("key", str(key)),),
                f"unknown key {key!r} in {what} (allowed: {', '.join(allowed)})",
            )


def _identifier(data: dict[str, Any], key: str, path: Path, *, required: bool) -> str:
    value = data.get(key)
    if type(value) is str and ID_PATTERN.match(value):
        return value  # the common case
    if value is None:
        raise _Invalid(path, f"missing '{key}'")
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _Invalid(path + (key,), f"'{key}' must be text, not {type(value).__name__}")
    value = str(value)
    if not ID_PATTERN.match(value):
        raise _Invalid(
            path + (key,),
            f"'{key}' {value!r} must be letters, digits, '.', '_' or '-' (no spaces or '/')",
        )
    return value


def _text(data: dict[str, Any], key: str, path: Path) -> str:
    value = data.get(key)
    if type(value) is str:  # the common case first: a deck has hundreds of thousands of these
        return value
    if value is None:
        return ""
    if isinstance(value, (bool, float)):
        raise _Invalid(
            path + (key,),
            f"'{key}' is read as the {type(value).__name__} {value!r}; quote it to keep it as text",
        )
    if isinstance(value, int):
        return str(value)  # only canonical decimals resolve to int, so this is lossless
    if not isinstance(value, str):
        raise _Invalid(path + (key,), f"'{key}' must be text, not a {type(value).__name__}")
    return value


@lru_cache(maxsize=4096)
def _are_tags(tags: tuple[Any, ...]) -> bool:
    """Decks reuse a few tag lists on many cards: check each distinct one once."""
    return all(type(tag) is str and TAG_PATTERN.match(tag) is not None for tag in tags)


def _tags(data: dict[str, Any], path: Path) -> tuple[str, ...]:
    value = data.get("tags")
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _Invalid(path + ("tags",), "'tags' must be a list, e.g. tags: [cnn, pooling]")
    tags = tuple(value)
    try:
        if _are_tags(tags):
            return tags
    except TypeError:  # an unhashable item (a list or mapping): reported below
        pass
    checked = []
    for index, tag in enumerate(value):
        if isinstance(tag, bool) or not isinstance(tag, (str, int)) or not TAG_PATTERN.match(str(tag)):
            raise _Invalid(path + ("tags", index), f"tag {tag!r} must be one word of text")
        checked.append(str(tag))
    return tuple(checked)


def deck_to_data(deck: Deck) -> dict[str, Any]:
    """The deck as the plain mapping a deck file holds (the inverse of validation)."""
    data: dict[str, Any] = {"format": DECK_FORMAT, "id": deck.id, "name": deck.name}
    if deck.markup != MARKUP_MARKDOWN:  # the default is left out: older files stay as they were
        data["markup"] = deck.markup
    if deck.source:
        data["source"] = deck.source
    if deck.description:
        data["description"] = deck.description
    if deck.tags:
        data["tags"] = list(deck.tags)
    data["cards"] = [card_to_data(card) for card in deck.cards]
    return data


def card_to_data(card: Card) -> dict[str, Any]:
    data: dict[str, Any] = {"id": QuotedStr(card.id), "front": card.front, "back": card.back}
    if card.tags:
        data["tags"] = list(card.tags)
    if card.markup is not None:
        data["markup"] = card.markup
    if card.engine is not None:
        engine: dict[str, Any] = {"family": card.engine.family, "params": dict(card.engine.params)}
        if card.engine.vary:
            engine["vary"] = True
        data["engine"] = engine
    if card.errata:
        data["errata"] = [_erratum_to_data(erratum) for erratum in card.errata]
    return data


def _erratum_to_data(erratum: Erratum) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if erratum.field is not None:
        data["field"] = erratum.field
    if erratum.original is not None:
        data["original"] = erratum.original
    data["note"] = erratum.note
    return data


def dump_deck(deck: Deck) -> str:
    """Deck file text; ``parse_deck(dump_deck(d))`` equals ``d``."""
    return dump_yaml(deck_to_data(deck))


def deck_from_mapping(data: Mapping[str, Any]) -> Deck:
    """Validate already-parsed data (e.g. from JSON) as a deck; errors carry no position."""
    try:
        _no_control_characters(data)
        return _deck(dict(data), None)
    except _Invalid as invalid:
        raise InputError(invalid.message) from None


def card_text_problem(card: Card) -> str | None:
    """A control character in a card's text (``control_problem``), naming the side; or None.

    For readers of other formats (CSV, Anki): YAML text is checked as it is parsed.
    """
    for side, text in (("front", card.front), ("back", card.back),
                       *(("erratum", e.original or "") for e in card.errata)):
        problem = control_problem(text)
        if problem is not None:
            return f"{side}: {problem}"
    return None


def _no_control_characters(data: Mapping[str, Any]) -> None:
    """Text read by YAML is checked as it is parsed (``yaml_syntax``); data built by other
    readers is checked here, every string of it."""
    cards = data.get("cards")
    for index, card in enumerate(cards if isinstance(cards, list) else ()):
        if isinstance(card, dict):
            for path, text in _strings(card, ()):
                if (problem := control_problem(text)) is not None:
                    where = ".".join(map(str, path))
                    raise _Invalid(("cards", index), f"card {card.get('id')!r} {where}: {problem}")
    for path, text in _strings({k: v for k, v in data.items() if k != "cards"}, ()):
        if (problem := control_problem(text)) is not None:
            raise _Invalid(path, f"deck {'.'.join(map(str, path))}: {problem}")


def _strings(value: Any, path: Path) -> Iterator[tuple[Path, str]]:
    stack = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            yield where, item
        elif isinstance(item, dict):
            stack.extend((where + (key,), child) for key, child in item.items())
        elif isinstance(item, list):
            stack.extend((where + (i,), child) for i, child in enumerate(item))
