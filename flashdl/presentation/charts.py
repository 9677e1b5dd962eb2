"""The arithmetic of block-character charts, shared by ``flashdl stats`` and the statistics screen.

Pure functions on counts: which columns fit a width, each column's height in
eighths of a row drawn with ``LEVELS``, a bar's length, trimming empty
histogram buckets, and the buckets' labels. Each front end adds its axes,
styles and its words for "nothing to show" (the CLI also has an ASCII set of
levels for terminals that cannot encode blocks).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

LEVELS = " ▁▂▃▄▅▆▇█"  # 0 to 8 eighths of a row

Row = TypeVar("Row", bound=tuple[str, int])


def fit_columns(values: Sequence[int], labels: Sequence[str], room: int, *,
                partial_first: bool = False) -> tuple[list[int], list[str]]:
    """At most ``room`` columns: neighbouring values summed in equal groups, each group's first
    label kept. Where the values do not divide evenly, one group is short: the last, or with
    ``partial_first`` the first — a history's oldest, so that today's column, the one a student
    compares, holds as many days as the others (it looked a sixth lower with 365 days)."""
    group = max(1, -(-len(values) // room))
    starts = list(range(0, len(values), group))
    if partial_first and len(values) % group:
        starts = [0, *range(len(values) % group, len(values), group)]
    ends = [*starts[1:], len(values)] if starts else []
    return [sum(values[a:b]) for a, b in zip(starts, ends, strict=True)], [labels[a] for a in starts]


def fit_name(name: str, width: int, *, mark: str = "…") -> str:
    """``name`` in at most ``width`` characters, cut with ``mark``: in a table that must fit a
    width, the names give way and the figures stay whole."""
    return name if len(name) <= width else name[:max(0, width - len(mark))] + mark


def axis_labels(labels: Sequence[str], width: int) -> str:
    """The labels under a column chart ``width`` characters wide: the first value's on the left,
    the last value's on the right (grouped columns span both), at least a space apart; one
    label when there is one value."""
    first, last = labels[0], labels[-1]
    if len(labels) == 1:
        return first
    return first + last.rjust(max(width - len(first), len(last) + 1))


def column_rows(values: Sequence[int], height: int, *, step: int = 1, levels: str = LEVELS) -> list[str]:
    """The cells of a column chart, top row first, ``step`` characters a column.

    Each column is scaled to the largest value (``height`` rows of eighths);
    a value above zero shows at least one eighth. No rows when all are zero.
    """
    top = max(values, default=0)
    if top <= 0:
        return []
    eighths = [max(1, round(v * height * 8 / top)) if v else 0 for v in values]
    return [
        "".join(levels[min(8, max(0, e - (height - 1 - row) * 8))] * step for e in eighths)
        for row in range(height)
    ]


def bar_length(count: int, top: int, width: int) -> int:
    """A horizontal bar's length: ``width`` for ``top``, at least 1 for any count above zero."""
    return max(1, round(count * width / top)) if count else 0


def trim_empty(rows: Sequence[Row]) -> list[Row]:
    """The rows from the first to the last with a count above zero (none if all are zero)."""
    kept = [i for i, (_label, n) in enumerate(rows) if n]
    return list(rows[kept[0]:kept[-1] + 1]) if kept else []


def interval_label(low: float, high: float | None, *, dash: str = "–") -> str:
    """An interval bucket in days, ``[low, high)``: ``1 d``, ``2–3 d``, ``365+ d``."""
    if high is None:
        return f"{low:g}+ d"
    return f"{low:g} d" if high - low == 1 else f"{low:g}{dash}{high - 1:g} d"


def ease_label(low: float, high: float | None, *, dash: str = "–") -> str:
    """An E-Factor bucket: ``2.5–2.6``, ``3.0+``."""
    return f"{low:.1f}+" if high is None else f"{low:.1f}{dash}{high:.1f}"


def calibration_rows(bins: Sequence[Any]) -> list[tuple[str, int]]:
    """A calibration plot as bars: per bin of predicted recall that holds reviews, the
    actual recall in percent (a well-calibrated scheduler's bars end inside their bin).

    ``bins``: ``recall_metrics.CalibrationBin``s (``low``, ``high``, ``count``, ``actual``).
    """
    return [
        (f"predicted {round(100 * b.low)}–{round(100 * b.high)}% ({b.count})", round(100 * b.actual))
        for b in bins if b.count and b.actual is not None
    ]
