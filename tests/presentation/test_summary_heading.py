"""The session summary's heading tells what is left when a session ends early."""

from __future__ import annotations

from flashdl.presentation.view_models import SessionTally, summary_heading
from flashdl.services.views import QueueCounts


def tally(answers: int) -> SessionTally:
    kept = SessionTally()
    for card in range(answers):
        kept.record(card, 4, 1000, None)
    return kept


def test_heading_names_each_kind_left() -> None:
    assert summary_heading(tally(1), QueueCounts(new=14, learning=1, review=0)) == (
        "14 new and 1 learning card left for today")
    assert summary_heading(tally(1), QueueCounts(new=2, learning=0, review=3)) == (
        "2 new and 3 review cards left for today")
    assert summary_heading(tally(0), QueueCounts(new=1, learning=2, review=3)) == (
        "1 new, 2 learning and 3 review cards left for today")
    assert summary_heading(tally(0), QueueCounts(new=0, learning=0, review=1)) == (
        "1 review card left for today")


def test_complete_only_when_nothing_is_left() -> None:
    assert summary_heading(tally(3), QueueCounts(new=0, learning=0, review=0)) == "Session complete"
    assert summary_heading(tally(3), None) == "Session complete"
    assert summary_heading(tally(0), QueueCounts(new=0, learning=0, review=0)) == "Nothing left to study today"
