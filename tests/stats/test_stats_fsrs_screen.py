"""The statistics screen's FSRS section (key ``f``): evaluation, calibration, workload."""

from __future__ import annotations

import asyncio
import math
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from stats_helpers import add_deck, grade
from textual.widgets import Static

from flashdl.clock import FixedClock
from flashdl.presentation.charts import calibration_rows
from flashdl.scheduler.recall_metrics import CalibrationBin
from flashdl.store import open_store
from flashdl.tui.app import make_app
from flashdl.tui.screens.stats import BarChart, ColumnChart, StatsScreen

START = datetime(2025, 1, 1, 10, 0, tzinfo=UTC)


def make_history(path: Path, cards: int = 40, reviews: int = 8) -> datetime:
    """Recall follows an exponential curve with per-card half-lives (not FSRS's model)."""
    rng = random.Random(3)
    last = START
    with open_store(path) as store:
        add_deck(store, "alpha", cards)
        for card in range(cards):
            half_life = math.exp(rng.gauss(math.log(6), 0.7))
            day, gap = 0, 1
            for _ in range(reviews):
                recalled = rng.random() < 2 ** (-gap / half_life)
                moment = START + timedelta(days=day)
                grade(store, f"alpha/{card:03d}", 4 if recalled else 1, moment)
                last = max(last, moment)
                gap = gap * 2 if recalled else 1
                day += gap
    return last


def test_calibration_rows_show_actual_recall_per_predicted_bin() -> None:
    bins = [CalibrationBin(0.8, 0.9, 10, 0.85, 0.7), CalibrationBin(0.9, 1.0, 0, None, None)]
    assert calibration_rows(bins) == [("predicted 80–90% (10)", 70)]


def test_fsrs_section_shows_the_evidence(db_path: Path) -> None:
    now = make_history(db_path) + timedelta(days=1)

    async def scenario() -> None:
        app = make_app(db_path, FixedClock(now), import_bundled=False)
        async with app.run_test(size=(80, 24)) as pilot:
            for _ in range(3):
                await app.workers.wait_for_complete()
                await pilot.pause()
            await pilot.press("t")
            for _ in range(3):
                await app.workers.wait_for_complete()
                await pilot.pause()
            screen = app.screen
            assert isinstance(screen, StatsScreen)
            await pilot.press("f")
            for _ in range(5):
                await app.workers.wait_for_complete()
                await pilot.pause()
            evidence = screen.fsrs
            assert evidence is not None and evidence.evaluation is not None
            shown = str(screen.query_one("#fsrs-evaluation", Static).render())
            assert "SM-2" in shown and "FSRS, tuned" in shown
            assert f"{evidence.evaluation.reviews} reviews predicted" in shown
            assert "predicted" in str(screen.query_one("#calibration-sm2", BarChart).render())
            workload = next(w for w in evidence.workloads if w.desired_retention == 0.9)
            assert screen.query_one("#workload-chart", ColumnChart).values == list(workload.reviews_per_day)

    asyncio.run(scenario())


def test_the_workload_charted_is_at_the_desired_retention_set(db_path: Path) -> None:
    """A collection set to 0.85 was shown 0.90's workload (0.85 was not even simulated); the
    chart follows the setting, beside the usual retentions, with the numbers `simulate` gives."""
    from flashdl.services import deck_options, fsrs_evidence

    now = make_history(db_path) + timedelta(days=1)
    with open_store(db_path) as store:
        deck_options.set_options(store, None, desired_retention=0.85)
        reference = {w.desired_retention: w for w in fsrs_evidence.simulate(
            store, None, days=30, retentions=(0.8, 0.85, 0.9, 0.95))}

    async def scenario() -> None:
        app = make_app(db_path, FixedClock(now), import_bundled=False)
        async with app.run_test(size=(80, 24)) as pilot:
            for _ in range(3):
                await app.workers.wait_for_complete()
                await pilot.pause()
            await pilot.press("t")
            for _ in range(3):
                await app.workers.wait_for_complete()
                await pilot.pause()
            screen = app.screen
            assert isinstance(screen, StatsScreen)
            await pilot.press("f")
            for _ in range(5):
                await app.workers.wait_for_complete()
                await pilot.pause()
            assert screen.fsrs is not None and screen.fsrs.retention == 0.85
            assert "desired retention 0.85" in str(screen.query_one("#workload-heading", Static).render())
            assert screen.query_one("#workload-chart", ColumnChart).values == list(reference[0.85].reviews_per_day)

    asyncio.run(scenario())


