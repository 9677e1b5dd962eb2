"""Lecture notes as a tree: unindented lines are headings, bullets nest by indentation.

Depth comes from a stack of open indentations, not from counting spaces, so
numbered items indented by an odd amount (``        1. x`` under a
``    • y``) still land one level under their bullet. Every card repeats the
bullets under it, so nesting is capped: otherwise a pathological outline
(each line one level deeper) would make card text grow with the square of
the input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

BULLET_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?:•[ \t]*|[-*][ \t]+)(?P<text>.*)$")
NUMBERED_ITEM = re.compile(r"^(?P<indent>[ \t]+)(?P<marker>\d{1,3}[.)])[ \t]+(?P<text>.*)$")
BULLET_MARKER = "-"  # how bullets are written in Markdown
MAX_DEPTH = 12  # deeper items become siblings: keeps card text linear in the input


@dataclass(frozen=True, slots=True)
class OutlineItem:
    line: int  # 1-based line of the item itself
    end_line: int  # last line of the item and everything under it
    marker: str  # "-" for bullets, "1." (as written) for numbered items
    text: str
    children: tuple[OutlineItem, ...] = ()


@dataclass(frozen=True)
class Section:
    heading: str | None  # None for the bullets before the first heading
    line: int | None
    items: tuple[OutlineItem, ...]


def is_outline_item(line: str) -> bool:
    return bool(BULLET_ITEM.match(line) or NUMBERED_ITEM.match(line))


@dataclass(slots=True)
class _Open:
    """An item whose children are still being read (mutable only while building)."""

    indent: int
    line: int
    marker: str
    text: str
    end_line: int
    children: list[OutlineItem] = field(default_factory=list)

    def close(self) -> OutlineItem:
        return OutlineItem(self.line, self.end_line, self.marker, self.text, tuple(self.children))


class _OutlineReader:
    def __init__(self) -> None:
        self.sections: list[Section] = []
        self.heading: str | None = None
        self.heading_line: int | None = None
        self.items: list[OutlineItem] = []
        self.open: list[_Open] = []

    def item(self, number: int, indent: int, marker: str, text: str) -> None:
        if len(self.open) >= MAX_DEPTH and indent > self.open[-1].indent:
            indent = self.open[-1].indent
        self._close_to(indent)
        self.open.append(_Open(indent, number, marker, text.strip(), number))

    def continuation(self, number: int, text: str) -> None:
        """An indented line that is not a list item: part of the item above it."""
        if not self.open:
            self.item(number, len(text) - len(text.lstrip()), BULLET_MARKER, text)
            return
        current = self.open[-1]
        current.text = f"{current.text} {text.strip()}".strip()
        current.end_line = number

    def start_section(self, number: int, text: str) -> None:
        self.end_section()
        self.heading, self.heading_line = text.strip(), number

    def end_section(self) -> None:
        self._close_to(-1)
        if self.items or self.heading is not None:
            self.sections.append(Section(self.heading, self.heading_line, tuple(self.items)))
        self.items = []

    def _close_to(self, indent: int) -> None:
        while self.open and self.open[-1].indent >= indent:
            closed = self.open.pop().close()
            if self.open:
                parent = self.open[-1]
                parent.children.append(closed)
                parent.end_line = max(parent.end_line, closed.end_line)
            else:
                self.items.append(closed)


def read_outline(lines: list[str], start: int) -> list[Section]:
    """The sections of ``lines[start:]`` (0-based ``start``; items carry 1-based lines)."""
    reader = _OutlineReader()
    for index in range(start, len(lines)):
        line = lines[index]
        if not line.strip():
            continue
        number = index + 1
        match = NUMBERED_ITEM.match(line)
        if match:
            reader.item(number, _width(match["indent"]), match["marker"], match["text"])
            continue
        match = BULLET_ITEM.match(line)
        if match:
            reader.item(number, _width(match["indent"]), BULLET_MARKER, match["text"])
        elif line[0] in " \t":
            reader.continuation(number, line)
        else:
            reader.start_section(number, line)
    reader.end_section()
    return reader.sections


def _width(indent: str) -> int:
    return len(indent.expandtabs(4))
