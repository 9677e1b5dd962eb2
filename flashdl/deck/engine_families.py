"""The numeric engine's family names, for validating a deck's engine blocks.

A collection that imports the engine (~0.1 s with its value types) only when a deck has a
computed card to check: ``check`` and ``import`` of a deck of plain cards then cost a YAML
parse (issue 17). ``parse_deck(known_families=ENGINE_FAMILIES)`` refuses an unknown family
with the line it is on; ``computed_problem`` says what is wrong with a card's own example.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any


class EngineFamilies(Collection[str]):
    """The engine's family names, loaded only when a deck has a computed card."""

    def _names(self) -> Collection[str]:
        from flashdl.engine import FAMILIES

        return FAMILIES.keys()

    def __contains__(self, name: object) -> bool:
        return name in self._names()

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())


ENGINE_FAMILIES = EngineFamilies()


def computed_problem(family: str, params: dict[str, Any]) -> str | None:
    """Why a computed card's own example cannot be worked (its params do not describe a
    problem of ``family``), or None: the card can be studied as computed."""
    from flashdl.engine import get_family
    from flashdl.engine.errors import EngineParamsError

    try:
        get_family(family).solve(params)
    except EngineParamsError as error:
        return str(error)
    return None
