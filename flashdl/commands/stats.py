"""``flashdl stats [DECK] [--days N] [--json]``: progress statistics.

With ``--json`` one document, the DESIGN §6 contract (keys exactly; the
definitions are in ``flashdl.services.stats``). Otherwise a terminal report
of at most 80 columns with small bar charts, drawn with Unicode block
characters (plain ASCII when stdout cannot encode them) and no colour.
"""

from __future__ import annotations

import argparse

from flashdl.commands.context import Context
from flashdl.commands.output import emit_json, emit_line, table
from flashdl.errors import FlashdlError, UsageError
from flashdl.presentation.charts import (
    LEVELS,
    axis_labels,
    bar_length,
    column_rows,
    ease_label,
    fit_columns,
    fit_name,
    interval_label,
    trim_empty,
)
from flashdl.services.stats import StatsReport, stats_of_file

WIDTH = 80
CHART_HEIGHT = 5
BAR_WIDTH = 36
UNICODE_LEVELS = LEVELS
ASCII_LEVELS = " ..::||##"


def stats(args: argparse.Namespace, ctx: Context) -> int:
    try:
        report = stats_of_file(ctx.db_path, ctx.now(), args.deck, args.days)
    except FlashdlError as error:
        from flashdl.services.lookup import UnknownDeckError

        if isinstance(error, UnknownDeckError):
            raise UsageError(str(error)) from None
        raise
    if args.json:
        emit_json(ctx, report.to_json())
    else:
        encoding = (getattr(ctx.stdout, "encoding", None) or "").lower().replace("-", "")
        emit_line(ctx, render_report(report, unicode=encoding in ("utf8", "utf16", "utf32")))
    return 0


def render_report(r: StatsReport, *, unicode: bool = True) -> str:
    """The plain-text report of a ``StatsReport``."""
    levels = UNICODE_LEVELS if unicode else ASCII_LEVELS
    dot = " · " if unicode else " - "
    lines = [
        (f"Statistics: {r.deck or 'all decks'}{dot}study day {r.today.isoformat()}"
         f"{dot}last {_count(r.days, 'day')}"),
        "",
    ]
    c, t, ret = r.cards, r.studied_today, r.retention
    lines += _wrap("Cards", [f"{c.total} in all: {c.new} new", f"{c.learning} learning",
                             f"{c.young} young", f"{c.mature} mature", f"{c.suspended} suspended",
                             f"{c.leeches} leech{'' if c.leeches == 1 else 'es'}"], dot)
    lines += _wrap("Today", [_count(t.reviewed, "review"),
                             f"{t.correct} correct{_percent(t.correct, t.reviewed)}",
                             f"{t.new_seen} new", _duration(t.seconds)], dot)
    lines += _wrap("Streak", [_count(r.streak_days, "day")], dot)
    lines += _wrap("Retention", [f"young {_retention(ret.young, ret.young_reviews)}",
                                 f"mature {_retention(ret.mature, ret.mature_reviews)}"], dot)
    total = sum(d.count for d in r.reviews_by_day)
    right = sum(d.correct for d in r.reviews_by_day)
    lines += ["", (f"Reviews per day, last {_count(r.days, 'day')}: {_count(total, 'review')}, "
                   f"{right} correct{_percent(right, total)}")]
    lines += column_chart([d.count for d in r.reviews_by_day],
                          [d.date.strftime("%m-%d") for d in r.reviews_by_day], levels, history=True)
    due_total = sum(d.due for d in r.forecast)
    lines += ["", (f"Due in the next {_count(r.days, 'day')}: {_count(due_total, 'card')}, "
                   f"{r.forecast[0].due} today (overdue included)")]
    lines += column_chart([d.due for d in r.forecast],
                          [d.date.strftime("%m-%d") for d in r.forecast], levels)
    lines += ["", "Intervals of seen cards"]
    lines += bar_rows(trim_empty([(interval_label(b.min, b.max, dash="-"), b.count)
                                  for b in r.interval_histogram]),
                      levels[-1] if unicode else "#")
    lines += ["", "E-Factors of seen cards"]
    lines += bar_rows(trim_empty([(ease_label(b.min, b.max, dash="-"), b.count) for b in r.ease_histogram]),
                      levels[-1] if unicode else "#")
    lines += ["", "Hardest cards (most lapses, lowest E-Factor)"]
    if r.hardest:
        rows = [[h.card, str(h.lapses), f"{h.ease_factor:.2f}"] for h in r.hardest]
        lines += _indent(table(rows, ["card", "lapses", "E-Factor"], right={1, 2}))
    else:
        lines.append("  none yet")
    lines += ["", f"Computed cards, last {_count(r.days, 'day')}"]
    if r.engine:
        rows = [[f.family, str(f.attempts), str(f.correct),
                 _percent(f.correct, f.attempts).strip(" ()"), f"{f.last10}/{f.last10_attempts}",
                 str(f.practice)] for f in r.engine]
        headers = ["family", "attempts", "correct", "accuracy", "last 10", "practice"]
        # within WIDTH, the names give way (the longest family needs 87 columns in all)
        figures = sum(2 + max(len(headers[i]), *(len(row[i]) for row in rows)) for i in range(1, 6))
        for row in rows:
            row[0] = fit_name(row[0], WIDTH - 2 - figures, mark="…" if unicode else "~")
        lines += _indent(table(rows, headers, right={1, 2, 3, 4, 5}))
    else:
        lines.append("  no typed answers yet")
    return "\n".join(line.rstrip() for line in lines)


