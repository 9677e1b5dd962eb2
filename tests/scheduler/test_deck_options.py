"""Deck options: validation, resolution by layers, and the stored JSON round trip."""

from __future__ import annotations

import pytest
from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS
from hypothesis import given
from hypothesis import strategies as st

from flashdl.errors import InputError
from flashdl.scheduler import deck_options as rules
from flashdl.scheduler import fsrs_schedule

weights = st.tuples(*(st.floats(low, high) for low, high in zip(
    LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS)))
overrides = st.fixed_dictionaries({}, optional={
    "new_per_day": st.integers(0, 10_000),
    "reviews_per_day": st.none() | st.integers(0, 10_000),
    "new_order": st.sampled_from(rules.NEW_ORDERS),
    "leech_threshold": st.integers(1, 100),
    "leech_action": st.sampled_from(rules.LEECH_ACTIONS),
    "scheduler": st.sampled_from(rules.SCHEDULERS),
    "desired_retention": st.floats(0.70, 0.99),
    "fsrs_parameters": st.none() | weights,
})


@given(overrides)
def test_stored_options_round_trip(values: dict[str, object]) -> None:
    text = rules.overrides_to_json(values)
    assert rules.overrides_from_json(text, source="deck x options") == values
    resolved = rules.resolve(values)
    for name in rules.OPTION_NAMES:
        assert getattr(resolved, name) == values.get(name, getattr(rules.DEFAULTS, name))


def test_defaults_are_anki_s_and_the_fsrs_core_s() -> None:
    assert rules.DEFAULTS.leech_threshold == 8 and rules.DEFAULTS.leech_action == "suspend"
    assert rules.DEFAULTS.scheduler == "sm2" and rules.DEFAULTS.reviews_per_day is None
    assert rules.DEFAULT_DESIRED_RETENTION == fsrs_schedule.DEFAULT_DESIRED_RETENTION
    assert rules.DEFAULTS.fsrs_config == fsrs_schedule.FsrsConfig()


def test_later_layers_win() -> None:
    resolved = rules.resolve({"scheduler": "fsrs", "new_order": "random"}, {"scheduler": "sm2"})
    assert (resolved.scheduler, resolved.new_order) == ("sm2", "random")


@pytest.mark.parametrize(("name", "value", "message"), [
    ("new_per_day", -1, "new_per_day = -1 is not a whole number >= 0"),
    ("new_per_day", True, "not a whole number"),
    ("leech_threshold", 0, ">= 1"),
    ("new_order", "alphabetical", "not one of file, random"),
    ("scheduler", "sm5", "not one of sm2, fsrs"),
    ("desired_retention", 0.5, "outside 0.7..0.99"),
    ("desired_retention", "0.9", "not a number"),
    ("fsrs_parameters", [0.1] * 20, "needs 21 parameters"),
    ("fsrs_parameters", [*fsrs_schedule.DEFAULT_PARAMETERS[:4], 11.0, *fsrs_schedule.DEFAULT_PARAMETERS[5:]],
     "w4 = 11.0 is outside"),
    ("colour", "red", "unknown option 'colour'"),
])
def test_bad_values_are_refused_with_their_name(name: str, value: object, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        rules.validate_option(name, value, source="deck q options")
    assert str(caught.value).startswith("deck q options")


@pytest.mark.parametrize("text", ["[1, 2]", "{", '{"leech_threshold": 3.5}', '{"reviews_per_day": -4}'])
def test_corrupt_stored_json_is_refused(text: str) -> None:
    with pytest.raises(InputError, match="deck q options"):
        rules.overrides_from_json(text, source="deck q options")
