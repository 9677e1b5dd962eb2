"""Typed answers: every way a student writes the right answer passes, wrong ones fail clearly."""

from __future__ import annotations

import contextlib
import json
import re
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flashdl.engine import FAMILIES, AnswerParseError, UnknownFamilyError, generate_variant, get_family
from flashdl.engine.answer_parse import parse_number, parse_scalar, parse_shape
from flashdl.engine.answer_specs import ArrayAnswer, NumberAnswer, PartsAnswer, ShapeAnswer
from flashdl.engine.array_parse import parse_array, split_labelled

SEEDS = range(120)
LABELS = {"grad_input": ("dX", "dL/dX", "grad_input", "dx"), "grad_kernel": ("dW", "dL/dW", "grad_weight", "dK"),
          "grad_bias": ("db", "dL/db", "grad_bias", "dB")}


def _number_forms(value) -> list[str]:
    if isinstance(value, int):
        return [str(value), f"{value}.0", f" {value} "]
    forms = [f"{value:.6g}", f"{value:.4g}", f"{value * 100:.6g}%"]
    fraction = Fraction(value).limit_denominator(10_000)
    if abs(float(fraction) - value) <= 1e-9 * abs(value):
        forms.append(f"{fraction.numerator}/{fraction.denominator}")
    return forms


def _entry(value) -> str:
    return str(value) if isinstance(value, int) else f"{value:.6g}"


def _array_forms(value) -> list[str]:
    array = np.array(value, dtype=object)
    nested = json.dumps(value)
    if array.ndim == 1:
        return [nested, ", ".join(map(_entry, value)), " ".join(map(_entry, value)),
                "[" + " ".join(map(_entry, value)) + "]"]
    if array.ndim == 2:
        rows = [" ".join(map(_entry, row)) for row in value]
        bracketed = "\n".join("[" + ", ".join(map(_entry, r)) + "]" for r in value)
        return [nested, "; ".join(rows), "\n".join(rows), bracketed]
    channels = ["\n".join(" ".join(map(_entry, row)) for row in channel) for channel in value]
    semicolons = [";".join(" ".join(map(_entry, row)) for row in channel) for channel in value]
    return [nested, "\n\n".join(channels), " ;; ".join(semicolons)]


def _forms(spec, value) -> list[str]:
    if isinstance(spec, NumberAnswer):
        return _number_forms(value)
    if isinstance(spec, ShapeAnswer):
        h, w = value
        return [f"{h}x{w}", f"({h}, {w})", f"{h} × {w}", f"[{h}, {w}]", f"{h} X {w}"]
    if isinstance(spec, ArrayAnswer):
        return _array_forms(value)
    assert isinstance(spec, PartsAnswer)
    forms = []
    for variant in range(4):
        pieces = []
        for part in spec.parts:
            labels = LABELS.get(part.key, (part.label, part.key, part.key.upper(), *part.aliases))
            inner = _forms(part.spec, value[part.key])[variant % len(_forms(part.spec, value[part.key]))]
            pieces.append(f"{labels[variant % len(labels)]}: {inner}" if variant % 2
                          else f"{labels[variant]} = {inner}")
        forms.append(("\n" if variant < 2 else "\n\n").join(pieces))
    return forms


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_solved_answers_typed_as_students_would_are_correct(name: str) -> None:
    family = get_family(name)
    for seed in SEEDS:
        variant = generate_variant(name, seed)
        spec = family.answer_spec(variant.params)
        for text in _forms(spec, variant.answer):
            verdict = family.check(variant.params, text)
            assert verdict.correct, (seed, text, verdict)
            assert verdict.feedback == "correct"


