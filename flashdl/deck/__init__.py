"""Decks: the model, the YAML deck format and its validation.

The YAML reader is imported on first use (PEP 562): the store and the
services import ``flashdl.deck.model`` and its package, and a one-shot
``flashdl decks`` should not load PyYAML for that (issue 17).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from flashdl.deck.model import DECK_FORMAT, Card, Deck, EngineSpec, Erratum

if TYPE_CHECKING:
    from flashdl.deck.yaml_deck import deck_to_data, dump_deck, parse_deck

_LAZY = {"deck_to_data", "dump_deck", "parse_deck"}

__all__ = [
    "DECK_FORMAT",
    "Card",
    "Deck",
    "EngineSpec",
    "Erratum",
    "deck_to_data",
    "dump_deck",
    "parse_deck",
]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module("flashdl.deck.yaml_deck"), name)
