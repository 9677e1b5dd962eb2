"""Scheduling, pure: SM-2 (``sm2``) and the day's study queue (``queue``).

Nothing here reads a clock, touches a database or imports SQLAlchemy:
data in, data out. The study service (``flashdl.services.study``) is the
shell that feeds it.
"""

from flashdl.scheduler.queue import QueueEntry, QueueKind, SessionQueue, plan_queue
from flashdl.scheduler.sm2 import (
    CardState,
    Grade,
    Rating,
    ReviewKind,
    ReviewOutcome,
    rating_for,
    replay,
    review,
)

__all__ = [
    "CardState",
    "Grade",
    "QueueEntry",
    "QueueKind",
    "Rating",
    "ReviewKind",
    "ReviewOutcome",
    "SessionQueue",
    "plan_queue",
    "rating_for",
    "replay",
    "review",
]