def _perturb(spec, value, rng: np.random.Generator):
    """The answer with one entry changed beyond tolerance, and a substring feedback must show."""
    if isinstance(spec, NumberAnswer):
        return (value + 1 if isinstance(value, int) else (value * 1.01 if value else 0.01)), "expected"
    if isinstance(spec, ShapeAnswer):
        axis = int(rng.integers(2))
        changed = list(value)
        changed[axis] += 1
        return changed, ("height" if axis == 0 else "width")
    if isinstance(spec, ArrayAnswer):
        array = np.array(value, dtype=object)
        index = tuple(int(rng.integers(side)) for side in array.shape)
        old = array[index]
        array[index] = old + 1 if isinstance(old, int) else (old * 1.01 if old else 0.01)
        where = ",".join(str(i + 1) for i in index[-2:]) if array.ndim >= 2 else str(index[0] + 1)
        return array.tolist(), f"({where})"
    key = spec.parts[int(rng.integers(len(spec.parts)))].key
    part = next(p for p in spec.parts if p.key == key)
    changed, _ = _perturb(part.spec, value[key], rng)
    return {**value, key: changed}, part.label


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_perturbed_answers_are_wrong_and_feedback_says_where(name: str) -> None:
    family = get_family(name)
    rng = np.random.default_rng(1)
    for seed in SEEDS:
        variant = generate_variant(name, seed)
        spec = family.answer_spec(variant.params)
        wrong, mark = _perturb(spec, variant.answer, rng)
        verdict = family.check(variant.params, _forms(spec, wrong)[0])
        assert not verdict.correct, (seed, wrong)
        assert mark in verdict.feedback, (mark, verdict.feedback)


def test_shape_mismatch_is_named() -> None:
    family = get_family("conv2d_forward")
    params = {"input": [[1, 2, 3], [4, 5, 6], [7, 8, 9]], "kernel": [[1, 0], [0, -1]]}
    verdict = family.check(params, "1 2 3; 4 5 6; 7 8 9")
    assert not verdict.correct
    assert "shape mismatch: expected a 2×2 matrix, got a 3×3 matrix" in verdict.feedback
    verdict = family.check(params, "-4 -4; -4 5")
    assert verdict.feedback == "entry (2,2): expected -4, got 5"


def test_integral_answers_are_exact_and_real_ones_right_to_the_digits_asked() -> None:
    count = {"in_channels": 3, "out_channels": 10, "kernel": 5}
    assert get_family("conv2d_param_count").check(count, "760").correct
    assert not get_family("conv2d_param_count").check(count, "760.1").correct
    assert get_family("conv2d_param_count").check(count, "(3*5*5 + 1)*10").correct
    metric = {"tp": 3, "fp": 1, "tn": 2, "fn": 1, "metric": "precision"}
    for text in ("0.75", "3/4", "75%", ".75", "0.7500", "0.75004", "6/8"):
        assert get_family("confusion_metrics").check(metric, text).correct, text
    for text in ("0.76", "74%", "1/4", "0.7504"):   # 4 significant digits asked: no hidden tolerance
        assert not get_family("confusion_metrics").check(metric, text).correct, text
    huge = get_family("conv2d_param_count").check(count, "1e375%")   # beyond any float
    assert not huge.correct and huge.feedback.startswith("expected 760, got ")


def test_labelled_parts_accept_common_spellings_and_report_missing_ones() -> None:
    family = get_family("conv2d_backward")
    params = {"input": [[1, 2], [3, 4]], "kernel": [[1]], "grad_output": [[1, 0], [0, 2]]}
    answer = family.solve(params)
    text = (f"grad_input = {answer['grad_input']}\nGrad Weight: {answer['grad_kernel']}\n"
            f"dL/db: {answer['grad_bias']}")
    assert family.check(params, text).correct
    verdict = family.check(params, f"dx: {answer['grad_input']}")
    assert not verdict.correct and "dW: missing" in verdict.feedback and "db: missing" in verdict.feedback
    unlabelled = family.check(params, "1 2; 3 4")
    assert not unlabelled.correct and "label each part" in unlabelled.feedback


def test_unlabelled_parts_are_told_the_labels_the_prompt_uses() -> None:
    """The message named the internal keys (`grad_input: …`) where the prompt asks for dX, dW, db."""
    family = get_family("conv2d_backward")
    params = {"input": [[1, 2], [3, 4]], "kernel": [[1]], "grad_output": [[1, 0], [0, 2]]}
    assert family.check(params, "1 2; 3 4").feedback.endswith("label each part, e.g. dX: …, dW: …, db: …")


def test_partial_derivative_signs_are_read_as_d() -> None:
    """`∂L/∂X: …` is how the lecture writes the gradient; it was an unknown label 'X'."""
    family = get_family("conv2d_backward")
    params = {"input": [[1, 2], [3, 4]], "kernel": [[1]], "grad_output": [[1, 0], [0, 2]]}
    answer = family.solve(params)
    text = f"∂L/∂X: {answer['grad_input']}  ∂L/∂W: {answer['grad_kernel']}  ∂L/∂b: {answer['grad_bias']}"
    assert family.check(params, text).correct


