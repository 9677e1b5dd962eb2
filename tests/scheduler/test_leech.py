"""The leech rule against a slow reference and Anki's own examples."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from flashdl.scheduler import leech
from flashdl.scheduler.sm2 import ReviewKind


def reference_leech_lapses(threshold: int, up_to: int) -> set[int]:
    """Lapse counts that mark a leech, by walking: the threshold, then every half threshold
    (rounded up, at least 1) after it, as Anki's docs say ("every half threshold thereafter")."""
    step = threshold // 2 + threshold % 2 or 1
    marks, at = set(), threshold
    while at <= up_to:
        marks.add(at)
        at += step
    return marks


@given(st.integers(1, 60), st.integers(0, 200))
def test_threshold_met_matches_the_walk(threshold: int, up_to: int) -> None:
    found = {n for n in range(up_to + 1) if leech.threshold_met(n, threshold)}
    assert found == reference_leech_lapses(threshold, up_to)


def test_anki_examples() -> None:
    # Anki's default 8: at 8, 12, 16; rslib's test for threshold 3: at 3, 5, 7, not at 4 or 6.
    assert [n for n in range(20) if leech.threshold_met(n, 8)] == [8, 12, 16]
    assert [n for n in range(8) if leech.threshold_met(n, 3)] == [3, 5, 7]
    assert [n for n in range(4) if leech.threshold_met(n, 1)] == [1, 2, 3]
    assert not leech.threshold_met(5, 0)


@given(st.sampled_from(list(ReviewKind)), st.integers(0, 5))
def test_a_lapse_is_a_failed_review_of_a_seen_card(kind: ReviewKind, grade: int) -> None:
    assert leech.is_lapse(kind, grade) == (kind is ReviewKind.REVIEW and grade in (0, 1, 2))


@given(st.booleans(), st.booleans(), st.sampled_from([leech.SUSPEND, leech.TAG_ONLY]))
def test_actions_and_flag_bits(was_leech: bool, was_suspended: bool, action: str) -> None:
    before = leech.LeechFlags(was_leech, was_suspended)
    after = leech.after_leech(before, action)
    assert after.leech and after.suspended == (was_suspended or action == "suspend")
    assert leech.bits_flags(leech.flag_bits(before)) == before


def test_actions_are_the_deck_options() -> None:
    from flashdl.scheduler.deck_options import LEECH_ACTIONS

    assert set(LEECH_ACTIONS) == {leech.SUSPEND, leech.TAG_ONLY}
