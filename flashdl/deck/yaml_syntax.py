"""The YAML dialect of deck files: safe, strict and unsurprising.

PyYAML follows YAML 1.1, where ``no`` is a boolean, ``010`` is eight and
``1_000`` is a thousand: traps for people who type card text by hand. Deck
files use the YAML 1.2 core schema instead (only ``true``/``false`` are
booleans, only canonical decimals are integers), refuse duplicate keys, and
construct nothing but plain data: no Python tags, ever.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.resolver import Resolver

try:  # libyaml makes parsing several times faster; fall back where it is absent
    from yaml.cyaml import CParser as _CParser  # type: ignore[attr-defined]  # typeshed omits it
    from yaml.cyaml import CSafeDumper as _Dumper

    _PARSER_BASES: tuple[type, ...] = (_CParser,)
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    _PARSER_BASES = (Reader, Scanner, Parser, Composer)


class CoreSchemaResolver(Resolver):
    """Resolves plain scalars by the YAML 1.2 core schema (minus its surprises)."""

    yaml_implicit_resolvers: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}


_IMPLICIT = [
    # ``\Z``, not ``$``: ``$`` also matches before a final newline.
    ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)\Z"), "tTfF"),
    ("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)\Z"), ["~", "n", "N", ""]),
    # Leading zeros keep a scalar a string: card ids such as 082 stay "082".
    ("tag:yaml.org,2002:int", re.compile(r"^-?(?:0|[1-9][0-9]*)\Z"), "-0123456789"),
    (
        "tag:yaml.org,2002:float",
        re.compile(
            r"^-?(?:(?:0|[1-9][0-9]*)\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\Z"
            r"|^-?(?:0|[1-9][0-9]*)[eE][-+]?[0-9]+\Z"
        ),
        "-.0123456789",
    ),
]
for _tag, _pattern, _first in _IMPLICIT:
    CoreSchemaResolver.add_implicit_resolver(_tag, _pattern, list(_first))


class StrictConstructor(SafeConstructor):
    """SafeConstructor without duplicate keys and with base-10 integers."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:
                raise ConstructorError(
                    None, None, "mapping keys must be plain scalars", key_node.start_mark
                ) from None
            if duplicate:
                raise ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        text = self.construct_scalar(node)
        if len(text) > MAX_INT_DIGITS:
            raise ConstructorError(None, None, _too_long(text), node.start_mark)
        return int(text)

    def construct_yaml_float(self, node: yaml.ScalarNode) -> float:
        return float(self.construct_scalar(node))


# typeshed binds add_constructor's loader type to yaml's own Loader classes, hence the ignores.
StrictConstructor.add_constructor(  # type: ignore[type-var]
    "tag:yaml.org,2002:int", StrictConstructor.construct_yaml_int)
StrictConstructor.add_constructor(  # type: ignore[type-var]
    "tag:yaml.org,2002:float", StrictConstructor.construct_yaml_float)
StrictConstructor.add_constructor(  # type: ignore[type-var]
    "tag:yaml.org,2002:map", StrictConstructor.construct_yaml_map)


class DeckLoader(*_PARSER_BASES, StrictConstructor, CoreSchemaResolver):  # type: ignore[misc]
    def __init__(self, stream: Any) -> None:
        # the reader (or libyaml) takes the stream; _PARSER_BASES are classes, so this is sound
        _PARSER_BASES[0].__init__(self, stream)  # type: ignore[misc]
        for base in _PARSER_BASES[1:]:
            base.__init__(self)  # type: ignore[misc]
        StrictConstructor.__init__(self)
        CoreSchemaResolver.__init__(self)


class DeckDumper(_Dumper):
    """Writes multi-line text as literal blocks so decks stay pleasant to edit."""


class QuotedStr(str):
    """A string always written quoted (ids like 082 must not look like numbers elsewhere)."""


def _represent_str(dumper: DeckDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    if style is None and not isinstance(resolve_plain(text), str):
        style = "'"  # e.g. 1e-3: plain text to PyYAML's YAML 1.1 dumper, a float to our loader
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


def _represent_quoted(dumper: DeckDumper, text: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(text), style="'")


def _represent_list(dumper: DeckDumper, items: list[Any]) -> yaml.SequenceNode:
    # Short lists of scalars (tags, shapes, matrix rows) read best on one line.
    flat = all(not isinstance(item, (list, dict)) for item in items)
    short = flat and sum(len(str(item)) + 2 for item in items) <= 60
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=short)


DeckDumper.add_representer(str, _represent_str)
DeckDumper.add_representer(list, _represent_list)
DeckDumper.add_representer(QuotedStr, _represent_quoted)


class DeckSyntaxError(yaml.MarkedYAMLError):
    """A construct deck files refuse (aliases, tags, complex or duplicate keys)."""

    def __init__(self, problem: str, mark: yaml.Mark | None) -> None:
        super().__init__(problem=problem, problem_mark=mark)


# Cc minus tab, LF and CR: invisible, and U+001F is Anki's field separator, NUL ends C strings.
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_problem(text: str) -> str | None:
    """Why ``text`` cannot be card text (a control character), or None."""
    found = CONTROL_CHARS.search(text)
    if found is None:
        return None
    return (f"control character U+{ord(found.group()):04X} in text (deck text may hold tabs and "
            "line breaks, but no other control characters)")


