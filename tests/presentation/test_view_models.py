"""The UI's wording and layout, checked without running an app."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from flashdl.engine import Verdict
from flashdl.presentation.answer_view import (
    answer_hint,
    computed_feedback,
    layout_answer_text,
    layout_value,
    side_by_side,
)
from flashdl.presentation.card_rows import relative_day, with_errata
from flashdl.presentation.view_models import (
    SessionTally,
    duration_text,
    grade_line,
    matches_tags,
    parse_search,
    progress_text,
    session_summary,
    today_banner,
)


def test_grade_line_spells_out_every_sm2_meaning() -> None:
    assert grade_line(default=4) == (
        "0 blackout · 1 wrong, familiar · 2 wrong, easy to recall · 3 right, hard · "
        "4 right, hesitated (enter) · 5 perfect"
    )
    assert grade_line((3, 4, 5)) == "3 right, hard · 4 right, hesitated · 5 perfect"


def test_matrices_are_aligned_in_columns() -> None:
    assert layout_value([[2, 9, 4], [12, 16, 1], [-3, 4, 160]]) == (
        "  2    9    4\n 12   16    1\n -3    4  160"
    )


def test_tensors_and_dicts_are_laid_out_per_part() -> None:
    assert layout_value([[[1, 2]], [[3, 4]]]) == "channel 1:\n  1  2\nchannel 2:\n  3  4"
    assert layout_value({"grad_bias": 3, "grad_kernel": [[1, -1]]}) == (
        "grad_bias: 3\ngrad_kernel:\n   1  -1"
    )
    assert layout_value(0.75) == "0.75" and layout_value(2.0) == "2" and layout_value([1, 2]) == "[1, 2]"


def test_verdict_strings_are_aligned_when_they_are_matrices() -> None:
    assert layout_answer_text("[[1, 20], [300, 4]]") == "  1   20\n300    4"
    assert layout_answer_text("0.75") == "0.75"
    assert layout_answer_text("[[1, 2") == "[[1, 2"


def test_feedback_says_right_or_wrong_in_words() -> None:
    wrong = computed_feedback(
        Verdict(False, "[[1, 2], [3, 4]]", "[[1, 2], [3, 5]]", "entry (2,2): expected 4, got 5"),
        answer=[[1, 2], [3, 4]], solution="work\n",
    )
    assert wrong.headline.startswith("✘ Wrong — recorded as grade 1")
    assert wrong.expected == "1  2\n3  4" and wrong.given == "1  2\n3  5" and wrong.solution == "work"
    right = computed_feedback(Verdict(True, "760", "760", "correct"), answer=760, solution="", typed=" 760")
    assert right.headline == "✔ Right" and right.correct and right.given == "760"
    read = computed_feedback(Verdict(True, "0.75", "0.75", "correct"), answer=0.75, solution="", typed="3/4")
    assert read.given == "3/4 = 0.75"
    empty = computed_feedback(Verdict(False, "760", "", "empty"), answer=760, solution="")
    assert empty.given == "(nothing typed)"


def test_a_real_answer_is_expected_as_the_prompt_asks_for_it() -> None:
    """RMSProp's θ: "Expected -1.02009" where the prompt asks 4 significant digits (the
    verdict's expected, which `engine check` prints too, says -1.020)."""
    from flashdl.engine import get_family

    family = get_family("optimizer_step")
    params = {"optimizer": "rmsprop", "theta": 1, "grads": [2, -1], "lr": 0.1}
    answer = family.solve(params)
    verdict = family.check(params, "5")
    shown = computed_feedback(verdict, answer=answer, solution="")
    assert shown.expected == verdict.expected and len(shown.expected.strip("-").replace(".", "").lstrip("0")) <= 4


@pytest.mark.parametrize(("family", "params", "by_hand"), [
    # floor((H + 2p - k) / s) + 1 by hand: (23 + 2 - 1) // 2 + 1 = 13, (18 + 2 - 1) // 2 + 1 = 10
    ("conv2d_output_size", {"input": [23, 18], "kernel": [1, 1], "stride": 2, "padding": 1}, "13 × 10"),
    # floor((H - k) / s) + 1: (9 - 3) // 2 + 1 = 4, (7 - 3) // 2 + 1 = 3
    ("pool_output_size", {"input": [9, 7], "kernel": 3, "stride": 2}, "4 × 3"),
])
def test_a_size_is_expected_as_the_prompt_and_the_solution_write_it(family: str, params: dict[str, object],
                                                                     by_hand: str) -> None:
    """"Expected [13, 10]" stood beside a worked solution ending "Answer: 13 × 10"."""
    from flashdl.engine import get_family

    engine = get_family(family)
    shown = computed_feedback(engine.check(params, "1"), answer=engine.solve(params), solution="")
    assert shown.expected == by_hand
    assert f"Answer: {by_hand}" in engine.solution(params)


def _rounded_by_hand(value: float) -> str:
    """4 significant digits, half up, on the value's shortest decimal (the independent reference)."""
    from decimal import ROUND_HALF_UP, Decimal

    exact = Decimal(repr(value))
    return str(exact.scaleb(-exact.adjusted()).quantize(Decimal("0.001"), ROUND_HALF_UP)
               .scaleb(exact.adjusted()).normalize())


def _leaves(value: object) -> list[object]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]


