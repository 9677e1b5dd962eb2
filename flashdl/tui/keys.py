"""The actions flashdl itself binds on a screen: for the command palette and the help screen.

A screen's ``active_bindings`` also hold Textual's own (focus next, copy,
scrolling); listing those as flashdl actions would bury the ones that
matter, so only bindings declared in flashdl's classes are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen


@dataclass(frozen=True)
class KeyAction:
    key: str  # as shown to the user: "space", "?", "⏎"
    description: str
    tooltip: str
    action: str
    node: DOMNode
    enabled: bool


def _declared_by_flashdl(node: DOMNode) -> set[tuple[str, str]]:
    declared: set[tuple[str, str]] = set()
    for cls in type(node).__mro__:
        if not cls.__module__.startswith("flashdl."):
            continue
        for binding in cls.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding):
                for key in binding.key.split(","):
                    declared.add((key.strip(), binding.action))
    return declared


def screen_actions(screen: Screen[Any]) -> list[KeyAction]:
    """flashdl's actions available on ``screen`` now, one per action, in binding order."""
    found: list[KeyAction] = []
    seen: set[str] = set()
    declared: dict[int, set[tuple[str, str]]] = {}
    app = screen.app
    for active in screen.active_bindings.values():
        binding, node = active.binding, active.node
        if binding.system or not binding.description or binding.action in seen:
            continue
        ours = declared.setdefault(id(node), _declared_by_flashdl(node))
        if (binding.key, binding.action) not in ours:
            continue
        seen.add(binding.action)
        found.append(KeyAction(
            key=binding.key_display or app.get_key_display(binding),
            description=binding.description,
            tooltip=binding.tooltip,
            action=binding.action,
            node=node,
            enabled=active.enabled,
        ))
    return found
