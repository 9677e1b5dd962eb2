"""The deck options screen (``o`` on home), asserted on the database."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from textual.widgets import Input, Select, Static
from tui_helpers import SIZE, build_app, decks_listed, settle, shown

from flashdl.tui.screens.home import HomeScreen
from flashdl.tui.screens.options import OptionsScreen


def stored(db_path: Path) -> tuple[object, ...]:
    db = sqlite3.connect(db_path)
    try:
        return db.execute("SELECT options, new_per_day FROM deck WHERE slug = 'tui-sample'").fetchone()
    finally:
        db.close()


async def test_options_screen_saves_to_the_database(db_path: Path) -> None:
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await decks_listed(pilot)
        await pilot.press("o")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OptionsScreen) and screen.deck == "tui-sample"
        assert screen.query_one("#opt-new_per_day", Input).value == "20"
        assert screen.query_one("#opt-reviews_per_day", Input).value == ""
        screen.query_one("#opt-new_per_day", Input).value = "7"
        screen.query_one("#opt-reviews_per_day", Input).value = "40"
        screen.query_one("#opt-scheduler", Select).value = "fsrs"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Saved" in shown(screen.query_one("#options-status", Static))
        options, new_per_day = stored(db_path)
        assert new_per_day == 7
        assert json.loads(str(options)) == {"reviews_per_day": 40, "scheduler": "fsrs"}
        # A bad value is refused on screen and nothing is saved.
        screen.query_one("#opt-desired_retention", Input).value = "1.5"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Not saved" in shown(screen.query_one("#options-status", Static))
        assert "outside" in shown(screen.query_one("#options-status", Static))
        assert stored(db_path) == (options, 7)
        # a fraction for a count is named as such (it said "'0.95' is not a number")
        screen.query_one("#opt-desired_retention", Input).value = "0.9"
        screen.query_one("#opt-leech_threshold", Input).value = "0.95"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "'0.95' is not a whole number" in shown(screen.query_one("#options-status", Static))
        assert stored(db_path) == (options, 7)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


def collection_options(db_path: Path) -> object:
    db = sqlite3.connect(db_path)
    try:
        row = db.execute("SELECT value FROM setting WHERE key = 'deck_options'").fetchone()
        return None if row is None else json.loads(row[0])
    finally:
        db.close()


async def test_default_options_screen_saves_the_collection_defaults(db_path: Path) -> None:
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await decks_listed(pilot)
        await pilot.press("O")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OptionsScreen) and screen.deck is None
        assert "default options" in shown(screen.query_one(".title", Static))
        screen.query_one("#opt-scheduler", Select).value = "fsrs"
        screen.query_one("#opt-desired_retention", Input).value = "0.85"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Saved" in shown(screen.query_one("#options-status", Static))
    assert collection_options(db_path) == {"scheduler": "fsrs", "desired_retention": 0.85}
    assert stored(db_path) == (None, None)  # the deck sets nothing itself: it follows the defaults


def rollover_setting(db_path: Path) -> object:
    db = sqlite3.connect(db_path)
    try:
        row = db.execute("SELECT value FROM setting WHERE key = 'rollover_hour'").fetchone()
        return None if row is None else json.loads(row[0])
    finally:
        db.close()


async def test_the_defaults_screen_sets_the_hour_a_study_day_starts(db_path: Path) -> None:
    """Anki's "next day starts at" (DESIGN §4: 04:00, configurable): on the defaults' screen only,
    since it is the whole collection's; a bad hour is shown and nothing is saved."""
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await decks_listed(pilot)
        await pilot.press("O")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OptionsScreen)
        hour = screen.query_one("#opt-rollover_hour", Input)
        assert hour.value == "4"
        hour.value = "24"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Not saved" in shown(screen.query_one("#options-status", Static))
        assert rollover_setting(db_path) is None  # nothing stored: the default 4
        hour.value = "6"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Saved" in shown(screen.query_one("#options-status", Static))
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("o")  # a deck's own options: no such field there
        await settle(pilot)
        assert isinstance(app.screen, OptionsScreen) and app.screen.deck is not None
        assert not app.screen.query("#opt-rollover_hour")
    assert rollover_setting(db_path) == 6
    assert collection_options(db_path) in (None, {})  # no option changed but the hour


