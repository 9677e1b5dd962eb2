"""Spotting cards that lean on a picture the text export did not keep.

Exports drop images, so "the formula is shown below" leaves a card that cannot
be answered as written; tagging it ``missing-figure`` lets a student skip or
fix it. The phrases are deliberately narrow ("complete picture of the target
model" is not a figure); cards the phrases miss are tagged by hand in the deck.
"""

from __future__ import annotations

import re

# "figures out" is a verb, not a picture
_FIGURE_NOUN = r"(?:pictures?|diagrams?|figures?(?!\s+out\b)|images?|graphs?|illustrations?|drawings?)\b"
FIGURE_REFERENCE = re.compile(
    rf"""
      \bsee\s+(?:the\s+)?{_FIGURE_NOUN}
    | \b(?:this|these|following|below|above)\s+(?:\w+\s+){{0,2}}{_FIGURE_NOUN}
    | \bthe\s+(?:\w+\s+){{0,2}}(?:pictures?|diagrams?|figures?(?!\s+out\b))\b
    | \b{_FIGURE_NOUN}\s+(?:below|above)\b
    | \b(?:shown|illustrated|visualized|visualised|pictured|depicted|drawn)\s+(?:below|above)\b
    | \bbelow\s+is\b
    """,
    re.VERBOSE,  # matched against lowercased text: re.IGNORECASE makes it several times slower
)
# Every phrase above holds one of these; most cards hold none, and a substring test is cheap.
CUES = ("pictur", "diagram", "figure", "image", "graph", "illustration", "drawing", "below", "above")


def refers_to_figure(*texts: str) -> bool:
    for text in texts:
        lowered = text.lower()
        if any(cue in lowered for cue in CUES) and FIGURE_REFERENCE.search(lowered):
            return True
    return False
