"""The statistics screen with Pilot at 80x24: opens from home with ``t``, shows figures, switches."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from stats_helpers import add_deck, grade
from textual.widgets import Static

from flashdl.clock import FixedClock
from flashdl.store import open_store
from flashdl.tui.app import make_app
from flashdl.tui.screens.stats import ColumnChart, HeatMap, StatsScreen

NOW = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)


def make_history(path: Path) -> None:
    with open_store(path) as store:
        add_deck(store, "alpha", 4, families={0: "dropout"})
        add_deck(store, "beta", 2)
        for day in range(20):
            moment = NOW - timedelta(days=19 - day)
            grade(store, f"alpha/{day % 4:03d}", 2 + day % 4, moment, seconds=9,
                  typed_correct=day % 2 == 0 if day % 4 == 0 else None)
        grade(store, "beta/000", 5, NOW - timedelta(minutes=5))


def text_of(screen: StatsScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def test_screen_opens_from_home_and_shows_figures(db_path: Path) -> None:
    make_history(db_path)

    async def scenario() -> None:
        app = make_app(db_path, FixedClock(NOW), import_bundled=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("t")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, StatsScreen)  # for the deck selected on home
            assert screen.report is not None and screen.report.deck == "alpha"
            assert "alpha" in text_of(screen, "#stats-title")
            assert sum(screen.query_one("#reviews-chart", ColumnChart).values) == 20

            await pilot.press("d", "d")  # alpha -> beta -> all decks
            await settle(pilot)
            report = screen.report
            assert screen.deck is None and report is not None and report.deck is None
            assert "all decks" in text_of(screen, "#stats-title")
            assert "21 reviews" in text_of(screen, "#reviews-heading")
            summary = text_of(screen, "#stats-summary")
            assert "Streak     20 days" in summary and "learning" in summary
            assert sum(screen.query_one("#reviews-chart", ColumnChart).values) == 21
            assert sum(n for _day, n in screen.query_one("#calendar", HeatMap).days) == 21
            assert "dropout" in text_of(screen, "#engine")

            await pilot.press("p")  # 30 -> 90 days
            await settle(pilot)
            assert screen.report.days == 90 and len(screen.report.forecast) == 90

            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, StatsScreen)

    asyncio.run(scenario())


def test_screen_on_an_empty_collection(db_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(db_path, FixedClock(NOW), import_bundled=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            app.show_stats(None)
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, StatsScreen) and screen.report is not None
            assert "nothing in this period" in str(
                screen.query_one("#reviews-chart", ColumnChart).render())
            await pilot.press("q")
            await pilot.pause()
            assert not isinstance(app.screen, StatsScreen)

    asyncio.run(scenario())


def test_at_80_columns_each_family_is_one_line_with_its_figures_whole(db_path: Path) -> None:
    """The longest family name made a 77-column row in 76: each row wrapped, its practice count
    on a line of its own under the name. Now the name gives way (…) and the figures stay whole."""
    from textual.geometry import Region

    from flashdl.store import practice as practice_store

    long_name = "transformer_encoder_layer_param_count"  # the engine's longest family name
    with open_store(db_path) as store:
        add_deck(store, "alpha", 2, families={0: long_name, 1: "softmax"})
        for minute in range(3):
            grade(store, "alpha/000", 4, NOW - timedelta(minutes=10 - minute), typed_correct=minute != 1)
        with store.write() as tx:
            card_id = tx.db.execute("SELECT id FROM card WHERE slug = '001'").fetchone()[0]
            for n in range(12):
                practice_store.append_attempt(
                    tx, card_id=card_id, family="softmax", params={}, typed="1", correct=n < 7,
                    duration_ms=0, attempted_ms=int(NOW.timestamp() * 1000) - n, day=NOW.date())

    async def scenario() -> None:
        app = make_app(db_path, FixedClock(NOW), import_bundled=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("t")
            await settle(pilot)
            table = app.screen.query_one("#engine", Static)
            assert table.size.height == 3  # the header and one line per family, nothing wrapped
            lines = [strip.text.rstrip() for strip in table.render_lines(Region(0, 0, table.size.width, 3))]
            # family, attempts, correct (share), last 10, practice: by hand from the answers above
            assert lines[1].split() == ["softmax", "12", "58%", "7/10", "12"]
            assert lines[2].split() == ["transformer_encoder_layer_param_cou…", "3", "67%", "2/3", "0"]
            assert lines[0].split()[-2:] == ["10", "practice"]

    asyncio.run(scenario())