_METRICS = {"tp": 24, "fp": 16, "tn": 38, "fn": 29}
_METRIC_NAMES = ("tpr", "fpr", "precision", "accuracy", "f1", "specificity")


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"[a-z][a-z0-9_]{1,9}", fullmatch=True), st.integers(0, 6))
def test_an_unknown_label_is_named_not_blamed_on_the_part_before_it(label: str, at: int) -> None:
    """`tpr: …, fpr: …, prec: 0.6, …` said "fpr: unexpected character ','": the unknown label
    was read as part of fpr's value. It is now named, with the labels there are."""
    family = get_family("confusion_metrics")
    answer = family.solve(_METRICS)
    lowered = {alias.lower() for part in family.answer_spec(_METRICS).parts
               for alias in (part.key, part.label, *part.aliases)}
    if label in lowered:
        return
    pieces = [f"{name}: {answer[name]}" for name in _METRIC_NAMES]
    pieces.insert(at, f"{label}: 0.5")
    verdict = family.check(_METRICS, ", ".join(pieces))
    assert not verdict.correct
    assert verdict.feedback == (f"could not read the answer: unknown label {label!r}; "
                                "the parts are tpr, fpr, precision, accuracy, f1, specificity"), verdict.feedback


def test_a_hyphenated_label_is_read_or_named_whole() -> None:
    """`F-measure: …` was refused as unknown label 'measure'."""
    family = get_family("confusion_metrics")
    answer = family.solve(_METRICS)
    text = ", ".join(f"{'F-measure' if name == 'f1' else name}: {answer[name]}" for name in _METRIC_NAMES)
    assert family.check(_METRICS, text).correct
    assert "unknown label 'G-mean'" in family.check(_METRICS, text.replace("F-measure", "G-mean")).feedback


def test_a_worked_value_after_a_label_is_not_an_unknown_label() -> None:
    family = get_family("confusion_metrics")
    answer = family.solve(_METRICS)
    text = ", ".join(f"{name} = {answer[name]}" for name in _METRIC_NAMES)
    assert family.check(_METRICS, text).correct


@pytest.mark.parametrize("text, value", [
    ("12", Fraction(12)), ("-0.5", Fraction(-1, 2)), ("3/4", Fraction(3, 4)), ("75%", Fraction(3, 4)),
    ("1e-3", Fraction(1, 1000)), ("−2", Fraction(-2)), (" 2 / 8 ", Fraction(1, 4)),
])
def test_number_literals(text: str, value: Fraction) -> None:
    assert parse_number(text) == value
    assert parse_scalar(text) == value


@pytest.mark.parametrize("text, value", [
    ("2x2", [2, 2]), ("(2, 2)", [2, 2]), ("2 × 2", [2, 2]), ("[2, 2]", [2, 2]), ("13 by 14", [13, 14]),
    ("14·14", [14, 14]), ("3 · 32 · 32", [3, 32, 32]),   # the · the solutions multiply with
])
def test_shapes(text: str, value: list[int]) -> None:
    assert parse_shape(text) == value


@pytest.mark.parametrize("text", [
    "[[1,2],[3,4]]", "1 2; 3 4", "1 2\n3 4", "[1 2]\n[3 4]", "[1 2; 3 4]", "1, 2\n3, 4", "((1, 2), (3, 4))",
    "| 1 2 |\n| 3 4 |",
])
def test_matrix_layouts(text: str) -> None:
    assert parse_array(text) == [[1, 2], [3, 4]]


@pytest.mark.parametrize("text", [
    "[[[1,2],[3,4]],[[5,6],[7,8]]]", "1 2\n3 4\n\n5 6\n7 8", "1 2; 3 4 ;; 5 6; 7 8",
    "[[1,2],[3,4]]\n\n[[5,6],[7,8]]",
])
def test_tensor_layouts(text: str) -> None:
    assert parse_array(text) == [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]


@pytest.mark.parametrize("name", sorted(FAMILIES))
@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_an_empty_answer_means_i_dont_know(name: str, text: str) -> None:
    variant = generate_variant(name, 3)
    verdict = get_family(name).check(variant.params, text)
    assert verdict.skipped and not verdict.correct
    assert verdict.feedback == "" and verdict.given == ""
    assert verdict.expected == get_family(name).format_answer(variant.params, variant.answer)


