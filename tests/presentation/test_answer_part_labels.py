"""A several-part answer's expected block names its parts as the exercise asks for them."""

from __future__ import annotations

from flashdl.deck.model import EngineSpec
from flashdl.presentation.answer_view import computed_feedback
from flashdl.presentation.practice_view import practice_feedback
from flashdl.services.exercises import own_example
from flashdl.services.practice import PracticeItem

# A 3×3 input, a 2×2 kernel and dL/dY of ones: by hand, dX is the kernel stamped at each of the
# four output positions, dW the sum of the four 2×2 input patches, db the sum of dL/dY.
PARAMS = {"input": [[1, 0, 0], [0, 0, 0], [0, 0, 0]], "kernel": [[1, 2], [3, 4]],
          "grad_output": [[1, 1], [1, 1]]}
DX = [[1, 3, 2], [4, 10, 6], [3, 7, 4]]
DW = [[1, 0], [0, 0]]


def exercise():  # type: ignore[no-untyped-def]
    found = own_example(EngineSpec("conv2d_backward", PARAMS))
    assert found is not None
    return found


def test_the_expected_parts_are_named_as_the_prompt_asks() -> None:
    """The prompt asks for 'dX: …  dW: …  db: …' and the feedback says "dX: …"; the expected
    block said grad_input, grad_kernel and grad_bias (the engine's keys) beside them."""
    ex = exercise()
    assert "'dX: …  dW: …  db: …'" in ex.prompt
    verdict = ex.check("dX: 0 dW: 0 db: 0")
    assert verdict.feedback.startswith("dX: ")
    shown = computed_feedback(verdict, answer=ex.answer, solution=ex.solution, typed="dX: 0",
                              labels=ex.part_labels)
    assert "grad_" not in shown.expected
    lines = shown.expected.splitlines()
    assert lines[0] == "dX:" and [[int(x) for x in line.split()] for line in lines[1:4]] == DX
    assert lines[4] == "dW:" and [[int(x) for x in line.split()] for line in lines[5:7]] == DW
    assert lines[7:] == ["db: 4"]
    item = PracticeItem(1, 1, "d/c", "front", "back", "plain", (), ex)
    practised = practice_feedback(verdict, item, "dX: 0")
    assert practised.expected == shown.expected
    # a one-part answer has no labels, and is shown as before
    single = own_example(EngineSpec("linear_param_count", {"in_features": 3, "out_features": 2}))
    assert single is not None and single.part_labels == {}
