"""``flashdl show``: one card as the study screen renders it, as JSON or as lines.

Both come from ``render_side`` and ``engine_text`` (``card_text``), the
renderer of the study screens, so what ``show`` prints is what a student sees.
``content`` is a ``flashdl.services.card_views.CardContent``; ``example`` the
card's own ``ComputedExercise`` (computed cards) or None.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flashdl.presentation.card_text import engine_text, render_side, render_text

SIDES = ("front", "back")


def card_json(content: Any, example: Any) -> dict[str, Any]:
    """DESIGN §3 ``show --json``: the sides rendered (LaTeX as Unicode), errata apart; and
    ``"schedule"`` when the content carries one. A Markdown side stays valid Markdown (its math
    escaped for a renderer); ``card_lines``, printed as it is, has no such escapes."""
    data = {
        "card": content.card,
        "deck": content.deck,
        "front": render_text(content.front, content.markup),
        "back": render_text(content.back, content.markup),
        "tags": list(content.tags),
        "errata": [
            {"field": erratum.field,
             "original": None if erratum.original is None else render_text(erratum.original, content.markup),
             "note": render_text(erratum.note, content.markup)}
            for erratum in content.errata
        ],
        "example": None if example is None else {
            "family": example.family,
            "prompt": engine_text(example.prompt),
            "solution": engine_text(example.solution),
        },
    }
    schedule = getattr(content, "schedule", None)
    if schedule is not None:
        data["schedule"] = schedule.to_json()
    return data


def card_lines(content: Any, example: Any, media_dir: Path | None = None) -> list[str]:
    """The card as the line-mode study session prints it: each side with its correction
    notes, the source text a correction replaced, the tags, and a computed card's exercise
    (pictures as ``[image: NAME]`` lines, checked in ``media_dir`` when given)."""
    lines = [content.card]
    for side in SIDES:
        text = content.front if side == "front" else content.back
        lines += [f"--- {side}", render_side(text, markup=content.markup, errata=content.errata,
                                            side=side, media_dir=media_dir, rendered=False).text]
        for erratum in content.errata:
            if erratum.field == side and erratum.original is not None:
                lines += [f"--- {side} as the source had it",
                          render_text(erratum.original, content.markup, rendered=False) or "(empty)"]
    if content.tags:
        lines.append(f"--- tags: {', '.join(content.tags)}")
    if example is not None:
        lines += [f"--- exercise ({example.family})", engine_text(example.prompt),
                  "--- worked solution", engine_text(example.solution)]
    return lines