def column_chart(values: list[int], labels: list[str], levels: str, *, history: bool = False) -> list[str]:
    """A small column chart (``CHART_HEIGHT`` rows), at most ``WIDTH`` columns wide.

    Each value gets one or two columns; beyond ~70 values, neighbours are summed (a
    ``history``'s short group is its oldest, ``fit_columns``). The labels are the first and
    the last value's: the chart spans both, grouped or not.
    """
    room = WIDTH - 8
    values, _ = fit_columns(values, labels, room, partial_first=history)
    step = 2 if len(values) * 2 <= room else 1
    cells = column_rows(values, CHART_HEIGHT, step=step, levels=levels)
    if not cells:
        return ["  (none)"]
    rows = [(f"{max(values):>6} │" if index == 0 else "       │") + row for index, row in enumerate(cells)]
    width = len(values) * step
    rows.append("       └" + "─" * width)
    rows.append("        " + axis_labels(labels, width))
    if levels[-1] != "█":
        rows = [row.replace("│", "|").replace("└", "+").replace("─", "-") for row in rows]
    return rows


def bar_rows(rows: list[tuple[str, int]], block: str) -> list[str]:
    """Horizontal bars with labels and counts."""
    top = max((count for _label, count in rows), default=0)
    if top == 0:
        return ["  (none)"]
    width = max(len(label) for label, _count in rows)
    out = []
    for label, count in rows:
        bar = block * bar_length(count, top, BAR_WIDTH)
        out.append(f"  {label.ljust(width)}  {bar.ljust(BAR_WIDTH)} {count}")
    return out


def _wrap(label: str, items: list[str], dot: str) -> list[str]:
    """``label`` then the items joined by ``dot``, continued on indented lines past ``WIDTH``."""
    lines = [f"{label:<10} {items[0]}"]
    for item in items[1:]:
        if len(lines[-1]) + len(dot) + len(item) <= WIDTH:
            lines[-1] += dot + item
        else:
            lines.append(" " * 11 + item)
    return lines


def _indent(text: str) -> list[str]:
    return ["  " + line for line in text.splitlines()]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _percent(part: int, whole: int) -> str:
    return f" ({round(100 * part / whole)}%)" if whole else ""


def _retention(value: float | None, reviews: int) -> str:
    if value is None:
        return "(no reviews)"
    return f"{round(100 * value)}% of {_count(reviews, 'review')}"


def _duration(seconds: float) -> str:
    whole = round(seconds)
    minutes, secs = divmod(whole, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {secs} s"
    return f"{secs} s"
