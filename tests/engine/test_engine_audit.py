"""The audit finds the answer a card's back states and compares it with the engine's."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flashdl.engine import EngineParamsError
from flashdl.engine.audit import audit_card

FORWARD = {"input": [[1, 2, 3], [4, 5, 6], [7, 8, 9]], "kernel": [[1, 0], [0, -1]]}


@pytest.mark.parametrize("family, params, back, stated, verdict", [
    ("conv2d_param_count", {"in_channels": 3, "out_channels": 10, "kernel": [5, 5]},
     "760 Formula = (Channels * Kernel * Kernel + Bias) * Filters = (3 * 5 * 5 +1) * 10 = 760", "760", "ok"),
    ("conv2d_param_count", {"in_channels": 3, "out_channels": 10, "kernel": [5, 5]},
     "760 = (3·5·5 + 1)·10", "760", "ok"),
    # 28·28·3 = 2352, not 2353
    ("activation_memory", {"height": 28, "width": 28, "channels": 3},
     "2353 Memory requirement is the product of input and channel", "2353", "wrong"),
    ("conv2d_output_size", {"input": 4, "kernel": 2, "stride": 2}, "Output Size= (4 - 2) / 2 + 1", "2 × 2", "ok"),
    ("conv2d_output_size", {"input": 4, "kernel": 2, "stride": 2}, "2x2 (same as output)", "2 × 2", "ok"),
    ("conv2d_output_size", {"input": 4, "kernel": 2, "stride": 1}, "2x2", "2 × 2", "wrong"),
    # each 2×2 patch a b / d e gives a − e = −4, so every entry is −4
    ("conv2d_forward", FORWARD, "For the top-left element: (1*1) + (2*0) (4*0) + (5*(-1)) Result: -5 ... "
     "The resulting 2x2 output matrix: -5 -6 -12 -9", "[[-5, -6], [-12, -9]]", "wrong"),
    ("conv2d_forward", FORWARD, "Y =\n -4 -4\n -4 -4", "[[-4, -4], [-4, -4]]", "ok"),
    ("confusion_metrics", {"tp": 6, "fp": 2, "tn": 8, "fn": 4, "metric": "fpr"}, "fp / (fp + tn)", None, "unparsed"),
    ("confusion_metrics", {"tp": 6, "fp": 2, "tn": 8, "fn": 4, "metric": "fpr"}, "FPR = 2/10 = 0.2", "0.2", "ok"),
    ("conv2d_backward", {"input": [[1, 2], [3, 4]], "kernel": [[1]], "grad_output": [[1, 0], [0, 2]]},
     "dX: [[1, 0], [0, 2]]\ndW: [[9]]\ndb: 3", "dX: [[1, 0], [0, 2]]; dW: [[9]]; db: 3", "ok"),
])
def test_audit_card(family: str, params: dict, back: str, stated: str | None, verdict: str) -> None:
    entry = audit_card("deck/1", family, params, back)
    assert (entry.card, entry.family, entry.stated, entry.verdict) == ("deck/1", family, stated, verdict)


@pytest.mark.parametrize("back", ["1e500", "1/0 = 1/0", "= 1e999", "[[1e500, 2], [3, 4]]"])
def test_unreadable_numbers_are_unparsed(back: str) -> None:
    card = {"height": 2, "width": 2, "channels": 1}
    assert audit_card("deck/1", "activation_memory", card, back).verdict == "unparsed"


def test_audit_reports_broken_params() -> None:
    with pytest.raises(EngineParamsError):
        audit_card("deck/1", "activation_memory", {"height": 28}, "2352")


_BACKS = st.one_of(st.text(max_size=120), st.lists(st.sampled_from(
    ["760", " = ", "2x2", "3x3:", "output is ", "-4", " ", "\n", "dX:", "db =", "[[1, 2]]", "(4 - 2) / 2 + 1",
     "Result:", "N(0,1)", "1e3", "1e500", "1/0", "75%", "3/4", "x", "·"]), max_size=30).map("".join))


@settings(max_examples=300, deadline=None)
@given(_BACKS, st.sampled_from([
    ("conv2d_param_count", {"in_channels": 3, "out_channels": 10, "kernel": 5}),
    ("conv2d_output_size", {"input": 4, "kernel": 2, "stride": 2}),
    ("conv2d_forward", FORWARD),
    ("conv2d_backward", {"input": [[1, 2], [3, 4]], "kernel": [[1]], "grad_output": [[1, 0], [0, 2]]}),
    ("confusion_metrics", {"tp": 6, "fp": 2, "tn": 8, "fn": 4}),
]))
def test_audit_never_raises_on_any_back(back: str, case: tuple[str, dict]) -> None:
    family, params = case
    entry = audit_card("deck/1", family, params, back)
    assert entry.verdict in ("ok", "wrong", "unparsed")
    assert (entry.stated is None) == (entry.verdict == "unparsed")


@settings(max_examples=300, deadline=None)
@given(st.integers(1000, 10**12), st.sampled_from(["{} parameters", "**{}**. That is", "{}, i.e. the product",
                                                    "{}", "n = 5000·256 = {}"]))
def test_a_back_stating_a_grouped_number_is_read_as_that_number(n: int, back: str) -> None:
    """A back opening with `1,280,000 …` was audited as stating 1 (the comma read as the end of
    the number): a right card would be reported wrong. Python's own `,` format is the reference."""
    from flashdl.engine.answer_specs import NumberAnswer
    from flashdl.engine.stated_answers import find_stated

    assert find_stated(NumberAnswer(integral=True), back.format(f"{n:,}"), n) == n
