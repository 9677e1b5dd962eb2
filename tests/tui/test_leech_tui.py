"""Leeches in the TUI: a lapse to the threshold suspends and tags the card, with a toast at the
top (clear of the grade legend); browse finds it with tag:leech and `l` takes the tag off."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.widgets import DataTable
from textual.widgets._toast import Toast
from tui_helpers import NOW, SIZE, build_app, card_shown, details, settle, wait_for

from flashdl.services import deck_options
from flashdl.services.reviews import record_review
from flashdl.store import open_store
from flashdl.tui.screens.browse import BrowseScreen
from flashdl.tui.screens.study import StudyScreen
from flashdl.tui.widgets.grade_bar import GradeBar


def lapsed_once(db_path: Path) -> None:
    """tui-sample/size seen two days ago and failed yesterday (lapse 1), due today; threshold 2."""
    with open_store(db_path) as store:
        deck_options.set_options(store, "tui-sample", leech_threshold=2)
        record_review(store, "tui-sample/size", 5, NOW - timedelta(days=2))
        record_review(store, "tui-sample/size", 1, NOW - timedelta(days=1))


async def test_a_lapse_to_the_threshold_suspends_tags_and_toasts(db_path: Path) -> None:
    lapsed_once(db_path)
    app = build_app(db_path, study="tui-sample")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await card_shown(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, StudyScreen) and screen.card.card == "tui-sample/size"
        await pilot.press("space", "1")
        await pilot.pause()
        stored = details(db_path, "tui-sample/size")
        assert stored.leech and stored.suspended  # Anki's default action: suspend, tag leech
        assert stored.history[-1].grade == 1
        await wait_for(pilot, lambda: bool(screen.query(Toast)), "the leech toast")
        toasts = list(screen.query(Toast))
        assert len(toasts) == 1 and "tui-sample/size is a leech" in str(toasts[0].render())
        # The toast sits at the top; the grade legend at the bottom stays uncovered.
        legend = screen.query_one(GradeBar).region
        assert toasts[0].region.bottom <= legend.y and toasts[0].region.y <= 2
        # Suspended: graded 1, yet not queued again today.
        assert screen.card is not None and screen.card.card != "tui-sample/size"
        assert screen.session is not None
        assert all(entry.card_id != stored.id for entry in screen.session.queued())


async def test_browse_lists_leeches_and_l_untags(db_path: Path) -> None:
    lapsed_once(db_path)
    with open_store(db_path) as store:
        record_review(store, "tui-sample/size", 0, NOW)  # lapse 2: a leech
    app = build_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.app.push_screen(BrowseScreen("tag:leech"))
        await settle(pilot)
        table = pilot.app.screen.query_one("#hits", DataTable)
        await wait_for(pilot, lambda: table.row_count == 1, "the leech listed")
        row = table.get_row_at(0)
        assert row[0] == "tui-sample/size" and "leech" in row[4] and "suspended" in row[4]
        await pilot.press("l")
        await settle(pilot)
        stored = details(db_path, "tui-sample/size")
        assert not stored.leech and stored.suspended  # un-leeched; unsuspending is `s`
        await wait_for(pilot, lambda: table.row_count == 0, "the search shown again")


async def test_undoing_the_leech_grade_takes_the_leech_toast_down(db_path: Path) -> None:
    lapsed_once(db_path)
    app = build_app(db_path, study="tui-sample")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await card_shown(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, StudyScreen)
        await pilot.press("space", "1")
        await wait_for(pilot, lambda: bool(screen.query(Toast)), "the leech toast")
        assert details(db_path, "tui-sample/size").leech
        await pilot.press("u")

        def texts() -> list[str]:
            return [str(toast.render()) for toast in screen.query(Toast)]

        await wait_for(pilot, lambda: any("Took back grade 1" in text for text in texts()), "the undone notice")
        assert not any("is a leech" in text for text in texts())
        stored = details(db_path, "tui-sample/size")
        assert not stored.leech and not stored.suspended  # the flags as before the grade
        assert stored.history[-1].grade == 1 and len(stored.history) == 2  # the failed grade is gone
        assert screen.card is not None and screen.card.card == "tui-sample/size"  # shown again


async def test_s_and_l_in_browse_keep_the_cursor_on_their_card(db_path: Path) -> None:
    """`s` then `l` on the third row: both act on that card, and the cursor stays there (it went
    back to the first row after `s`, so the `l` that followed tagged another card)."""
    app = build_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.app.push_screen(BrowseScreen("deck:tui-sample"))
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, BrowseScreen)
        table = screen.query_one("#hits", DataTable)
        await wait_for(pilot, lambda: table.row_count == 5, "the deck listed")
        table.focus()
        while table.cursor_row < 2:
            await pilot.press("down")
            await pilot.pause()
        third = screen._current()
        assert third is not None and table.cursor_row == 2
        await pilot.press("s")
        await wait_for(pilot, lambda: "suspended" in table.get_row_at(table.cursor_row)[4], "the flag shown")
        assert screen._current() is not None and screen._current().card == third.card
        await pilot.press("l")
        await wait_for(pilot, lambda: "leech" in table.get_row_at(table.cursor_row)[4], "the leech shown")
        assert screen._current().card == third.card
        await pilot.press("o")  # another order: still the same card under the cursor
        await wait_for(pilot, lambda: "by due" in str(screen.query_one("#browse-status").render()), "resorted")
        assert screen._current().card == third.card
    for row in ("size", "relu", "xavier", "params", "xcorr"):
        stored = details(db_path, f"tui-sample/{row}")
        mine = f"tui-sample/{row}" == third.card
        assert (stored.suspended, stored.leech) == (mine, mine), row


async def test_undoing_a_bury_of_a_computed_card_suspended_as_a_leech_leaves_it_out(db_path: Path) -> None:
    """A wrong typed answer is graded 1 at once and the card stays on screen, where ``b`` buries
    it. When that grade made it a leech (suspended), undoing the bury put the suspended card
    back at the head of the session; now the card stays out, suspended and tagged leech."""
    with open_store(db_path) as store:
        deck_options.set_options(store, "tui-sample", leech_threshold=1)
        record_review(store, "tui-sample/params", 5, NOW - timedelta(days=1))  # due today
    app = build_app(db_path, study="tui-sample")
    async with app.run_test(size=SIZE) as pilot:
        await card_shown(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, StudyScreen) and screen.card.card == "tui-sample/params"
        await pilot.press("1", "enter")  # wrong (760 is right): lapse 1, a leech
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        assert screen.card.card == "tui-sample/size"
        await pilot.press("u")
        await pilot.pause()
        assert screen.card.card == "tui-sample/size"  # params stays out of the session
        stored = details(db_path, "tui-sample/params")
        assert stored.leech and stored.suspended and stored.buried_until is None
        assert all(entry.card_id != stored.id for entry in screen.session.queued())
