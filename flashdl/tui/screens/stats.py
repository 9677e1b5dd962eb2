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

from typing import TYPE_CHECKING, ClassVar, Protocol

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from flashdl.errors import FlashdlError
from flashdl.presentation.charts import ease_label, interval_label, trim_empty
from flashdl.presentation.view_models import duration_text, percent, plural
from flashdl.tui.widgets.charts import CALENDAR_WEEKS, BarChart, ColumnChart, HeatMap

if TYPE_CHECKING:
    from flashdl.services.stats import StatsReport, StatsService
    from flashdl.tui.collection import Collection

PERIODS = (7, 30, 90, 365)


class StatsSource(Protocol):
    """Where the screen gets its figures (``StatsService`` or the app's collection)."""

    def report(self, deck: str | None = None, *, days: int = 30,
               calendar_days: int = 0) -> StatsReport: ...

    def deck_ids(self) -> list[str]: ...


class CollectionStats:
    """The app's collection as a ``StatsSource``: its store and clock, opened on first use."""

    def __init__(self, collection: Collection) -> None:
        self._collection = collection

    def _service(self) -> StatsService:
        from flashdl.services.stats import StatsService

        return StatsService(self._collection.store, self._collection.clock)

    def report(self, deck: str | None = None, *, days: int = 30,
               calendar_days: int = 0) -> StatsReport:
        return self._service().report(deck, days=days, calendar_days=calendar_days)

    def deck_ids(self) -> list[str]:
        return self._service().deck_ids()


def make_stats_screen(collection: Collection, deck: str | None = None) -> StatsScreen:
    return StatsScreen(CollectionStats(collection), deck)


class StatsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
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
            yield BarChart(id="intervals")
            yield Static("E-Factors of seen cards", classes="section")
            yield BarChart(id="eases")
            yield Static("Hardest cards (most lapses, lowest E-Factor)", classes="section")
            yield Static(id="hardest")
            yield Static("Computed cards: typed answers per family (reviews and practice)",
                         classes="section")
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
            f"Reviews per day · {plural(total, 'review')}, {percent(right, total)} correct"
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
        self.query_one("#intervals", BarChart).show(
            [(interval_label(b.min, b.max), b.count) for b in report.interval_histogram])
        self.query_one("#eases", BarChart).show(trim_empty(
            [(ease_label(b.min, b.max), b.count) for b in report.ease_histogram]))
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
    text.append(f"{plural(t.reviewed, 'review')} · {percent(t.correct, t.reviewed)} correct · "
                f"{t.new_seen} new · {duration_text(t.seconds)}\n")
    text.append("Streak     ", style="bold")
    text.append(f"{plural(report.streak_days, 'day')}\n")
    text.append("Retention  ", style="bold")
    text.append(f"young {_share(r.young, r.young_reviews)} · mature {_share(r.mature, r.mature_reviews)}")
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
    lines = [f"  {'family':<{width}}  attempts  correct  last 10  practice"]
    lines += [f"  {f.family:<{width}}  {f.attempts:>8}  {percent(f.correct, f.attempts):>7}"
              f"  {f'{f.last10}/{f.last10_attempts}':>7}  {f.practice:>8}"
              for f in report.engine]
    return Text("\n".join(lines), no_wrap=True, overflow="ellipsis")


def _share(value: float | None, reviews: int) -> str:
    return "no reviews" if value is None else f"{round(100 * value)}% of {plural(reviews, 'review')}"
