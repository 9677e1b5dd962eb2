"""Anki's Set due date input: ``N`` days from today, a range ``A-B`` drawn per card, ``!`` to
set the interval too (``rslib/src/scheduler/reviews.rs``, ``parse_due_date_str``).

Pure: the draw takes a ``random.Random`` from the caller.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

_SPEC = re.compile(r"(\d{1,7})(?:-(\d{1,7}))?(!?)")


@dataclass(frozen=True)
class DueSpec:
    """Days from today, drawn uniformly in ``low..high`` per card; ``set_interval``: Anki's ``!``."""

    low: int
    high: int
    set_interval: bool = False

    def draw(self, rng: random.Random) -> int:
        """One card's days (always ``low`` when the range is one day: no draw)."""
        return self.low if self.low == self.high else rng.randint(self.low, self.high)


def parse_due_spec(text: str) -> DueSpec:
    """``"3"``, ``"0"`` (today), ``"1-7"``, ``"7!"``, ``"1-7!"``; a reversed range counts as
    written the other way round (as Anki). Raises ``ValueError`` naming the text otherwise."""
    match = _SPEC.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"due date {text!r}: expected days from today: N, A-B or either with '!' "
                         "(e.g. 0 today, 3, 1-7, 7!)")
    low = int(match[1])
    high = low if match[2] is None else int(match[2])
    low, high = min(low, high), max(low, high)
    return DueSpec(low, high, bool(match[3]))
