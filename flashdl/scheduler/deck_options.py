"""Deck options: what a deck's daily study follows, with collection defaults (pure).

An option set is stored as a JSON object of the options that differ from the
level below: a deck's object over the collection's over ``DEFAULTS``. Every
stored value is validated when read (``overrides_from_json``): a corrupt or
out-of-range value is refused with an ``InputError`` naming where it is and
what is wrong, never silently replaced by a default.

- ``new_per_day`` (int >= 0), ``reviews_per_day`` (int >= 0, or None: no limit)
- ``new_order``: ``file`` (the deck file's order) or ``random`` (a fixed
  shuffle: the same every day, as Anki's "random" order of new cards)
- ``leech_threshold`` (int >= 1; Anki's 8) and ``leech_action`` (``suspend`` | ``tag``)
- ``scheduler``: ``sm2`` | ``fsrs``; ``desired_retention`` (0.70..0.99);
  ``fsrs_parameters`` (the 21 FSRS-6 weights, or None: the defaults)
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import TYPE_CHECKING, Any

from flashdl.errors import InputError

if TYPE_CHECKING:  # fsrs_schedule loads native FSRS code: imported where it is used
    from flashdl.scheduler.fsrs_schedule import FsrsConfig

# fsrs_schedule.DEFAULT_DESIRED_RETENTION (tests check they agree); not imported, to keep
# reading options (every review, every study session) off the FSRS packages.
DEFAULT_DESIRED_RETENTION = 0.9

NEW_ORDERS = ("file", "random")
LEECH_ACTIONS = ("suspend", "tag")
SCHEDULERS = ("sm2", "fsrs")
SM2, FSRS = SCHEDULERS


@dataclass(frozen=True)
class DeckOptions:
    new_per_day: int = 20
    reviews_per_day: int | None = None
    new_order: str = "file"
    leech_threshold: int = 8
    leech_action: str = "suspend"
    scheduler: str = SM2
    desired_retention: float = DEFAULT_DESIRED_RETENTION
    fsrs_parameters: tuple[float, ...] | None = None

    @property
    def fsrs_config(self) -> FsrsConfig:
        """The FSRS configuration these options give (default weights when none are stored)."""
        from flashdl.scheduler.fsrs_schedule import FsrsConfig

        if self.fsrs_parameters is None:
            return FsrsConfig(desired_retention=self.desired_retention)
        return FsrsConfig(parameters=self.fsrs_parameters, desired_retention=self.desired_retention)

    def to_json(self, deck: str | None) -> dict[str, Any]:
        """``deck options --json`` (DESIGN §3), plus the stored FSRS weights; ``deck`` None
        (JSON null): the collection's defaults (``--default``)."""
        return {
            "deck": deck,
            "new_per_day": self.new_per_day,
            "reviews_per_day": self.reviews_per_day,
            "new_order": self.new_order,
            "leech_threshold": self.leech_threshold,
            "leech_action": self.leech_action,
            "scheduler": self.scheduler,
            "desired_retention": self.desired_retention,
            "fsrs_parameters": None if self.fsrs_parameters is None else list(self.fsrs_parameters),
        }


DEFAULTS = DeckOptions()
OPTION_NAMES = tuple(f.name for f in fields(DeckOptions))


def _whole(value: object, name: str, minimum: int, source: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InputError(f"{source}: {name} = {value!r} is not a whole number >= {minimum}")
    return value


def _choice(value: object, name: str, choices: tuple[str, ...], source: str) -> str:
    if value not in choices:
        raise InputError(f"{source}: {name} = {value!r} is not one of {', '.join(choices)}")
    return str(value)


def validate_option(name: str, value: object, *, source: str) -> object:
    """The value of one option, checked; ``InputError`` naming ``source`` and the option."""
    if name == "new_per_day":
        return _whole(value, name, 0, source)
    if name == "reviews_per_day":
        return None if value is None else _whole(value, name, 0, source)
    if name == "new_order":
        return _choice(value, name, NEW_ORDERS, source)
    if name == "leech_threshold":
        return _whole(value, name, 1, source)
    if name == "leech_action":
        return _choice(value, name, LEECH_ACTIONS, source)
    if name == "scheduler":
        return _choice(value, name, SCHEDULERS, source)
    if name == "desired_retention":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise InputError(f"{source}: desired_retention = {value!r} is not a number")
        from flashdl.scheduler.fsrs_schedule import validate_desired_retention

        return validate_desired_retention(float(value), source=f"{source}: desired retention")
    if name == "fsrs_parameters":
        if value is None:
            return None
        if not isinstance(value, (list, tuple)):
            raise InputError(f"{source}: fsrs_parameters = {value!r} is not a list of numbers")
        from flashdl.scheduler.fsrs_schedule import validate_parameters

        return validate_parameters(value, source=f"{source}: FSRS parameters")
    raise InputError(f"{source}: unknown option {name!r}")


def overrides_from_json(text: str | None, *, source: str) -> dict[str, Any]:
    """The options stored as a JSON object, each one validated (None: no overrides)."""
    if text is None:
        return {}
    try:
        stored = json.loads(text)
    except ValueError:
        raise InputError(f"{source}: stored options are not valid JSON") from None
    if not isinstance(stored, dict):
        raise InputError(f"{source}: stored options are not a JSON object")
    return {name: validate_option(name, value, source=source) for name, value in stored.items()}


def overrides_to_json(overrides: Mapping[str, Any]) -> str | None:
    """The JSON text stored for ``overrides`` (None when there are none)."""
    if not overrides:
        return None
    return json.dumps(
        {k: list(v) if isinstance(v, tuple) else v for k, v in sorted(overrides.items())},
        sort_keys=True,
    )


def resolve(*layers: Mapping[str, Any]) -> DeckOptions:
    """``DEFAULTS`` with each layer's (validated) overrides applied in turn."""
    options = DEFAULTS
    for layer in layers:
        if layer:
            options = replace(options, **dict(layer))
    return options


def as_overrides(options: DeckOptions) -> dict[str, Any]:
    """Every option of ``options`` as an overrides mapping (for export)."""
    values = asdict(options)
    if values["fsrs_parameters"] is not None:
        values["fsrs_parameters"] = list(values["fsrs_parameters"])
    return values
