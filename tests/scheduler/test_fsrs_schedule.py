"""FSRS scheduling (docs/fsrs.md) against the ``fsrs`` package itself and hand-worked FSRS-6 steps.

The reference is ``fsrs.Scheduler`` driven the way its own README drives it
(``review_card`` on UTC datetimes, fuzzing off), with flashdl's contract
choices: no learning or relearning steps, and elapsed time in study days.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import fsrs
import fsrs_rs_python
import pytest
from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS
from hypothesis import given, settings
from hypothesis import strategies as st

from flashdl.errors import InputError
from flashdl.scheduler import fsrs_schedule as fs
from flashdl.scheduler import sm2

D0 = date(2024, 3, 1)
W = fs.DEFAULT_PARAMETERS

# (days since the previous review, grade): 0 days is a same-day repeat; the first gap is ignored.
reviews_strategy = st.lists(
    st.tuples(st.integers(0, 60) | st.just(0), st.integers(0, 5)), min_size=1, max_size=25)
retention_strategy = st.floats(fs.MIN_DESIRED_RETENTION, fs.MAX_DESIRED_RETENTION)
parameters_strategy = st.tuples(*[st.floats(low, high) for low, high in
                                  zip(LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS)])


def log_of(steps: list[tuple[int, int]]) -> list[tuple[date, int]]:
    day, log = D0, []
    for index, (gap, grade) in enumerate(steps):
        day = day + timedelta(days=gap if index else 0)
        log.append((day, grade))
    return log


def package_rating(grade: int) -> fsrs.Rating:
    # The review-log contract, written out: 0-2 Again, 3 Hard, 4 Good, 5 Easy.
    return {0: fsrs.Rating.Again, 1: fsrs.Rating.Again, 2: fsrs.Rating.Again, 3: fsrs.Rating.Hard,
            4: fsrs.Rating.Good, 5: fsrs.Rating.Easy}[grade]


def package_run(log: list[tuple[date, int]], parameters: tuple[float, ...],
                retention: float) -> list[tuple[float, float, int]]:
    """(stability, difficulty, interval) after each review, from ``fsrs.Scheduler``.

    Review k happens at midnight UTC of its study day plus k microseconds, so
    whole days between reviews are the study days between them and same-day
    reviews stay in order (py-fsrs counts elapsed time in 24-hour periods).
    """
    scheduler = fsrs.Scheduler(parameters=parameters, desired_retention=retention, learning_steps=(),
                               relearning_steps=(), enable_fuzzing=False)
    card = fsrs.Card(card_id=1)
    out = []
    for index, (day, grade) in enumerate(log):
        moment = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(microseconds=index)
        card, _ = scheduler.review_card(card, package_rating(grade), moment)
        assert card.stability is not None and card.difficulty is not None
        out.append((card.stability, card.difficulty, (card.due.date() - day).days))
    return out


def ours(log: list[tuple[date, int]], config: fs.FsrsConfig) -> list[tuple[float, float, int]]:
    state, out = fs.FsrsState(), []
    for day, grade in log:
        outcome = fs.review(state, grade, day, config)
        state = outcome.after
        assert state.stability is not None and state.difficulty is not None and state.due is not None
        assert state.due == day + timedelta(days=outcome.interval)
        out.append((state.stability, state.difficulty, outcome.interval))
    return out


@settings(max_examples=150, deadline=None)
@given(steps=reviews_strategy, retention=retention_strategy)
def test_same_as_fsrs_scheduler_with_default_parameters(steps: list[tuple[int, int]], retention: float) -> None:
    log = log_of(steps)
    assert ours(log, fs.FsrsConfig(desired_retention=retention)) == package_run(log, W, retention)


@settings(max_examples=100, deadline=None)
@given(steps=reviews_strategy, parameters=parameters_strategy, retention=retention_strategy)
def test_same_as_fsrs_scheduler_with_any_valid_parameters(
        steps: list[tuple[int, int]], parameters: tuple[float, ...], retention: float) -> None:
    log = log_of(steps)
    config = fs.FsrsConfig(parameters=parameters, desired_retention=retention)
    assert ours(log, config) == package_run(log, parameters, retention)


@settings(max_examples=50, deadline=None)
@given(steps=reviews_strategy)
def test_replay_is_the_fold_of_review(steps: list[tuple[int, int]]) -> None:
    log = log_of(steps)
    state = fs.FsrsState()
    for day, grade in log:
        outcome = fs.review(state, grade, day)
        assert outcome.before == state and outcome.day == day and outcome.grade == grade
        state = outcome.after
        assert state.stability is not None and state.stability >= 0.001
        assert state.difficulty is not None and 1 <= state.difficulty <= 10
        assert 1 <= outcome.interval <= fs.MAXIMUM_INTERVAL and state.last_review == day
    assert fs.replay(log) == state
    assert state.repeat_pending == (log[-1][1] < 4)


def test_first_good_review_by_hand() -> None:
    # FSRS-6: S0(G) = w[G-1]; D0(G) = w4 - e^(w5 (G-1)) + 1; interval = S at 90% retention.
    # Good (G=3): S0 = w2 = 2.3065; D0 = 6.4133 - e^(0.8334 * 2) + 1 = 6.4133 - 5.29520 + 1 = 2.11810;
    # I = round(2.3065) = 2 days.
    outcome = fs.review(fs.FsrsState(), 4, D0)
    assert outcome.after.stability == pytest.approx(2.3065)
    assert outcome.after.difficulty == pytest.approx(2.11810, abs=1e-5)
    assert outcome.interval == 2 and outcome.after.due == D0 + timedelta(days=2)
    assert outcome.retrievability is None and outcome.rating == sm2.Rating.GOOD


def test_same_day_repeat_uses_the_short_term_formula_by_hand() -> None:
    # Again first (S = w0 = 0.212), then Good the same day: S' = S e^(w17 (G - 3 + w18)) S^-w19 with
    # G = 3: 0.212 * e^(0.5425 * 0.0912) * 0.212^-0.0658 = 0.212 * 1.050720 * 1.107458 = 0.246689.
    first = fs.review(fs.FsrsState(), 1, D0).after
    assert first.repeat_pending and first.stability == pytest.approx(0.212)
    again = fs.review(first, 4, D0).after
    assert again.stability == pytest.approx(0.246689, rel=1e-5)
    assert not again.repeat_pending and again.due == D0 + timedelta(days=1)  # at least one day


def test_grades_map_to_ratings_as_the_review_log_does() -> None:
    after = {g: fs.review(fs.FsrsState(), g, D0).after for g in range(6)}
    assert after[0] == after[1] == after[2]  # all Again
    assert [after[g].stability for g in (2, 3, 4, 5)] == pytest.approx(list(W[:4]))


def test_review_a_day_later_uses_retrievability() -> None:
    first = fs.review(fs.FsrsState(), 4, D0).after
    outcome = fs.review(first, 4, D0 + timedelta(days=3))
    # R(3, 2.3065) with the FSRS-6 curve: (1 + F t/S)^-w20, F = 0.9^(-1/w20) - 1.
    factor = 0.9 ** (-1 / W[20]) - 1
    assert outcome.retrievability == pytest.approx((1 + factor * 3 / 2.3065) ** -W[20])
    assert fs.retrievability(first, D0 + timedelta(days=3)) == pytest.approx(outcome.retrievability)
    assert first.due == D0 + timedelta(days=2)
    assert fs.retrievability(first, first.due) == pytest.approx(fs.forgetting_curve(2, 2.3065, W[20]))


def test_bad_review_calls_are_refused() -> None:
    state = fs.review(fs.FsrsState(), 4, D0).after
    with pytest.raises(ValueError, match="before the card's last review"):
        fs.review(state, 4, D0 - timedelta(days=1))
    with pytest.raises(ValueError, match="study day"):
        fs.review(state, 4, datetime(2024, 3, 5, tzinfo=UTC))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="grade"):
        fs.review(state, 6, D0)
    late = fs.FsrsState(stability=5000.0, difficulty=5.0, due=date(9999, 1, 1), last_review=date(9998, 1, 1))
    with pytest.raises(ValueError, match="past the year 9999"):
        fs.review(late, 4, date(9999, 1, 1))


@pytest.mark.parametrize(("values", "message"), [
    ([0.2] * 3, "needs 21 parameters, got 3"),
    ("0.2,1.3", "expected a list"),
    ([*W[:5], float("nan"), *W[6:]], "w5 = nan is not a finite number"),
    ([*W[:7], True, *W[8:]], "w7 = True is not a finite number"),
    ([*W[:2], "2.3", *W[3:]], "w2 = '2.3' is not a finite number"),
    ([*W[:4], 11.0, *W[5:]], "w4 = 11.0 is outside 1.0..10.0"),
    ([*W[:20], 0.05], "w20 = 0.05 is outside 0.1..0.8"),
])
def test_corrupt_parameters_are_refused_never_replaced(values: object, message: str) -> None:
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(".", r"\.")):
        fs.validate_parameters(values)  # type: ignore[arg-type]
    with pytest.raises(InputError):
        fs.FsrsConfig(parameters=values)  # type: ignore[arg-type]


def test_parameters_parse_from_json_or_anki_text() -> None:
    as_json = "[" + ", ".join(str(w) for w in W) + "]"
    as_anki = ", ".join(str(w) for w in W)
    assert fs.parse_parameters(as_json) == fs.parse_parameters(as_anki) == W


@pytest.mark.parametrize(("text", "message"), [
    ("[0.2, 1.3", "deck quiz-3: not a list of numbers"),
    ("0.2, x, 1.3", "deck quiz-3: not a list of numbers"),
    ('{"w": 1}', "deck quiz-3: not a list of numbers"),
    # all ones: w0..w6 are within their bounds, w7 (at most 0.75) is the first that is not
    ("[" + ", ".join(["1"] * 21) + "]", r"deck quiz-3: w7 = 1 is outside 0\.001\.\.0\.75"),
    ("", "deck quiz-3: FSRS-6 needs 21 parameters, got 0"),
])
def test_corrupt_stored_parameters_are_refused(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        fs.parse_parameters(text, source="deck quiz-3")


@pytest.mark.parametrize("value", [0.5, 0.995, 1.0, float("nan"), "0.9", True])
def test_out_of_range_desired_retention_is_refused(value: object) -> None:
    with pytest.raises(InputError, match="desired retention"):
        fs.FsrsConfig(desired_retention=value)  # type: ignore[arg-type]


def test_valid_config_keeps_its_values() -> None:
    config = fs.FsrsConfig(parameters=tuple(UPPER_BOUNDS_PARAMETERS), desired_retention=0.7)
    assert config.parameters == tuple(float(w) for w in UPPER_BOUNDS_PARAMETERS)
    assert fs.FsrsConfig(desired_retention=0.99).desired_retention == 0.99


def test_state_from_sm2_puts_sm2s_interval_at_ninety_percent_recall() -> None:
    # SM-2's interval is taken as the time recall falls to 90%, i.e. FSRS's stability by definition.
    sm2_state = sm2.replay([(D0, 4), (D0 + timedelta(days=1), 5), (D0 + timedelta(days=7), 4)])
    assert sm2_state.interval == 16  # ceil(6 x 2.6) by hand: EF 2.5 -> 2.5 -> 2.6 before the third review
    state = fs.state_from_sm2(sm2_state)
    assert state.stability == pytest.approx(16, rel=1e-6)
    assert state.difficulty is not None and 1 <= state.difficulty <= 10
    assert (state.due, state.last_review, state.repeat_pending) == (
        sm2_state.due, sm2_state.last_review, sm2_state.repeat_pending)
    assert sm2_state.due is not None
    assert fs.retrievability(state, sm2_state.due) == pytest.approx(0.9, rel=1e-6)
    assert fs.state_from_sm2(sm2.CardState()) == fs.FsrsState()


def test_a_lower_ease_means_a_higher_difficulty() -> None:
    easy = fs.state_from_sm2(sm2.CardState(repetitions=3, ease=2800, interval=20, due=D0, last_review=D0))
    hard = fs.state_from_sm2(sm2.CardState(repetitions=3, ease=1300, interval=20, due=D0, last_review=D0))
    assert easy.difficulty is not None and hard.difficulty is not None and hard.difficulty > easy.difficulty


@settings(max_examples=60, deadline=None)
@given(steps=reviews_strategy)
def test_fsrs_rs_memory_states_agree_with_the_scheduler(steps: list[tuple[int, int]]) -> None:
    # Evaluation and tuning predict with fsrs-rs's states (f32); scheduling uses py-fsrs (f64).
    log = log_of(steps)
    item = fsrs_rs_python.FSRSItem([fsrs_rs_python.FSRSReview(int(sm2.rating_for(g)),
                                                              (d - (log[i - 1][0] if i else d)).days)
                                    for i, (d, g) in enumerate(log)])
    rust = fsrs_rs_python.FSRS(list(W)).historical_memory_states(item)
    for (stability, difficulty, _), memory in zip(ours(log, fs.FsrsConfig()), rust, strict=True):
        assert memory.stability == pytest.approx(stability, rel=2e-3, abs=1e-3)
        assert memory.difficulty == pytest.approx(difficulty, rel=2e-3, abs=1e-3)