@pytest.mark.parametrize("text", ["abc", "1 2; 3", "[[1,2]", "2x", "1/0", "__import__('os')", "9^9^9^9",
                                  "(" * 500 + "1" + ")" * 500, "-" * 5000 + "1", "1e999"])
def test_bad_answers_get_a_clear_verdict(text: str) -> None:
    family = get_family("conv2d_forward")
    verdict = family.check({"input": [[1, 2], [3, 4]], "kernel": [[1]]}, text)
    assert not verdict.correct
    assert verdict.feedback.startswith("could not read the answer") or "shape mismatch" in verdict.feedback


_ANSWER_ALPHABET = st.sampled_from(list("0123456789.-+/%xX×,;[]() \n\t:=eE√^*abcdsqrtlnpWw")
                                   + ["dX:", "db=", ";;", "sqrt(", "1e5"])
_TEXT = st.one_of(st.text(max_size=80), st.lists(_ANSWER_ALPHABET, max_size=60).map("".join))


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_parsers_raise_only_their_own_error(text: str) -> None:
    for parse in (parse_number, parse_scalar, parse_shape, parse_array,
                  lambda t: split_labelled(t, {"dX": "grad_input", "dW": "grad_kernel", "db": "grad_bias"})):
        with contextlib.suppress(AnswerParseError):
            parse(text)


@settings(max_examples=200, deadline=None)
@given(_TEXT, st.sampled_from(sorted(FAMILIES)))
def test_check_never_raises_on_any_text(text: str, name: str) -> None:
    variant = generate_variant(name, 7)
    verdict = get_family(name).check(variant.params, text)
    assert isinstance(verdict.correct, bool) and isinstance(verdict.feedback, str)


def _plain(value) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return type(value) in (int, float, bool, str)


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_variants_are_reproducible_plain_json(name: str) -> None:
    for seed in range(40):
        first, second = generate_variant(name, seed), generate_variant(name, seed)
        assert first == second
        assert _plain(first.params) and _plain(first.answer)
        assert json.loads(json.dumps(first.to_dict())) == first.to_dict()
    assert len({json.dumps(generate_variant(name, seed).params) for seed in range(40)}) > 5


def test_unknown_family_lists_valid_names() -> None:
    with pytest.raises(UnknownFamilyError) as error:
        get_family("conv3d_forward")
    assert "conv2d_forward" in str(error.value) and "conv3d_forward" in str(error.value)


def test_variants_like_a_card_keep_its_topic() -> None:
    card = {"tp": 40, "fp": 10, "tn": 30, "fn": 20, "metric": "fpr"}
    metrics = {generate_variant("confusion_metrics", seed, like=card).params.get("metric") for seed in range(30)}
    assert metrics == {"fpr"}
    xavier = {"scheme": "xavier", "fan_in": 8, "fan_out": 8}
    schemes = {generate_variant("init_scale", seed, like=xavier).params["scheme"] for seed in range(30)}
    assert schemes == {"xavier"}
    assert generate_variant("softmax", 4, like={"logits": [1, 2]}) == generate_variant("softmax", 4)


_HAND_WRITTEN_FAULTS = re.compile(
    r"(?<![\w.])-\d"                                        # -1 rather than −1 (so never "− -1")
    r"|\(s\)"                                               # gradient(s), byte(s)
    r"|\b1 (?:input|output|channel|byte|gradient|step|layer|filter)s\b"   # 1 input channels
    r"|\ba (?:8|11|18)\d* ×")                               # a 8 × 8 input


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_prompts_and_solutions_read_as_written_by_hand(name: str) -> None:
    for seed in range(80):
        variant = generate_variant(name, seed)
        for text in (variant.prompt, variant.solution):
            fault = _HAND_WRITTEN_FAULTS.search(text)
            assert fault is None, (seed, fault.group(0), text)


@pytest.mark.parametrize("name", sorted(name for name, family in FAMILIES.items() if not family.integral))
def test_real_valued_prompts_state_the_precision_they_check(name: str) -> None:
    for seed in range(40):
        assert "4 significant digits" in generate_variant(name, seed).prompt


