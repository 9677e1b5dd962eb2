"""Decks: the model, the YAML deck format and its validation."""

from flashdl.deck.model import DECK_FORMAT, Card, Deck, EngineSpec, Erratum
from flashdl.deck.yaml_deck import deck_to_data, dump_deck, parse_deck

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
