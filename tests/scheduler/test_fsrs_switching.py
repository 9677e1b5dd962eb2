"""Switching a card between SM-2 and FSRS loses nothing (docs/fsrs.md, "Switching").

A model of the review path: every review appends ``(study day, grade)`` to
the log and advances SM-2 (the log's before/after columns need it whatever
the scheduler); under FSRS it also advances the FSRS state. Turning FSRS on
replays the log into an FSRS state; turning it off keeps the SM-2 state.
Whatever the toggles, both states equal what a scheduler that was never
switched would hold.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flashdl.scheduler import fsrs_schedule as fs
from flashdl.scheduler import sm2

D0 = date(2024, 5, 1)

steps_strategy = st.lists(
    st.tuples(st.integers(0, 40), st.integers(0, 5), st.booleans()), min_size=1, max_size=30)


@settings(max_examples=120, deadline=None)
@given(steps=steps_strategy, retention=st.sampled_from([0.8, 0.9, 0.95]))
def test_toggling_the_scheduler_loses_nothing_either_way(
        steps: list[tuple[int, int, bool]], retention: float) -> None:
    config = fs.FsrsConfig(desired_retention=retention)
    log: list[tuple[date, int]] = []
    sm2_state, fsrs_state, on_fsrs = sm2.CardState(), fs.FsrsState(), False
    always_sm2, always_fsrs = sm2.CardState(), fs.FsrsState()  # schedulers never switched
    day = D0
    for gap, grade, toggle in steps:
        if toggle:
            on_fsrs = not on_fsrs
            if on_fsrs:
                fsrs_state = fs.switch_to_fsrs(log, config)
            else:
                assert fs.switch_to_sm2(log) == sm2_state
        day += timedelta(days=gap)
        log.append((day, grade))
        sm2_state = sm2.review(sm2_state, grade, day).after
        if on_fsrs:
            fsrs_state = fs.review(fsrs_state, grade, day, config).after
        always_sm2 = sm2.review(always_sm2, grade, day).after
        always_fsrs = fs.review(always_fsrs, grade, day, config).after
        if on_fsrs:
            assert fsrs_state == always_fsrs
    assert sm2_state == always_sm2 == fs.switch_to_sm2(log)
    assert fs.switch_to_fsrs(log, config) == always_fsrs
    # and back again: off then on once more changes neither
    assert fs.switch_to_fsrs(log, config) == always_fsrs and fs.switch_to_sm2(log) == always_sm2


@settings(max_examples=60, deadline=None)
@given(before=st.lists(st.tuples(st.integers(1, 30), st.integers(3, 5)), min_size=1, max_size=8),
       after=st.lists(st.tuples(st.integers(0, 30), st.integers(0, 5)), max_size=8))
def test_an_incomplete_log_starts_from_the_sm2_state(
        before: list[tuple[int, int]], after: list[tuple[int, int]]) -> None:
    # A card imported with its SM-2 state but without the reviews that made it, then reviewed here.
    day, unlogged = D0, []
    for gap, grade in before:
        day += timedelta(days=gap)
        unlogged.append((day, grade))
    imported = sm2.replay(unlogged)
    log = []
    for gap, grade in after:
        day += timedelta(days=gap)
        log.append((day, grade))
    seeded = fs.state_from_sm2(imported)
    assert fs.switch_to_fsrs(log, sm2_before_log=imported) == fs.replay(log, start=seeded)
    # SM-2 continues from the same starting state: nothing is lost going back either (a run of
    # good grades can push SM-2's interval past the year 9999: then both refuse alike)
    try:
        whole = sm2.replay(unlogged + log)
    except ValueError as error:
        with pytest.raises(ValueError, match="past the year 9999"):
            fs.switch_to_sm2(log, sm2_before_log=imported)
        assert "past the year 9999" in str(error)
        return
    assert fs.switch_to_sm2(log, sm2_before_log=imported) == whole
