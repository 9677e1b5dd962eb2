"""A study session's progress: a bar of cards done against cards left, and the counts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

from flashdl.presentation.view_models import progress_text

if TYPE_CHECKING:
    from flashdl.services.views import QueueCounts


class SessionProgress(Horizontal):
    """``████░░░░ 12 done · 13 left: 5 new · 2 learning · 6 review``."""

    DEFAULT_CSS = """
    SessionProgress {
        height: 1;
        width: 1fr;
        padding: 0 1;
    }
    SessionProgress ProgressBar {
        width: 22;
    }
    SessionProgress ProgressBar Bar {
        width: 20;
    }
    SessionProgress Label {
        width: 1fr;
        padding: 0 0 0 1;
    }
    """

    def compose(self) -> ComposeResult:
        yield ProgressBar(total=1, show_eta=False, show_percentage=False)
        yield Label("")

    def show(self, done: int, counts: QueueCounts) -> None:
        total = done + counts.total
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)
        self.query_one(Label).update(progress_text(done, counts))
