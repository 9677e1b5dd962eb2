"""Textual's ``Footer``, redrawn only when the keys it shows change.

Textual's footer rebuilds all its key widgets whenever bindings *may* have
changed (every focus change, every ``refresh_bindings``). In a study session
that happens at every card while the keys shown stay the same, and the
rebuild is most of a keypress's cost; this footer compares what it would
show and skips identical rebuilds.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeysFooter(Footer):
    """A ``Footer`` that skips rebuilds showing the same keys.

    ``keys_at_once``: show the keys in the screen's first frame. Textual's
    footer waits for the first change of bindings, which for the app's first
    screen comes only after that frame (the keys then appear a moment later,
    and later still while the home screen's worker imports the database
    layer). Only for a screen whose keys are final when it is composed.
    """

    def __init__(self, *args: Any, keys_at_once: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._shown: tuple[tuple[str, str, str, bool], ...] | None = None
        self._keys_at_once = keys_at_once

    def compose(self) -> ComposeResult:
        if self._keys_at_once and not self._bindings_ready:
            self.set_reactive(Footer._bindings_ready, True)
        for widget in super().compose():
            if isinstance(widget, FooterKey) and "compact" in (widget._reactive_connect or {}):
                # A key bound to the footer's ``compact`` is born with its value: it
                # otherwise mounts compact (a class added, its styles recomputed),
                # then the binding makes it not compact (recomputed again). Same look;
                # the command-palette key is not bound, and stays as it is.
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget

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