_PLAIN_TAGS = {None, "!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
_NO_KEY = object()


_WORDS = {
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
    **dict.fromkeys(("~", "null", "Null", "NULL", ""), None),
}
_INT = _IMPLICIT[2][1]
MAX_INT_DIGITS = 1000  # Python refuses int() of more than 4300 digits; no deck needs a tenth
_FLOAT = _IMPLICIT[3][1]


def resolve_plain(text: str) -> Any:
    """A plain scalar's value under ``CoreSchemaResolver``'s rules."""
    if text in _WORDS:
        return _WORDS[text]
    if text[0] not in "-.0123456789":
        return text  # the common case: ordinary words
    if _INT.match(text):
        if len(text) > MAX_INT_DIGITS:
            raise ValueError(_too_long(text))
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    return text


def _too_long(text: str) -> str:
    return (f"a number with {len(text)} digits is too long (at most {MAX_INT_DIGITS}); "
            "quote it to keep it as text")


Progress = Callable[[int, int], None]
"""Called now and then while a deck file is read: (characters read so far, characters in all)."""
PROGRESS_EVENTS = 1 << 16  # libyaml events between two progress calls (a few ms of work)


def load_yaml(text: str, progress: Progress | None = None) -> Any:
    """Parse YAML text into plain data; raises ``yaml.YAMLError`` with marks.

    Builds dicts and lists straight from libyaml's events: PyYAML's node
    graph and constructor cost four fifths of the time of a large deck, and
    deck files need none of what they offer (aliases, tags, complex keys).
    ``progress``, when given, hears how far the parser has read.
    """
    parser = DeckLoader(text)
    try:
        return _build(parser, progress, len(text))
    finally:
        parser.dispose()


def _reporting(get_event: Callable[[], Any], progress: Progress, total: int) -> Callable[[], Any]:
    """``get_event`` telling ``progress`` the position every ``PROGRESS_EVENTS`` events
    (a wrapper, so that reading without a callback costs nothing more)."""
    count = 0

    def get() -> Any:
        nonlocal count
        event = get_event()
        count += 1
        if count % PROGRESS_EVENTS == 0 and event is not None:
            progress(event.start_mark.index, total)
        return event

    return get


def _build(parser: Any, progress: Progress | None = None, total: int = 0) -> Any:
    stack: list[Any] = []
    keys: list[Any] = []
    root: Any = None
    documents = 0
    get_event = parser.get_event if progress is None else _reporting(parser.get_event, progress, total)
    scalar, map_start, seq_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    while (event := get_event()) is not None:
        kind = type(event)
        if kind is scalar:
            if event.tag not in _PLAIN_TAGS:
                raise DeckSyntaxError(
                    f"tag {event.tag!r} is not allowed: deck files hold plain data only",
                    event.start_mark,
                )
            if event.implicit[0]:  # plain (unquoted, untagged)
                try:
                    value: Any = resolve_plain(event.value)
                except ValueError as error:  # a number too long to convert
                    raise DeckSyntaxError(str(error), event.start_mark) from None
            else:
                value = event.value
                # Only escapes ("\x1f") bring control characters: libyaml refuses them raw.
                if event.style == '"' and (problem := control_problem(value)) is not None:
                    raise DeckSyntaxError(problem, event.start_mark)
        elif kind is map_start or kind is seq_start:
            if event.tag not in _PLAIN_TAGS:
                raise DeckSyntaxError(f"tag {event.tag!r} is not allowed: deck files hold plain data only",
                                      event.start_mark)
            value = {} if kind is map_start else []
        elif kind in ends:
            stack.pop()
            keys.pop()
            continue
        elif kind is yaml.AliasEvent:
            raise DeckSyntaxError("aliases (*name) are not allowed in deck files", event.start_mark)
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise DeckSyntaxError(
                    "a second YAML document ('---'): a deck file holds exactly one", event.start_mark
                )
            continue
        else:  # stream and document-end events
            continue
        if stack:
            container = stack[-1]
            if type(container) is list:
                container.append(value)
            elif keys[-1] is _NO_KEY:
                if kind is not scalar:
                    raise DeckSyntaxError("mapping keys must be plain scalars", event.start_mark)
                if value in container:
                    raise DeckSyntaxError(f"duplicate key {value!r}", event.start_mark)
                keys[-1] = value
            else:
                container[keys[-1]] = value
                keys[-1] = _NO_KEY
        else:
            root = value
        if kind is not scalar:
            stack.append(value)
            keys.append(_NO_KEY)
    return root


def dump_yaml(data: Any) -> str:
    return yaml.dump(
        data, Dumper=DeckDumper, sort_keys=False, allow_unicode=True, width=100, indent=2
    )


def locate(text: str, path: tuple[str | int, ...]) -> tuple[int, int] | None:
    """1-based (line, column) of the node at ``path`` (key names and list indexes).

    Called only once validation has failed, so the happy path never pays for
    building a node tree with positions.
    """
    try:
        node = yaml.compose(text, Loader=DeckLoader)
    except (yaml.YAMLError, RecursionError):  # PyYAML's composer recurses per nesting level
        return None
    mark = node.start_mark if node is not None else None
    for step in path:
        child = _child(node, step)
        if child is None:
            break
        node, mark = child
    return (mark.line + 1, mark.column + 1) if mark is not None else None


def _child(node: yaml.Node | None, step: str | int) -> tuple[yaml.Node, yaml.Mark] | None:
    if isinstance(node, yaml.MappingNode) and isinstance(step, str):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == step:
                return value_node, value_node.start_mark
        return None
    if isinstance(node, yaml.MappingNode) and isinstance(step, tuple):  # ("key", name)
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == step[1]:
                return key_node, key_node.start_mark
        return None
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
        child = node.value[step]
        return child, child.start_mark
    return None


def iter_nodes(value: Any) -> Iterator[Any]:
    """Every container and scalar inside ``value``, depth first (for size limits)."""
    stack = [value]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
