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

from typing import TYPE_CHECKING, ClassVar, NamedTuple, Protocol

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from flashdl.errors import FlashdlError
from flashdl.presentation.charts import ease_label, fit_name, interval_label, trim_empty
from flashdl.presentation.view_models import duration_text, percent, plural
from flashdl.tui.widgets.charts import CALENDAR_WEEKS, BarChart, ColumnChart, HeatMap

if TYPE_CHECKING:
    from flashdl.scheduler.fsrs_simulation import Workload
    from flashdl.scheduler.fsrs_tuning import Evaluation
    from flashdl.services.stats import StatsReport, StatsService
    from flashdl.tui.collection import Collection

PERIODS = (7, 30, 90, 365)
SIMULATED_DAYS = 30
FSRS_HEADING = "SM-2 or FSRS? · f: evaluate on your reviews"
SIMULATED_RETENTIONS = (0.8, 0.9, 0.95)


class StatsSource(Protocol):
    """Where the screen gets its figures (``StatsService`` or the app's collection)."""

    def report(self, deck: str | None = None, *, days: int = 30,
               calendar_days: int = 0) -> StatsReport: ...

    def deck_ids(self) -> list[str]: ...

    def fsrs_evidence(self, deck: str | None) -> FsrsEvidence: ...


class FsrsEvidence(NamedTuple):
    """``scheduler evaluate`` and ``simulate`` for the screen; None where there is too little history."""

    evaluation: Evaluation | None
    workloads: tuple[Workload, ...]
    message: str  # why something is missing ("" when nothing is)
    retention: float = 0.9  # the deck's desired retention (the collection's for all decks): the one charted


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

    def fsrs_evidence(self, deck: str | None) -> FsrsEvidence:
        from flashdl.errors import UsageError
        from flashdl.services import fsrs_evidence
        from flashdl.services.deck_options import get_options

        store, notes = self._collection.store, []
        try:
            evaluation = fsrs_evidence.evaluate(store, deck)
        except UsageError as error:
            evaluation, notes = None, [str(error)]
        # the deck's own desired retention too, and charted: a deck at 0.85 was shown 0.90's workload
        retention = get_options(store, deck).desired_retention
        retentions = tuple(sorted({*SIMULATED_RETENTIONS, retention}))
        try:
            workloads = fsrs_evidence.simulate(store, deck, days=SIMULATED_DAYS, retentions=retentions)
        except UsageError as error:
            workloads, notes = (), [*notes, str(error)]
        return FsrsEvidence(evaluation, workloads, " · ".join(notes), retention)


def make_stats_screen(collection: Collection, deck: str | None = None) -> StatsScreen:
    return StatsScreen(CollectionStats(collection), deck)


class StatsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "next_deck", "Deck", id="stats_deck", tooltip="Next deck (then all decks)"),
        Binding("p", "next_period", "Period", id="stats_period",
                tooltip="Days shown: 7, 30, 90 or 365"),
        Binding("f", "fsrs", "FSRS", id="stats_fsrs",
                tooltip="Evaluate SM-2 and FSRS on your reviews; FSRS's workload (takes a few seconds)"),
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
        self.fsrs: FsrsEvidence | None = None
        self._decks: list[str] | None = None

    def compose(self) -> ComposeResult:
        yield Static(self._title(), classes="title", id="stats-title")
        yield Static("Loading the statistics…", classes="status", id="stats-status")
        with VerticalScroll(id="stats-body"):
            yield Static(id="stats-summary")
            yield Static("Reviews per day", classes="section", id="reviews-heading")
            yield ColumnChart(id="reviews-chart", history=True)
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
            yield EngineTable(id="engine")
            yield Static(FSRS_HEADING, classes="section", id="fsrs-heading")
            yield Static(id="fsrs-evaluation")
            yield Static(id="calibration-heading")
            yield BarChart(id="calibration-sm2")
            yield BarChart(id="calibration-fsrs")
            yield Static(id="workload-heading")
            yield ColumnChart(id="workload-chart")
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
        self.query_one("#stats-status", Static).update(Text(f"Cannot show the statistics: {message}"))

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
        self.query_one("#engine", EngineTable).show(report)

    def action_fsrs(self) -> None:
        self.query_one("#fsrs-heading", Static).update("SM-2 or FSRS? · evaluating…")
        self.load_fsrs(self.deck)

    @work(thread=True, exclusive=True, group="stats-fsrs")
    def load_fsrs(self, deck: str | None) -> None:
        try:
            evidence = self.source.fsrs_evidence(deck)
        except FlashdlError as error:
            self.app.call_from_thread(self._fail, str(error))
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_fsrs, evidence, deck)

    def _show_fsrs(self, evidence: FsrsEvidence, deck: str | None) -> None:
        from flashdl.presentation.charts import calibration_rows

        if deck != self.deck:  # `d` was pressed while evaluating: this is another deck's evidence
            return
        self.fsrs = evidence
        heading = "SM-2 or FSRS? · " + (evidence.message or "lower log loss and RMSE, higher AUC: better")
        self.query_one("#fsrs-heading", Static).update(heading)
        result = evidence.evaluation
        self.query_one("#fsrs-evaluation", Static).update(
            evaluation_text(result) if result else Text("  too few reviews to evaluate", style="dim"))
        if result is not None:
            self.query_one("#calibration-heading", Static).update(
                "Calibration: actual recall (%) by predicted recall · SM-2, then tuned FSRS")
            self.query_one("#calibration-sm2", BarChart).show(
                calibration_rows(result.schedulers["sm2"].calibration))
            self.query_one("#calibration-fsrs", BarChart).show(
                calibration_rows(result.schedulers["fsrs_tuned"].calibration))
        if evidence.workloads:
            chosen = next((w for w in evidence.workloads if w.desired_retention == evidence.retention),
                          evidence.workloads[0])
            totals = " · ".join(f"{w.desired_retention:.2f}: {sum(w.reviews_per_day)}"
                                for w in evidence.workloads)
            self.query_one("#workload-heading", Static).update(
                f"FSRS reviews per day at its desired retention {chosen.desired_retention:.2f} · "
                f"{SIMULATED_DAYS}-day totals {totals}")
            self.query_one("#workload-chart", ColumnChart).show(
                list(chosen.reviews_per_day), [f"day {i + 1}" for i in range(len(chosen.reviews_per_day))])

    def action_next_deck(self) -> None:
        if self._decks is None:
            return
        cycle: list[str | None] = [None, *self._decks]
        position = cycle.index(self.deck) if self.deck in cycle else 0
        self.deck = cycle[(position + 1) % len(cycle)]
        self._clear_fsrs()
        self._reload()

    def _clear_fsrs(self) -> None:
        """Empty the FSRS section: it was evaluated on the previous deck's reviews, and shown
        under the next deck's title it read as that deck's evidence."""
        self.workers.cancel_group(self, "stats-fsrs")
        self.fsrs = None
        self.query_one("#fsrs-heading", Static).update(FSRS_HEADING)
        for name in ("#fsrs-evaluation", "#calibration-heading", "#calibration-sm2", "#calibration-fsrs",
                     "#workload-heading"):
            self.query_one(name, Static).update("")  # as before the first `f`
        self.query_one("#workload-chart", ColumnChart).show([], [])

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
                f"{c.mature} mature · {c.suspended} suspended · {plural(c.leeches, 'leech', 'leeches')}\n")
    text.append("Today      ", style="bold")
    text.append(f"{plural(t.reviewed, 'review')} · {percent(t.correct, t.reviewed)} correct · "
                f"{t.new_seen} new · {duration_text(t.seconds)}\n")
    text.append("Streak     ", style="bold")
    text.append(f"{plural(report.streak_days, 'day')}\n")
    text.append("Retention  ", style="bold")
    text.append(f"young {_share(r.young, r.young_reviews)} · mature {_share(r.mature, r.mature_reviews)}")
    return text


