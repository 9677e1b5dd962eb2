"""flashdl's screens, and their base: the app, typed.

Each screen is its own module, imported when first shown (the home screen
before the first frame, the others later); this package holds only their base.

Textual types ``Screen.app`` as ``App[object]``; every flashdl screen runs in
``FlashdlApp``, so ``flashdl_app`` says so once (``cast``, no runtime check)
and ``collection`` is the app's way to the data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from flashdl.tui.app import FlashdlApp
    from flashdl.tui.collection import Collection


class FlashdlScreen(Screen[None]):
    """A screen of ``FlashdlApp``."""

    @property
    def flashdl_app(self) -> FlashdlApp:
        return cast("FlashdlApp", self.app)

    @property
    def collection(self) -> Collection:
        return self.flashdl_app.collection

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """A toast as plain text, always: flashdl's carry paths, card ids and error messages
        quoting deck files, which Textual read as markup (a path's "[notes]" vanished; an error
        quoting "[/]" stopped the app). Textual's own toasts (ctrl+c's hint) keep their markup."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)
