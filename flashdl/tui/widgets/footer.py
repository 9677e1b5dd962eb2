"""Textual's ``Footer``, redrawn only when the keys it shows change.

Textual's footer rebuilds all its key widgets whenever bindings *may* have
changed (every focus change, every ``refresh_bindings``). In a study session
that happens at every card while the keys shown stay the same, and the
rebuild is most of a keypress's cost; this footer compares what it would
show and skips identical rebuilds.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer


class KeysFooter(Footer):
    """A ``Footer`` that skips rebuilds showing the same keys."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._shown: tuple[tuple[str, str, str, bool], ...] | None = None

    def _signature(self, screen: Screen[Any]) -> tuple[tuple[str, str, str, bool], ...]:
        return tuple(
            (key, binding.action, binding.description, enabled)
            for key, (_, binding, enabled, _) in screen.active_bindings.items()
            if binding.show or key == self.app.COMMAND_PALETTE_BINDING
        )

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if self.is_attached and screen is self.screen and screen.app.app_focus:
            signature = self._signature(screen)
            if signature == self._shown:
                return
            self._shown = signature
        super().bindings_changed(screen)