def evaluation_text(result: Evaluation) -> Text:
    names = {"sm2": "SM-2", "fsrs_default": "FSRS, default", "fsrs_tuned": "FSRS, tuned"}
    lines = [f"  {result.reviews} reviews predicted", f"  {'scheduler':<14}  log loss  RMSE(bins)     AUC"]
    for name, score in result.schedulers.items():
        auc = "–" if score.auc is None else f"{score.auc:.3f}"
        lines.append(f"  {names.get(name, name):<14}  {score.log_loss:>8.4f}  {score.rmse_bins:>10.4f}  {auc:>6}")
    return Text("\n".join(lines), no_wrap=True, overflow="ellipsis")


def hardest_text(report: StatsReport) -> Text:
    if not report.hardest:
        return Text("  none yet: no lapses and no E-Factor below 2.5", style="dim")
    width = max(len(h.card) for h in report.hardest)
    lines = [f"  {'card':<{width}}  lapses  E-Factor"]
    lines += [f"  {h.card:<{width}}  {h.lapses:>6}  {h.ease_factor:>8.2f}" for h in report.hardest]
    return Text("\n".join(lines), no_wrap=True, overflow="ellipsis")


ENGINE_FIGURES = "  attempts  correct  last 10  practice"


def engine_text(report: StatsReport, width: int | None = None) -> Text:
    """The per-family table, one line a family; in ``width`` columns the family names give way
    (cut with …), never the figures: 80 columns leave 76, and the longest name needs 77."""
    if not report.engine:
        return Text("  no typed answers in this period", style="dim")
    name_width = max(len(f.family) for f in report.engine)
    if width is not None:
        name_width = max(len("family"), min(name_width, width - 2 - len(ENGINE_FIGURES)))
    lines = [f"  {'family':<{name_width}}{ENGINE_FIGURES}"]
    lines += [f"  {fit_name(f.family, name_width):<{name_width}}  {f.attempts:>8}  {percent(f.correct, f.attempts):>7}"
              f"  {f'{f.last10}/{f.last10_attempts}':>7}  {f.practice:>8}"
              for f in report.engine]
    return Text("\n".join(lines), no_wrap=True, overflow="ellipsis")


class EngineTable(Static):
    """``engine_text`` laid out again for each width (a Static wraps a line wider than itself,
    which put each family's practice count on a line of its own at 80 columns)."""

    report: StatsReport | None = None

    def show(self, report: StatsReport) -> None:
        self.report = report
        self.update(engine_text(report, self.content_size.width or None))

    def on_resize(self) -> None:
        if self.report is not None:
            self.update(engine_text(self.report, self.content_size.width or None))


def _share(value: float | None, reviews: int) -> str:
    return "no reviews" if value is None else f"{round(100 * value)}% of {plural(reviews, 'review')}"
