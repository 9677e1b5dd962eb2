"""The statistics screen: the figures of ``flashdl stats`` as charts, for one deck or all.

``make_stats_screen(collection, deck)`` is what the app pushes (key ``t``
on the home screen, the command palette). The figures come from one
service call (``flashdl.services.stats.collection_stats``) in a worker
thread, so the screen draws at once and never waits on the database.

Shown, top to bottom in one scrolling column (80x24 shows the summary and
the first chart; ``j``/``k`` and the page keys scroll): cards, today,
streak and retention; reviews per day; the due forecast; a calendar
heat-map of the last year (one column per week, shading ``·░▒▓█`` by
reviews, so it reads without colour too); intervals and E-Factors; the
hardest cards; computed-card accuracy per family. ``d`` steps through the
decks and back to all, ``p`` changes the period (7, 30, 90, 365 days).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from rich.style import Style
from rich.text import Text
from textual import work
from textual.worker import get_current_worker
from textual.app import ComposeResult, RenderResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Static

from flashdl.errors import FlashdlError
from flashdl.presentation.view_models import duration_text, plural

if TYPE_CHECKING:
    from flashdl.services.stats import StatsReport
    from flashdl.tui.collection import Collection

PERIODS = (7, 30, 90, 365)
CALENDAR_WEEKS = 53
LEVELS = " ▁▂▃▄▅▆▇█"
HEAT = "·░▒▓█"
BAR_WIDTH = 40


class StatsSource(Protocol):
    """Where the screen gets its figures (``StatsService`` or the app's collection)."""

    def report(self, deck: str | None = None, *, days: int = 30,
               calendar_days: int = 0) -> StatsReport: ...

    def deck_ids(self) -> list[str]: ...


class CollectionStats:
    """The app's collection as a ``StatsSource``: its store and clock, opened on first use."""

    def __init__(self, collection: Collection) -> None:
        self._collection = collection

    def _service(self) -> Any:
        from flashdl.services.stats import StatsService

        return StatsService(self._collection.store, self._collection.clock)

    def report(self, deck: str | None = None, *, days: int = 30,
               calendar_days: int = 0) -> StatsReport:
        return self._service().report(deck, days=days, calendar_days=calendar_days)  # type: ignore[no-any-return]

    def deck_ids(self) -> list[str]:
        return self._service().deck_ids()  # type: ignore[no-any-return]


def make_stats_screen(collection: Collection, deck: str | None = None) -> StatsScreen:
    return StatsScreen(CollectionStats(collection), deck)


class ColumnChart(Widget):
    """Columns of eighth blocks, the largest value labelled, first and last labels below."""

    COMPONENT_CLASSES = {"column-chart--bar", "column-chart--axis"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.values: list[int] = []
        self.labels: list[str] = []

    def show(self, values: list[int], labels: list[str]) -> None:
        self.values, self.labels = values, labels
        self.refresh()

    def render(self) -> RenderResult:
        return column_chart(
            self.values, self.labels, width=self.size.width, height=max(2, self.size.height - 2),
            bar=self.get_component_rich_style("column-chart--bar"),
            axis=self.get_component_rich_style("column-chart--axis"),
        )


class HeatMap(Widget):
    """A year of reviews: a column per week (Monday on top), shaded by reviews that day."""

    COMPONENT_CLASSES = {"heat-map--cell", "heat-map--empty", "heat-map--label"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.days: list[tuple[date, int]] = []

    def show(self, days: list[tuple[date, int]]) -> None:
        self.days = days
        self.refresh()

    def render(self) -> RenderResult:
        return heat_map(
            self.days,
            cell=self.get_component_rich_style("heat-map--cell"),
            empty=self.get_component_rich_style("heat-map--empty"),
            label=self.get_component_rich_style("heat-map--label"),
        )


class StatsScreen(Screen[None]):
    BINDINGS = [
        Binding("d", "next_deck", "Deck", id="stats_deck", tooltip="Next deck (then all decks)"),
        Binding("p", "next_period", "Period", id="stats_period",
                tooltip="Days shown: 7, 30, 90 or 365"),
        Binding("r", "reload", "Reload", show=False, id="stats_reload"),
        Binding("j", "scroll(1)", "Down", show=False),
        Binding("k", "scroll(-1)", "Up", show=False),
        Binding("escape,q", "back", "Back", key_display="q", id="stats_back"),
    ]

    def __init__(self, source: StatsSource, deck: str | None = None, *, days: int = 30) -> None:
        super().__init__()
        self.source = source
        self.deck = deck
        self.days = days
        self.report: StatsReport | None = None
        self._decks: list[str] | None = None

    def compose(self) -> ComposeResult:
        yield Static(self._title(), classes="title", id="stats-title")
        yield Static("Loading the statistics…", classes="status", id="stats-status")
        with VerticalScroll(id="stats-body"):
            yield Static(id="stats-summary")
            yield Static("Reviews per day", classes="section", id="reviews-heading")
            yield ColumnChart(id="reviews-chart")
            yield Static("Due", classes="section", id="forecast-heading")
            yield ColumnChart(id="forecast-chart")
            yield Static("Last year", classes="section", id="calendar-heading")
            yield HeatMap(id="calendar")
            yield Static("Intervals of seen cards", classes="section")
            yield Static(id="intervals")
            yield Static("E-Factors of seen cards", classes="section")
            yield Static(id="eases")
            yield Static("Hardest cards (most lapses, lowest E-Factor)", classes="section")
            yield Static(id="hardest")
            yield Static("Computed cards: typed answers per family", classes="section")
            yield Static(id="engine")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    def _title(self) -> str:
        return f"flashdl · statistics · {self.deck or 'all decks'} · last {self.days} days"

    @work(thread=True, exclusive=True, group="stats-load")
    def load(self) -> None:
        weeks_days = CALENDAR_WEEKS * 7
        try:
            if self._decks is None:
                self._decks = self.source.deck_ids()
            report = self.source.report(self.deck, days=self.days, calendar_days=weeks_days)
        except FlashdlError as error:
            self.app.call_from_thread(self._fail, str(error))
            return
        if not get_current_worker().is_cancelled:  # a newer load (d, p) replaced this one
            self.app.call_from_thread(self._show, report)

    def _fail(self, message: str) -> None:
        self.query_one("#stats-status", Static).update(f"Cannot show the statistics: {message}")

    def _show(self, report: StatsReport) -> None:
        self.report = report
        self.query_one("#stats-title", Static).update(self._title())
        self.query_one("#stats-status", Static).update(
            f"Study day {report.today.isoformat()} · d: deck · p: period · q: back"
        )
        self.query_one("#stats-summary", Static).update(summary_text(report))
        total = sum(d.count for d in report.reviews_by_day)
        right = sum(d.correct for d in report.reviews_by_day)
        self.query_one("#reviews-heading", Static).update(
            f"Reviews per day · {plural(total, 'review')}, {_percent(right, total)} correct"
        )
        self.query_one("#reviews-chart", ColumnChart).show(
            [d.count for d in report.reviews_by_day],
            [d.date.strftime("%b %d") for d in report.reviews_by_day],
        )
        due = sum(d.due for d in report.forecast)
        self.query_one("#forecast-heading", Static).update(
            f"Due in the next {report.days} days · {plural(due, 'card')}, "
            f"{report.forecast[0].due} today (overdue included)"
        )
        self.query_one("#forecast-chart", ColumnChart).show(
            [d.due for d in report.forecast],
            [d.date.strftime("%b %d") for d in report.forecast],
        )
        active = sum(1 for d in report.calendar if d.count)
        year = sum(d.count for d in report.calendar)
        self.query_one("#calendar-heading", Static).update(
            f"Last year · {plural(year, 'review')} on {plural(active, 'day')} · "
            f"streak {plural(report.streak_days, 'day')}"
        )
        self.query_one("#calendar", HeatMap).show([(d.date, d.count) for d in report.calendar])
        self.query_one("#intervals", Static).update(bars(
            [(_interval_label(b.min, b.max), b.count) for b in report.interval_histogram]))
        self.query_one("#eases", Static).update(bars(_trim(
            [(_ease_label(b.min, b.max), b.count) for b in report.ease_histogram])))
        self.query_one("#hardest", Static).update(hardest_text(report))
        self.query_one("#engine", Static).update(engine_text(report))

    def action_next_deck(self) -> None:
        if self._decks is None:
            return
        cycle: list[str | None] = [None, *self._decks]
        position = cycle.index(self.deck) if self.deck in cycle else 0
        self.deck = cycle[(position + 1) % len(cycle)]
        self._reload()

    def action_next_period(self) -> None:
        later = [p for p in PERIODS if p > self.days]
        self.days = later[0] if later else PERIODS[0]
        self._reload()

    def action_reload(self) -> None:
        self._reload()

    def _reload(self) -> None:
        self.query_one("#stats-title", Static).update(self._title())
        self.query_one("#stats-status", Static).update("Loading the statistics…")
        self.load()

    def action_scroll(self, lines: int) -> None:
        self.query_one("#stats-body", VerticalScroll).scroll_relative(y=lines, animate=False, immediate=True)

    def action_back(self) -> None:
        self.app.pop_screen()


def summary_text(report: StatsReport) -> Text:
    c, t, r = report.cards, report.studied_today, report.retention
    text = Text()
    text.append("Cards      ", style="bold")
    text.append(f"{c.new} new · {c.learning} learning · {c.young} young · "
                f"{c.mature} mature · {c.suspended} suspended\n")
    text.append("Today      ", style="bold")
    text.append(f"{plural(t.reviewed, 'review')} · {_percent(t.correct, t.reviewed)} correct · "
                f"{t.new_seen} new · {duration_text(t.seconds)}\n")
    text.append("Streak     ", style="bold")
    text.append(f"{plural(report.streak_days, 'day')}\n")
    text.append("Retention  ", style="bold")
    text.append(f"young {_share(r.young, r.young_reviews)} · mature {_share(r.mature, r.mature_reviews)}")
    return text


def column_chart(values: list[int], labels: list[str], *, width: int, height: int,
                 bar: Style, axis: Style) -> Text:
    """Columns of eighth blocks; neighbouring values are summed when they do not fit."""
    room = max(8, width - 8)
    group = max(1, -(-len(values) // room))
    values = [sum(values[i:i + group]) for i in range(0, len(values), group)]
    labels = labels[::group]
    step = max(1, min(3, room // max(1, len(values))))
    top = max(values, default=0)
    text = Text(no_wrap=True, overflow="crop")
    if top == 0:
        text.append("  nothing in this period", style=axis)
        return text
    eighths = [max(1, round(v * height * 8 / top)) if v else 0 for v in values]
    for row in range(height):
        floor = (height - 1 - row) * 8
        text.append(f"{top:>6} ┤" if row == 0 else "       │", style=axis)
        text.append("".join(LEVELS[min(8, max(0, e - floor))] * step for e in eighths), style=bar)
        text.append("\n")
    span = len(values) * step
    text.append("       └" + "─" * span + "\n", style=axis)
    first, last = labels[0], labels[-1]
    text.append("        " + first + last.rjust(max(0, span - len(first))), style=axis)
    return text


def heat_map(days: list[tuple[date, int]], *, cell: Style, empty: Style, label: Style) -> Text:
    """Weeks as columns (Monday first row), one character a day, month names above."""
    text = Text(no_wrap=True, overflow="crop")
    if not days:
        return text
    counts = dict(days)
    last_day = days[-1][0]
    first_monday = last_day - timedelta(days=last_day.weekday() + 7 * (CALENDAR_WEEKS - 1))
    busy = sorted(n for n in counts.values() if n)
    cuts = [busy[min(len(busy) - 1, len(busy) * q // 4)] for q in (1, 2, 3)] if busy else []
    months = [" "] * CALENDAR_WEEKS
    for week in range(CALENDAR_WEEKS):
        monday = first_monday + timedelta(weeks=week)
        if monday.day <= 7 and week + 3 <= CALENDAR_WEEKS:
            months[week:week + 3] = list(monday.strftime("%b"))
    text.append("     " + "".join(months).rstrip() + "\n", style=label)
    for weekday, name in enumerate(("Mon", "", "Wed", "", "Fri", "", "Sun")):
        text.append(f"{name:<4} ", style=label)
        for week in range(CALENDAR_WEEKS):
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


def bars(rows: list[tuple[str, int]]) -> Text:
    top = max((n for _label, n in rows), default=0)
    text = Text(no_wrap=True, overflow="crop")
    if top == 0:
        text.append("  no cards seen yet", style="dim")
        return text
    width = max(len(label) for label, _n in rows)
    for index, (label, n) in enumerate(rows):
        length = max(1, round(n * BAR_WIDTH / top)) if n else 0
        text.append(f"  {label:>{width}} ")
        text.append("█" * length, style="bold")
        text.append(f" {n}" + ("\n" if index < len(rows) - 1 else ""))
    return text


def hardest_text(report: StatsReport) -> Text:
    if not report.hardest:
        return Text("  none yet: no lapses and no E-Factor below 2.5", style="dim")
    width = max(len(h.card) for h in report.hardest)
    lines = [f"  {'card':<{width}}  lapses  E-Factor"]
    lines += [f"  {h.card:<{width}}  {h.lapses:>6}  {h.ease_factor:>8.2f}" for h in report.hardest]
    return Text("\n".join(lines), no_wrap=True, overflow="ellipsis")


def engine_text(report: StatsReport) -> Text:
    if not report.engine:
        return Text("  no typed answers in this period", style="dim")
    width = max(len(f.family) for f in report.engine)
    lines = [f"  {'family':<{width}}  attempts  correct"]
    lines += [f"  {f.family:<{width}}  {f.attempts:>8}  {_percent(f.correct, f.attempts):>7}"
              for f in report.engine]
    return Text("\n".join(lines), no_wrap=True, overflow="ellipsis")


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "–"


def _share(value: float | None, reviews: int) -> str:
    return "no reviews" if value is None else f"{round(100 * value)}% of {plural(reviews, 'review')}"


def _trim(rows: list[tuple[str, int]]) -> list[tuple[str, int]]:
    kept = [i for i, (_label, n) in enumerate(rows) if n]
    return rows[kept[0]:kept[-1] + 1] if kept else rows[:0]


def _interval_label(low: float, high: float | None) -> str:
    if high is None:
        return f"{low:g}+ d"
    return f"{low:g} d" if high - low == 1 else f"{low:g}–{high - 1:g} d"


def _ease_label(low: float, high: float | None) -> str:
    return f"{low:.1f}+" if high is None else f"{low:.1f}–{high:.1f}"