@pytest.mark.parametrize("family_name", ["softmax", "dropout_scaling", "roc_points", "confusion_metrics"])
def test_a_list_or_parts_answer_is_expected_at_the_digits_asked(family_name: str) -> None:
    """Softmax of (3, 0, -2, 1) showed `Expected [0.839025, 0.0417726, 0.0056533, 0.11355]`
    beside "entry (4): expected 0.1135, got 0.1136": six digits, where 0.11355 reads as a half
    that rounds up. Every real of a list or of labelled parts is now shown at the 4 digits asked,
    rounded as by hand, and typing a list as shown is right."""
    import re
    from decimal import Decimal

    import numpy as np

    from flashdl.engine import get_family

    family = get_family(family_name)
    for seed in range(40):
        params = family.generate(np.random.default_rng(seed))
        answer = family.solve(params)
        shown = computed_feedback(family.check(params, ""), answer=answer, solution="").expected
        values = re.sub(r"^\s*\w+:", "", shown.replace("−", "-"), flags=re.MULTILINE)  # labels out
        numbers = re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", values)
        leaves = _leaves(answer)
        assert len(numbers) == len(leaves), (shown, answer)
        for text, value in zip(numbers, leaves):
            if isinstance(value, float) and not value.is_integer():
                assert Decimal(text) == Decimal(_rounded_by_hand(value)), (text, value)
            else:
                assert Decimal(text) == Decimal(str(value)), (text, value)
        if isinstance(answer, list):
            assert family.check(params, ", ".join(numbers) if not isinstance(answer[0], list)
                                else "; ".join(" ".join(re.findall(r"\S+", row)) for row in shown.splitlines())
                                ).correct, shown


def test_side_by_side_pads_the_left_column() -> None:
    assert side_by_side("1  2\n3  4", "9", titles=("Expected", "Yours")) == (
        "Expected    Yours\n1  2        9\n3  4"
    )


def test_answer_hints_describe_the_shape_not_the_answer() -> None:
    assert answer_hint([[1, 2, 3], [4, 5, 6]]) == "a 2×3 matrix: rows separated by ';', e.g. 1 2; 3 4"
    assert answer_hint(760) == "a number"
    # an example of the form: "e.g. …, …" was read out by a screen reader as "ellipsis, ellipsis"
    assert answer_hint([27, 13]) == "2 numbers, e.g. 1, 2"
    assert answer_hint([0.1, 0.2, 0.3, 0.4]) == "4 numbers, e.g. 1, 2, 3, …"
    assert answer_hint({"grad_bias": 1}) == "each part labelled, as the exercise asks"
    assert "3/4" in answer_hint(0.75)


def test_search_box_filters() -> None:
    query = parse_search("stride deck:quiz-3 tag:cnn padding")
    assert query.words == ("stride", "padding") and query.deck == "quiz-3" and query.tags == ("cnn",)
    assert query.text == "stride padding cnn"
    assert matches_tags(("CNN", "conv"), ("cnn",)) and not matches_tags(("conv",), ("cnn",))


def test_session_summary_counts_cards_accuracy_and_time() -> None:
    tally = SessionTally()
    tally.record(1, 4, 10_000)
    tally.record(2, 2, 20_000)
    tally.record(3, 1, 5_000, correct=False)
    tally.record(2, 5, 5_000)
    tally.record(9, 0, 1_000)
    tally.unrecord()
    lines = dict(session_summary(tally, due_tomorrow=7).lines)
    assert lines["Cards"] == "3 (1 repeat of cards graded below 4)"
    assert lines["Answers"] == "4, 2 right (graded 3–5)"
    assert lines["Accuracy"] == "50%"
    assert lines["Time"] == "40 s, 10 s a card"
    assert lines["Typed answers"] == "0 of 1 right"
    assert lines["Due tomorrow"] == "7 reviews"


def test_small_wordings() -> None:
    assert duration_text(59.6) == "1 min 00 s" and duration_text(3725) == "1 h 02 min"
    today = date(2025, 3, 3)
    assert relative_day(date(2025, 3, 4), today) == "tomorrow"
    assert relative_day(date(2025, 3, 1), today) == "2 days ago"
    assert relative_day(None, today) == "new"
    counts = SimpleNamespace(new=5, learning=2, review=6, total=13)
    assert progress_text(12, counts) == "12 done · 13 left: 5 new · 2 learning · 6 review"


def test_today_banner() -> None:
    deck = SimpleNamespace(reviewed_today=4, correct_today=3, seconds_today=95.0, new=2, learning=1, due=0)
    assert today_banner([deck]) == "Today: 4 reviews, 75% right, 1 min 35 s · 3 cards waiting"
    idle = SimpleNamespace(reviewed_today=0, correct_today=0, seconds_today=0.0, new=0, learning=0, due=0)
    assert today_banner([idle]) == "Nothing studied yet today · all caught up"


def test_errata_notes_follow_the_side_they_correct() -> None:
    errata = (SimpleNamespace(field="back", note="2352, not 2353"), SimpleNamespace(field="front", note="x"))
    assert with_errata("2352", errata, "back") == "2352\n\n> ✎ Corrected: 2352, not 2353"
    assert with_errata("Q?", (), "front") == "Q?"


def test_the_channel_hint_is_typeable_in_a_one_line_box() -> None:
    """The hint said "channels separated by blank lines or [[..]]": the TUI's and the line
    mode's answer box is one line, where no blank line can be typed. Its example, typed as
    is, is read as the two channels it shows."""
    from flashdl.engine.answer_specs import ArrayAnswer

    hint = answer_hint([[[0, 0], [0, 0]], [[0, 0], [0, 0]]])
    example = hint.split("e.g. ", 1)[1]
    assert "\n" not in example and "blank" not in hint
    assert ArrayAnswer(integral=True).parse(example) == [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]
