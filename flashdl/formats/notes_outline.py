"""Lecture-notes outline (the CLI's ``notes`` format) -> a deck.

Each bullet that has sub-bullets becomes a card: the front is the bullet,
after its heading path (heading and parent bullets) as context; the back is
everything under it as a Markdown list. Headings become tags. Childless
top-level bullets are no question and are reported as skipped; a block the
notes repeat is imported once (the first time). LaTeX stays as written.
Pure: text in, data out.
"""

from __future__ import annotations

from pathlib import PurePath

from flashdl.deck.model import MARKUP_PLAIN, TAG_MISSING_FIGURE, Card, Deck
from flashdl.errors import InputError, SourcePosition
from flashdl.formats.figures import refers_to_figure
from flashdl.formats.outline_repeats import RepeatFinder
from flashdl.formats.outline_tree import OutlineItem, Section, is_outline_item, read_outline
from flashdl.formats.result import ParseResult, SourceNote
from flashdl.formats.source_text import excerpt, first_nonblank, slugify, source_lines

CONTEXT_SEPARATOR = " › "
CARD_ID_DIGITS = 3
SNIFF_LINES = 20  # how far past the title the detector looks for a bullet


def looks_like_notes_outline(lines: list[str]) -> bool:
    """Is there a bullet among the first lines after the title?"""
    index = first_nonblank(lines) + 1
    seen = 0
    while index < len(lines) and seen < SNIFF_LINES:
        if lines[index].strip():
            if is_outline_item(lines[index]):
                return True
            seen += 1
        index += 1
    return False


def parse_notes_outline(text: str, filename: str, deck_id: str | None = None) -> ParseResult:
    lines = source_lines(text, filename)
    title_index = first_nonblank(lines)
    title = lines[title_index].strip()
    builder = _CardBuilder()
    for section in read_outline(lines, title_index + 1):
        builder.add_section(section)
    if not builder.cards:
        first = first_nonblank(lines, title_index + 1)
        raise InputError(
            "not a notes outline: no bullet has sub-bullets (a card needs a bullet with "
            "sub-bullets indented under it)",
            SourcePosition(filename, (first if first < len(lines) else title_index) + 1),
        )
    deck = Deck(
        id=deck_id or slugify(title),
        name=title,
        cards=tuple(builder.cards),
        source=PurePath(filename).name,
        markup=MARKUP_PLAIN,  # text from a plain-text source: shown exactly as written
    )
    return ParseResult(deck, tuple(builder.skipped), tuple(builder.warnings))


class _CardBuilder:
    def __init__(self) -> None:
        self.cards: list[Card] = []
        self.skipped: list[SourceNote] = []
        self.warnings: list[SourceNote] = []
        self._repeats = RepeatFinder()

    def add_section(self, section: Section) -> None:
        if not section.items:
            self.warnings.append(
                SourceNote(section.line or 0, f"heading {excerpt(section.heading or '')!r} has no bullets")
            )
            return
        tags = (slugify(section.heading, fallback="notes"),) if section.heading else ()
        context = (section.heading,) if section.heading else ()
        for item in section.items:
            if not item.children:
                self.skipped.append(
                    SourceNote(item.line, f"bullet without sub-bullets, not a card: {excerpt(item.text)!r}")
                )
            self._visit(item, context, tags)

    def _visit(self, item: OutlineItem, context: tuple[str, ...], tags: tuple[str, ...]) -> None:
        """A card for ``item`` if it has sub-bullets, then the same for each of them."""
        if not item.children:
            return
        first = self._repeats.first_of(item)
        if first is not None:
            self.skipped.append(
                SourceNote(
                    item.line,
                    f"lines {item.line}-{item.end_line} repeat lines {first.line}-{first.end_line} "
                    f"({excerpt(item.text)!r}); imported once",
                )
            )
            return
        self.cards.append(self._card(item, context, tags))
        for child in item.children:
            self._visit(child, context + (item.text,), tags)

    def _card(self, item: OutlineItem, context: tuple[str, ...], tags: tuple[str, ...]) -> Card:
        front = item.text
        if context:
            front = f"{CONTEXT_SEPARATOR.join(context)}\n\n{item.text}"
        back = "\n".join(_list_lines(item.children, indent=0))
        card_tags = tags + ((TAG_MISSING_FIGURE,) if refers_to_figure(front, back) else ())
        card_id = f"{len(self.cards) + 1:0{CARD_ID_DIGITS}d}"
        return Card(id=card_id, front=front, back=back, tags=card_tags, line=item.line)


def _list_lines(items: tuple[OutlineItem, ...], indent: int) -> list[str]:
    """Markdown list lines; children sit under their parent's text (after its marker)."""
    lines: list[str] = []
    for item in items:
        lines.append(f"{' ' * indent}{item.marker} {item.text}".rstrip())
        lines.extend(_list_lines(item.children, indent + len(item.marker) + 1))
    return lines
