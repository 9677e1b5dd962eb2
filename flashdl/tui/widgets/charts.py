"""Charts drawn with block characters: columns, a year's heat-map, horizontal bars.

Reusable widgets (the statistics screen uses all three), each a thin shell
over a pure function that returns Rich ``Text``, so a chart's drawing is
tested without an app. The shapes carry the figures (block heights, the
shading ``·░▒▓█``, bar lengths, the numbers written out), so nothing is told
by colour alone; colours come from the theme through component classes.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.widget import Widget
from textual.widgets import Static

from flashdl.presentation.charts import axis_labels, bar_length, column_rows, fit_columns

if TYPE_CHECKING:
    from textual.visual import VisualType

HEAT = "·░▒▓█"
CALENDAR_WEEKS = 53
DAY_LABEL_WIDTH = 5  # "Mon  ": the heat map's columns before the first week
BAR_WIDTH = 40


class ColumnChart(Widget):
    """Columns of eighth blocks, the largest value labelled, first and last labels below."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"column-chart--bar", "column-chart--axis"}
    DEFAULT_CSS = """
    ColumnChart {
        height: 7;
        width: 1fr;
    }
    ColumnChart > .column-chart--bar {
        color: $primary;
    }
    ColumnChart > .column-chart--axis {
        color: $text-muted;
    }
    """

    def __init__(self, *, id: str | None = None, history: bool = False) -> None:
        super().__init__(id=id)
        self.values: list[int] = []
        self.labels: list[str] = []
        self.history = history  # days up to today: a short group is the oldest (``fit_columns``)

    def show(self, values: list[int], labels: list[str]) -> None:
        self.values, self.labels = values, labels
        self.refresh()

    def render(self) -> RenderResult:
        return column_chart(
            self.values, self.labels, width=self.size.width, height=max(2, self.size.height - 2),
            history=self.history,
            bar=self.get_component_rich_style("column-chart--bar"),
            axis=self.get_component_rich_style("column-chart--axis"),
        )


class HeatMap(Widget):
    """A year of reviews: a column per week (Monday on top), shaded by reviews that day."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"heat-map--cell", "heat-map--empty", "heat-map--label"}
    DEFAULT_CSS = """
    HeatMap {
        height: 9;
        width: 1fr;
    }
    HeatMap > .heat-map--cell {
        color: $success;
    }
    HeatMap > .heat-map--empty {
        color: $text-disabled;
    }
    HeatMap > .heat-map--label {
        color: $text-muted;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.days: list[tuple[date, int]] = []

    def show(self, days: list[tuple[date, int]]) -> None:
        self.days = days
        self.refresh()

    def render(self) -> RenderResult:
        # the latest weeks that fit the width: the year's 58 columns wrapped in a narrower
        # terminal (under 62 columns), each weekday's row broken over two or three lines
        weeks = max(1, min(CALENDAR_WEEKS, self.content_size.width - DAY_LABEL_WIDTH))
        return heat_map(
            self.days,
            cell=self.get_component_rich_style("heat-map--cell"),
            empty=self.get_component_rich_style("heat-map--empty"),
            label=self.get_component_rich_style("heat-map--label"),
            weeks=weeks,
        )


class BarChart(Static):
    """Horizontal bars, one per (label, count), the longest ``BAR_WIDTH`` wide."""

    DEFAULT_CSS = """
    BarChart {
        height: auto;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[tuple[str, int]] | None = None  # None: plain content (an emptied chart)

    def show(self, rows: list[tuple[str, int]]) -> None:
        super().update(bars(rows, self.content_size.width))
        self.rows = rows

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        self.rows = None
        super().update(content, layout=layout)

    def on_resize(self) -> None:
        """Bars drawn anew for the width: 40 cells long whatever the width, a calibration row
        (``predicted 80–90% (10)``) wrapped under 70 columns, an interval row under 56."""
        if self.rows is not None:
            super().update(bars(self.rows, self.content_size.width))


def column_chart(values: list[int], labels: list[str], *, width: int, height: int,
                 bar: Style, axis: Style, history: bool = False) -> Text:
    """Columns of eighth blocks; neighbouring values are summed when they do not fit. Labelled
    with the first and the last value's labels, which the chart spans, grouped or not."""
    room = max(8, width - 8)
    values, _ = fit_columns(values, labels, room, partial_first=history)
    step = max(1, min(3, room // max(1, len(values))))
    rows = column_rows(values, height, step=step)
    text = Text(no_wrap=True, overflow="crop")
    if not rows:
        text.append("  nothing in this period", style=axis)
        return text
    for index, cells in enumerate(rows):
        text.append(f"{max(values):>6} ┤" if index == 0 else "       │", style=axis)
        text.append(cells, style=bar)
        text.append("\n")
    span = len(values) * step
    text.append("       └" + "─" * span + "\n", style=axis)
    text.append("        " + axis_labels(labels, span), style=axis)
    return text


def heat_map(days: list[tuple[date, int]], *, cell: Style, empty: Style, label: Style,
             weeks: int = CALENDAR_WEEKS) -> Text:
    """The last ``weeks`` weeks as columns (Monday first row), one character a day, month names above."""
    text = Text(no_wrap=True, overflow="crop")
    if not days:
        return text
    counts = dict(days)
    last_day = days[-1][0]
    first_monday = last_day - timedelta(days=last_day.weekday() + 7 * (weeks - 1))
    busy = sorted(n for n in counts.values() if n)
    cuts = [busy[min(len(busy) - 1, len(busy) * q // 4)] for q in (1, 2, 3)] if busy else []
    months = [" "] * weeks
    for week in range(weeks):
        monday = first_monday + timedelta(weeks=week)
        if monday.day <= 7 and week + 3 <= weeks:
            months[week:week + 3] = list(monday.strftime("%b"))
    text.append(" " * DAY_LABEL_WIDTH + "".join(months).rstrip() + "\n", style=label)
    for weekday, name in enumerate(("Mon", "", "Wed", "", "Fri", "", "Sun")):
        text.append(f"{name:<{DAY_LABEL_WIDTH - 1}} ", style=label)
        for week in range(weeks):
            day = first_monday + timedelta(weeks=week, days=weekday)
            if day > last_day:
                break
            count = counts.get(day, 0)
            if count == 0:
                text.append(HEAT[0], style=empty)
            else:
                text.append(HEAT[1 + sum(count > cut for cut in cuts)], style=cell)
        text.append("\n")
    text.append("     less ", style=label)
    text.append(HEAT[0], style=empty)
    text.append(HEAT[1:], style=cell)
    text.append(" more", style=label)
    return text


def bars(rows: list[tuple[str, int]], width: int = 0) -> Text:
    """Labels right-aligned, then the bars: the longest ``BAR_WIDTH`` long, or as long as a row
    fits in ``width`` cells (when known)."""
    top = max((n for _label, n in rows), default=0)
    text = Text(no_wrap=True, overflow="crop")
    if top == 0:
        text.append("  no cards seen yet", style="dim")
        return text
    label_width = max(len(label) for label, _n in rows)
    room = width - (2 + label_width + 1) - (1 + len(str(top)))  # "  label " … " 12"
    longest = max(1, min(BAR_WIDTH, room)) if width else BAR_WIDTH
    for index, (label, n) in enumerate(rows):
        text.append(f"  {label:>{label_width}} ")
        text.append("█" * bar_length(n, top, longest), style="bold")
        text.append(f" {n}" + ("\n" if index < len(rows) - 1 else ""))
    return text
