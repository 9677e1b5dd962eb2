"""Custom study from the TUI (``c`` on home), asserted on the database: a review ahead moves the
due date by SM-2 from the day of the review; a cram run leaves the schedule and the log alone."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, RadioButton, Static
from tui_helpers import NOW, SIZE, build_app, card_shown, decks_listed, settle, shown, wait_for

from flashdl.services.reviews import record_review
from flashdl.store import open_store
from flashdl.tui.screens.custom_study import CustomStudyScreen
from flashdl.tui.screens.study import StudyScreen


def seen_twice(db_path: Path, card: str) -> None:
    """Two perfect reviews, 3 and 2 days ago: n = 2, I = 6 days, EF 2.5 + 0.1 + 0.1 = 2.7,
    due 4 days from now (DESIGN §4 by hand)."""
    with open_store(db_path) as store:
        record_review(store, card, 5, NOW - timedelta(days=3))
        record_review(store, card, 5, NOW - timedelta(days=2))


def row(db_path: Path, slug: str) -> tuple[Any, ...]:
    with sqlite3.connect(db_path) as db:
        return db.execute(
            "SELECT due, interval, ease, repetitions, "
            "(SELECT count(*) FROM review_log WHERE card_id = card.id) FROM card WHERE slug = ?",
            (slug,),
        ).fetchone()


async def open_form(pilot: Pilot[Any]) -> CustomStudyScreen:
    await decks_listed(pilot)
    await pilot.press("c")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CustomStudyScreen) and screen.deck == "tui-sample"
    return screen


async def test_review_ahead_is_a_real_review(db_path: Path) -> None:
    seen_twice(db_path, "tui-sample/size")
    today = NOW.date()
    assert row(db_path, "size") == (str(today + timedelta(days=4)), 6, 2700, 2, 2)
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        form.query_one("#cs-kind-ahead", RadioButton).value = True
        form.query_one("#cs-ahead", Input).value = "5"
        await pilot.press("ctrl+s")
        await card_shown(pilot)
        study = app.screen
        assert isinstance(study, StudyScreen) and study.card is not None
        assert study.card.card == "tui-sample/size"  # the one card due within 5 days
        await pilot.press("space", "4")
        await settle(pilot)
    # reviewed today: I = ceil(6 x 2.7) = 17 days from today; EF unchanged by a 4
    assert row(db_path, "size") == (str(today + timedelta(days=17)), 17, 2700, 3, 3)


async def test_cram_changes_no_schedule(db_path: Path) -> None:
    seen_twice(db_path, "tui-sample/relu")
    before = row(db_path, "relu")
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        form.query_one("#cs-kind-search", RadioButton).value = True
        form.query_one("#cs-search", Input).value = "tag:activation"
        form.query_one("#cs-cram", Checkbox).value = True
        await pilot.press("ctrl+s")
        await card_shown(pilot)
        study = app.screen
        assert isinstance(study, StudyScreen) and study.card is not None
        assert study.card.card == "tui-sample/relu"
        await pilot.press("space", "1")  # wrong: comes again in the session
        await settle(pilot)
        assert study.card is not None and study.card.card == "tui-sample/relu"
        await pilot.press("space", "5")
        await settle(pilot)
    assert row(db_path, "relu") == before


async def test_a_bad_query_is_shown_and_nothing_starts(db_path: Path) -> None:
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        form.query_one("#cs-kind-search", RadioButton).value = True
        form.query_one("#cs-search", Input).value = "is:dew"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "unknown search term 'is:dew'" in shown(form.query_one("#cs-status", Static))
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, CustomStudyScreen)


async def test_the_choice_is_said_in_words_not_only_in_colour(db_path: Path) -> None:
    """Radio and check marks differ only in colour; the line under them names the choice."""
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await decks_listed(pilot)
        await pilot.press("c")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, CustomStudyScreen)
        line = screen.query_one("#cs-chosen", Static)
        assert shown(line).strip() == "Chosen: Review ahead (days)"
        screen.query_one("#cs-kind").focus()  # the radio set (the review-ahead box has the focus)
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert screen.chosen() == "search"
        assert shown(line).strip() == "Chosen: Search"
        screen.query_one("#cs-cram", Checkbox).value = True
        await settle(pilot)
        assert shown(line).strip() == "Chosen: Search · cram on"
        screen.query_one("#cs-new", Input).focus()
        await pilot.press("5")  # typing in a kind's box chooses it
        await settle(pilot)
        assert screen.chosen() == "new"
        assert shown(line).strip() == "Chosen: Extra new cards today · cram on (applies to a search only)"


async def test_enter_starts_at_once_as_the_hint_says(db_path: Path) -> None:
    """The hint says "enter: start"; on opening, enter only toggled a radio button."""
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await decks_listed(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(pilot.app.screen, CustomStudyScreen)
        await pilot.press("enter")  # review ahead 1 day, the default
        await wait_for(pilot, lambda: not isinstance(pilot.app.screen, CustomStudyScreen), "the session")


async def test_enter_in_a_kinds_box_starts_that_kind(db_path: Path) -> None:
    """Tabbing to "Extra new cards today" and pressing enter started the chosen kind ("Review
    ahead 1 day"), which here ended at once with nothing to study. Enter in a box starts the
    kind of that box: a new card is shown and its grade is logged as a first review."""
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        form.query_one("#cs-new", Input).focus()
        await pilot.pause()
        assert form.query_one("#cs-kind-ahead", RadioButton).value   # the box was not typed in
        await pilot.press("enter")
        await card_shown(pilot)
        study = app.screen
        assert isinstance(study, StudyScreen) and study.custom is not None
        assert study.custom.extra_new == 10 and study.custom.ahead is None
        assert study.card is not None
        slug = study.card.card.split("/", 1)[1]
        assert row(db_path, slug)[3:] == (0, 0)   # new: no repetitions, no review logged
        await pilot.press("space", "4")
        await settle(pilot)
    assert row(db_path, slug)[3:] == (1, 1)
