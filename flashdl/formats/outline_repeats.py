"""Finding passages lecture notes repeat, so each is imported once.

Notes taken over several lectures restate a block (same bullet, nearly the
same sub-bullets, a typo fixed here and there). A block repeats an earlier
one when its bullet reads the same (ignoring case and punctuation) and the
words under it largely overlap. Only blocks with the same bullet are ever
compared, and only a few of them, so the check stays linear however long
the notes are.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from flashdl.formats.outline_tree import OutlineItem

MIN_WORD_OVERLAP = 0.6  # Jaccard similarity of the words under the two bullets
MAX_BLOCKS_PER_BULLET = 8  # distinct blocks remembered per bullet text: keeps the check linear
_WORD = re.compile(r"[a-z0-9]+")


def words_under(item: OutlineItem) -> frozenset[str]:
    return frozenset(word for child in _descendants(item) for word in _WORD.findall(child.text.lower()))


def _descendants(item: OutlineItem) -> Iterator[OutlineItem]:
    stack = list(reversed(item.children))
    while stack:
        child = stack.pop()
        yield child
        stack.extend(reversed(child.children))


def bullet_key(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


@dataclass
class RepeatFinder:
    """Remembers the first block for each bullet; answers whether a later one repeats it."""

    _first: dict[str, list[tuple[OutlineItem, frozenset[str]]]] = field(default_factory=dict)

    def first_of(self, item: OutlineItem) -> OutlineItem | None:
        """The earlier block ``item`` repeats, or None (then ``item`` is remembered)."""
        key = bullet_key(item.text)
        words = words_under(item)
        earlier = self._first.setdefault(key, [])
        for candidate, candidate_words in earlier:
            if _overlap(words, candidate_words) >= MIN_WORD_OVERLAP:
                return candidate
        if len(earlier) < MAX_BLOCKS_PER_BULLET:
            earlier.append((item, words))
        return None


def _overlap(left: frozenset[str], right: frozenset[str]) -> float:
    union = left | right
    return len(left & right) / len(union) if union else 1.0