def _two_decks(db_path: Path) -> datetime:
    """alpha with a long history; beta with two cards failed on each of three days."""
    now = make_history(db_path) + timedelta(days=1)
    with open_store(db_path) as store:
        add_deck(store, "beta", 2)
        for day in range(3):
            for card in ("beta/000", "beta/001"):
                grade(store, card, 1, now - timedelta(days=3 - day))
    return now


async def _settle(app: object, pilot: object, times: int = 5) -> None:
    for _ in range(times):
        await app.workers.wait_for_complete()  # type: ignore[attr-defined]
        await pilot.pause()  # type: ignore[attr-defined]


def test_another_deck_does_not_show_the_previous_decks_fsrs_evidence(db_path: Path) -> None:
    """After `f` on alpha, `d` showed beta's title over alpha's evaluation, calibration and
    workload (e.g. a deck of two always-failed cards with alpha's 70% calibration bars); the
    section is empty again until `f`, which then evaluates beta's own reviews."""
    from flashdl.errors import NotEnoughReviewsError
    from flashdl.services import fsrs_evidence

    now = _two_decks(db_path)
    with open_store(db_path) as store, pytest.raises(NotEnoughReviewsError):  # beta's 4 later-day reviews
        fsrs_evidence.evaluate(store, "beta")

    async def scenario() -> None:
        app = make_app(db_path, FixedClock(now), import_bundled=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await _settle(app, pilot, 3)
            await pilot.press("t")
            await _settle(app, pilot, 3)
            screen = app.screen
            assert isinstance(screen, StatsScreen) and screen.deck == "alpha"
            await pilot.press("f")
            await _settle(app, pilot)
            assert screen.fsrs is not None and screen.fsrs.evaluation is not None
            assert "FSRS, tuned" in str(screen.query_one("#fsrs-evaluation", Static).render())
            await pilot.press("d")
            await _settle(app, pilot)
            assert screen.deck == "beta" and screen.fsrs is None
            for name in ("#fsrs-evaluation", "#calibration-sm2", "#calibration-fsrs", "#workload-heading"):
                assert str(screen.query_one(name, Static).render()).strip() == "", name
            assert screen.query_one("#workload-chart", ColumnChart).values == []
            assert "f: evaluate" in str(screen.query_one("#fsrs-heading", Static).render())
            await pilot.press("f")
            await _settle(app, pilot)
            assert screen.fsrs is not None and screen.fsrs.evaluation is None  # beta's own: too few
            assert "too few reviews" in str(screen.query_one("#fsrs-evaluation", Static).render())
            assert str(screen.query_one("#calibration-sm2", Static).render()).strip() == ""

    asyncio.run(scenario())


def test_an_evaluation_finishing_after_d_is_not_shown(db_path: Path) -> None:
    """`f` then `d` at once: alpha's evidence, arriving after the switch, stays off beta's screen."""
    now = _two_decks(db_path)

    async def scenario() -> None:
        app = make_app(db_path, FixedClock(now), import_bundled=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await _settle(app, pilot, 3)
            await pilot.press("t")
            await _settle(app, pilot, 3)
            screen = app.screen
            assert isinstance(screen, StatsScreen) and screen.deck == "alpha"
            await pilot.press("f", "d")
            await _settle(app, pilot)
            assert screen.deck == "beta" and screen.fsrs is None
            assert str(screen.query_one("#fsrs-evaluation", Static).render()).strip() == ""
            assert screen.query_one("#workload-chart", ColumnChart).values == []

    asyncio.run(scenario())