@pytest.mark.parametrize("params, counted", [
    ({"in_channels": 1, "out_channels": 8, "kernel": 3}, "1 input channel to 8 output channels"),
    ({"in_channels": 3, "out_channels": 1, "kernel": 3, "bias": False}, "3 input channels to 1 output channel"),
])
def test_conv_param_prompt_grammar_and_biases(params: dict, counted: str) -> None:
    prompt = get_family("conv2d_param_count").prompt(params)
    assert counted in prompt
    assert ("bias=False" in prompt) is (params.get("bias") is False) and "bias" in prompt


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_the_answer_a_worked_solution_states_is_accepted(name: str) -> None:
    """What a student copies from the end of a worked solution (matrices laid out channel by
    channel included) is what check accepts."""
    for seed in range(60):
        variant = generate_variant(name, seed)
        stated = variant.solution.rsplit("\nAnswer", 1)[1].split(":", 1)[1].strip()
        verdict = get_family(name).check(variant.params, stated)
        assert verdict.correct, (seed, stated, verdict.feedback)


def test_tensors_read_with_channel_labels() -> None:
    text = "channel 1:\n  1 2\n  3 4\nChannel 2:\n  5 6\n  7 8"
    assert parse_array(text) == [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]


def _channel_layouts(tensor: list[list[list[int]]]) -> list[str]:
    """The tensor in every layout docs/engine.md gives for one: `;;` between channels, a blank line
    between channels, the worked solutions' `channel k:` labels, and bracketed channels."""
    rows = [[" ".join(map(str, row)) for row in channel] for channel in tensor]
    return [
        " ;; ".join("; ".join(channel) for channel in rows),
        ";;".join(";".join(channel) for channel in rows),
        "\n\n".join("\n".join(channel) for channel in rows),
        "\n".join(f"channel {k}:\n" + "\n".join("  " + row for row in channel) for k, channel in enumerate(rows, 1)),
        "[" + " ;; ".join("; ".join(channel) for channel in rows) + "]",
        "\n\n".join(json.dumps(channel) for channel in tensor),
        " ;; ".join(json.dumps(channel) for channel in tensor),
    ]


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 4).flatmap(lambda c: st.integers(1, 3).flatmap(lambda h: st.integers(1, 3).flatmap(
    lambda w: st.lists(st.lists(st.lists(st.integers(-20, 20), min_size=w, max_size=w), min_size=h, max_size=h),
                       min_size=c, max_size=c)))))
def test_every_channel_is_a_matrix_however_small(tensor: list[list[list[int]]]) -> None:
    """A channel of one row or one entry is still a matrix: `5;; 13` was read as the 2×1 column
    [[5], [13]] and `[1 2];; [3 4]` as a 2×2 matrix, so a 1×1 kernel's gradient typed as the
    worked solution lays it out was a 'shape mismatch'."""
    for text in _channel_layouts(tensor):
        assert parse_array(text) == tensor, text


def test_a_1x1_kernels_gradient_typed_as_its_worked_solution_is_right() -> None:
    """Worked by hand: dW[c] = Σ X[c]·dY (1 + 4 = 5, 5 + 8 = 13), dX[c] = W[c]·dY, db = Σ dY = 2."""
    params = {"input": [[[1, 2], [3, 4]], [[5, 6], [7, 8]]], "kernel": [[[1]], [[2]]],
              "grad_output": [[1, 0], [0, 1]]}
    family = get_family("conv2d_backward")
    assert family.solve(params)["grad_kernel"] == [[[5]], [[13]]]
    for text in ("dX: 1 0; 0 1;; 2 0; 0 2  dW: 5;; 13  db: 2",
                 "dX: 1 0; 0 1;; 2 0; 0 2\ndW:\nchannel 1:\n  5\nchannel 2:\n  13\ndb: 2"):
        verdict = family.check(params, text)
        assert verdict.correct, (text, verdict.feedback)
    stated = family.solution(params).rsplit("\nAnswer", 1)[1].split(":", 1)[1].strip()
    assert family.check(params, stated).correct, stated
    wrong = family.check(params, "dX: 1 0; 0 1;; 2 0; 0 2  dW: 5; 13  db: 2")   # a column is not the tensor
    assert not wrong.correct and "shape mismatch" in wrong.feedback


def test_variants_like_a_card_ask_its_question_with_fresh_numbers() -> None:
    """No optional param the card leaves out (bytes per value, groups, dilation…), its switches kept."""
    card = {"height": 32, "width": 32, "channels": 3}
    variants = [generate_variant("activation_memory", seed, like=card).params for seed in range(40)]
    assert all(set(params) == set(card) for params in variants)
    assert len({json.dumps(params) for params in variants}) > 5, "fresh numbers"
    counted = {"in_channels": 3, "out_channels": 10, "kernel": [5, 5], "bias": True}
    for seed in range(40):
        params = generate_variant("conv2d_param_count", seed, like=counted).params
        assert set(params) == set(counted) and params["bias"] is True


