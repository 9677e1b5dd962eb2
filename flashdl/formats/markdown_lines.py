"""Exported list lines to Markdown: ``  • x`` -> ``- x``, two spaces per deeper level.

Flashcard exports indent their bullets by two spaces per level, starting at
two; Markdown wants the first level flush left. Numbered items (``  1. x``)
keep their own marker and move left the same way. Every other line is kept
as it is, so nothing a student wrote changes meaning.
"""

from __future__ import annotations

import re

EXPORT_BASE_INDENT = 2
EXPORT_INDENT_STEP = 2
MARKDOWN_INDENT_STEP = 2

BULLET_LINE = re.compile(r"^(?P<indent>[ ]*)•[ \t]*(?P<text>.*)$")
NUMBERED_LINE = re.compile(r"^(?P<indent>[ ]+)(?P<marker>\d{1,3}[.)])[ \t]+(?P<text>.*)$")


def markdown_line(line: str) -> str:
    """One export line as Markdown (list lines re-marked and re-indented)."""
    match = BULLET_LINE.match(line)
    if match:
        return _list_line(match["indent"], "-", match["text"])
    match = NUMBERED_LINE.match(line)
    if match:
        return _list_line(match["indent"], match["marker"], match["text"])
    return line


def _list_line(indent: str, marker: str, text: str) -> str:
    level = max(0, (len(indent) - EXPORT_BASE_INDENT) // EXPORT_INDENT_STEP)
    return f"{' ' * (MARKDOWN_INDENT_STEP * level)}{marker} {text}".rstrip()


def markdown_block(lines: list[str]) -> str:
    return "\n".join(markdown_line(line) for line in lines)