def review_history(db_path: Path, cards: int = 60, reviews: int = 9) -> int:
    """Reviews whose recall follows an exponential forgetting curve with per-card half-lives
    (not FSRS's model), on growing gaps, ending before the tests' clock; how many."""
    import math
    import random
    from datetime import timedelta

    from tui_helpers import NOW, import_decks

    from flashdl.services.reviews import record_review
    from flashdl.store import open_store

    deck = db_path.parent / "tuning.yaml"
    deck.write_text("id: tuning\nname: Tuning\ncards:\n" + "".join(
        f'  - id: "{i:03d}"\n    front: "Question {i}"\n    back: "Answer {i}"\n' for i in range(1, cards + 1)))
    import_decks(db_path, deck)
    rng = random.Random(7)
    start = NOW - timedelta(days=1200)
    count = 0
    with open_store(db_path) as store:
        for card in range(1, cards + 1):
            half_life = math.exp(rng.gauss(math.log(8), 0.8))
            day, gap = 0, 1
            for _ in range(reviews):
                recalled = rng.random() < 2 ** (-gap / half_life)
                record_review(store, f"tuning/{card:03d}", 4 if recalled else 1, start + timedelta(days=day))
                count += 1
                gap = gap * 2 if recalled else 1
                day += gap
    return count


def deck_options_of(db_path: Path, slug: str) -> object:
    db = sqlite3.connect(db_path)
    try:
        (text,) = db.execute("SELECT options FROM deck WHERE slug = ?", (slug,)).fetchone()
        return None if text is None else json.loads(text)
    finally:
        db.close()


async def test_ctrl_o_refuses_to_optimise_on_too_few_reviews(db_path: Path) -> None:
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await decks_listed(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        status = shown(app.screen.query_one("#options-status", Static))
        assert "Not optimised" in status and "too few reviews" in status and "400" in status
    assert stored(db_path) == (None, None)


async def test_ctrl_o_optimises_in_a_worker_and_stores_the_parameters(db_path: Path) -> None:
    from flashdl.scheduler.fsrs_schedule import validate_parameters
    from flashdl.services import fsrs_evidence
    from flashdl.store import open_store

    review_history(db_path)
    with open_store(db_path) as store:  # the CLI's result on the same log: the reference
        expected = fsrs_evidence.optimize(store, "tuning")
        store_options = deck_options_of(db_path, "tuning")
    db = sqlite3.connect(db_path)
    db.execute("UPDATE deck SET options = NULL WHERE slug = 'tuning'")
    db.commit()
    db.close()
    assert store_options == {"fsrs_parameters": list(expected.parameters)}

    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await decks_listed(pilot)
        await pilot.press("down")  # tuning is listed after tui-sample
        await pilot.press("o")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OptionsScreen) and screen.deck == "tuning"
        await pilot.press("ctrl+o")
        await settle(pilot)
        status = shown(screen.query_one("#options-status", Static))
        assert f"Optimised on {expected.reviews} reviews" in status
        assert f"{expected.log_loss_before:.4f} → {expected.log_loss_after:.4f}" in status
        assert expected.log_loss_after < expected.log_loss_before
        assert "defaults" not in shown(screen.query_one("#options-fsrs", Static))
    stored_now = deck_options_of(db_path, "tuning")
    assert isinstance(stored_now, dict)
    assert validate_parameters(stored_now["fsrs_parameters"]) == expected.parameters


async def test_a_number_typed_on_opening_goes_into_the_first_field(db_path: Path) -> None:
    """`o`, then 5 and ctrl+s: the keys went to the scroll box, nothing was typed and the screen
    said "Nothing changed."; the first field has the focus, its text selected, so 5 replaces 20."""
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await decks_listed(pilot)
        await pilot.press("o")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OptionsScreen)
        assert screen.focused is screen.query_one("#opt-new_per_day", Input)
        await pilot.press("5", "ctrl+s")
        await settle(pilot)
        assert "Saved: new_per_day" in shown(screen.query_one("#options-status", Static))
        assert stored(db_path)[1] == 5