def test_every_varying_bundled_card_keeps_its_question() -> None:
    """Each bundled computed card with ``vary`` gets variants shaped like its own example."""
    from flashdl.deck.files import bundled_decks_dir, deck_paths, load_deck_file

    cards = [card for path in deck_paths([bundled_decks_dir()]) for card in load_deck_file(path).cards
             if card.engine is not None and card.engine.vary]
    assert len(cards) >= 40
    for card in cards:
        assert card.engine is not None
        own = dict(card.engine.params)
        for seed in range(12):
            params = generate_variant(card.engine.family, seed, like=own).params
            assert set(params) == set(own), (card.id, card.engine.family, params)
            for key, value in own.items():
                if isinstance(value, (bool, str)):
                    assert params[key] == value, (card.id, key, params)
# -- hostile answers and params: bounded nesting, never a RecursionError ------------------------

_DEEP_ANSWERS = ["[" * 3000, "[" * 3000 + "1" + "]" * 3000, "(" * 3000 + "1" + ")" * 3000,
                 "√" * 3000 + "2", "-" * 3000 + "1", "sqrt(" * 3000 + "1" + ")" * 3000]


@pytest.mark.parametrize("text", _DEEP_ANSWERS)
def test_deeply_nested_answers_are_parse_errors(text: str) -> None:
    for parse in (parse_scalar, parse_array):
        with pytest.raises(AnswerParseError):
            parse(text)


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_check_never_raises_on_deeply_nested_answers(name: str) -> None:
    family = FAMILIES[name]
    params = family.generate(np.random.default_rng(3))
    for text in _DEEP_ANSWERS:
        assert family.check(params, text).correct is False


def test_params_json_is_read_with_bounded_depth() -> None:
    from flashdl.engine import EngineParamsError
    from flashdl.engine.params import load_params_json, read_array

    assert load_params_json('{"x": [[1, 2], [3, 4]]}') == {"x": [[1, 2], [3, 4]]}
    for text in ("[" * 50_000, '{"a": ' * 50_000, '{"a": ' + "[" * 20 + "]" * 20 + "}"):
        with pytest.raises(EngineParamsError, match="nested more than"):
            load_params_json(text)
    deep: list[object] = [1]
    for _ in range(5000):  # params built in code (a deck, the store) are bounded too
        deep = [deep]
    with pytest.raises(EngineParamsError, match="nested more than"):
        read_array({"x": deep}, "x", ranks=(2,))


def test_bounded_json_skips_brackets_inside_strings() -> None:
    from flashdl.bounded_json import JSONTooDeepError, loads

    text = '{"a": "' + "[" * 100 + '"}'
    assert loads(text, max_depth=2) == {"a": "[" * 100}
    with pytest.raises(JSONTooDeepError):
        loads('[[["\\"]"]]]', max_depth=2)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.integers(-10**6, 10**6).map(str),
                 st.decimals(min_value=-1000, max_value=1000, places=4, allow_nan=False).map(str),
                 st.sampled_from(["3/4", "75%", "sqrt(2/3)", "1.5e-3"])),
       st.sampled_from(["", "tpr: ", "TPR = ", "dL/db: ", "answer: ", "∂L/∂b = "]), st.booleans())
def test_a_one_number_answer_may_carry_a_label_and_one_pair_of_brackets(number: str, label: str,
                                                                         bracketed: bool) -> None:
    """`tpr: 0.8269` for a TPR question and `db: [-2]` (a one-entry tensor as PyTorch prints it)
    were unreadable; each reads as the number alone does."""
    from flashdl.engine.answer_specs import NumberAnswer

    spec = NumberAnswer(integral=False)
    typed = label + (f"[{number}]" if bracketed else number)
    assert spec.parse(typed) == parse_scalar(number)


@pytest.mark.parametrize("typed", ["x == 3", "0.8269:", "[1, 2]", "[[3]]", "tpr: 1; fpr: 2"])
def test_a_one_number_answer_still_refuses_what_is_not_one_number(typed: str) -> None:
    from flashdl.engine.answer_specs import NumberAnswer

    with pytest.raises(AnswerParseError):
        NumberAnswer(integral=False).parse(typed)
