"""The card screen's scheduling rows: the card's scheduler, and FSRS's memory state, as stored."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

from textual.widgets import Static
from tui_helpers import NOW, SIZE, build_app, decks_listed, details, settle, shown

from flashdl.services.deck_options import set_options
from flashdl.services.reviews import record_review
from flashdl.store import open_store
from flashdl.tui.screens.card import CardScreen


def stored_fsrs(db_path: Path, card: str) -> tuple[float, float, str, str]:
    db = sqlite3.connect(db_path)
    try:
        return db.execute(
            "SELECT c.fsrs_stability, c.fsrs_difficulty, c.due, c.last_review FROM card AS c "
            "JOIN deck AS d ON d.id = c.deck_id WHERE d.slug || '/' || c.slug = ?", (card,)).fetchone()
    finally:
        db.close()


def rows(text: str) -> dict[str, str]:
    """The scheduling grid as {label: value} (labels are one or two words, then 2+ spaces)."""
    found = {}
    for line in text.splitlines():
        label, _, value = line.strip().partition("  ")
        found[label] = value.strip()
    return found


async def _scheduling_shown(db_path: Path, card: str) -> dict[str, str]:
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await decks_listed(pilot)
        app.push_screen(CardScreen(details(db_path, card).id))
        await settle(pilot)
        return rows(shown(app.screen.query_one("#card-scheduling", Static)))


async def test_card_screen_shows_the_fsrs_state_the_database_holds(db_path: Path) -> None:
    with open_store(db_path) as store:
        set_options(store, "tui-sample", scheduler="fsrs")
        record_review(store, "tui-sample/relu", 4, NOW - timedelta(days=6))
        record_review(store, "tui-sample/relu", 5, NOW - timedelta(days=2))
    stability, difficulty, due, last = stored_fsrs(db_path, "tui-sample/relu")
    assert stability is not None
    shown_rows = await _scheduling_shown(db_path, "tui-sample/relu")
    assert shown_rows["Scheduler"] == "FSRS"
    assert shown_rows["Due"].startswith(due)
    assert shown_rows["Interval"] == f"{(date.fromisoformat(due) - date.fromisoformat(last)).days} days"
    assert shown_rows["Difficulty"] == f"{difficulty:.2f} (1-10)"
    assert shown_rows["Stability"] == (f"{stability:.2f} days" if stability < 10 else f"{round(stability)} days")
    # FSRS-6's forgetting curve, worked here: R = (1 + F t / S)^-w20, F = 0.9^(-1/w20) - 1
    import fsrs

    decay = fsrs.scheduler.DEFAULT_PARAMETERS[20]
    elapsed = 2  # NOW's study day minus the last review's
    expected = (1 + (0.9 ** (-1 / decay) - 1) * elapsed / stability) ** -decay
    assert shown_rows["Retrievability"] == f"{expected:.0%} today"


async def test_card_screen_of_an_sm2_card_says_so_without_fsrs_rows(db_path: Path) -> None:
    with open_store(db_path) as store:
        record_review(store, "tui-sample/relu", 4, NOW - timedelta(days=1))
    shown_rows = await _scheduling_shown(db_path, "tui-sample/relu")
    assert (shown_rows["Scheduler"], shown_rows["Interval"]) == ("SM-2", "1 day")
    assert "Stability" not in shown_rows and "Retrievability" not in shown_rows
