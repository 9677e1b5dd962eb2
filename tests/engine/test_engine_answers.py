"""Typed answers: every way a student writes the right answer passes, wrong ones fail clearly."""

from __future__ import annotations

import json
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
        return [nested, "; ".join(rows), "\n".join(rows), "\n".join("[" + ", ".join(map(_entry, r)) + "]" for r in value)]
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
            pieces.append(f"{labels[variant % len(labels)]}: {inner}" if variant % 2 else f"{labels[variant]} = {inner}")
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


def test_integral_answers_are_exact_and_real_ones_tolerant() -> None:
    count = {"in_channels": 3, "out_channels": 10, "kernel": 5}
    assert get_family("conv2d_param_count").check(count, "760").correct
    assert not get_family("conv2d_param_count").check(count, "760.1").correct
    assert get_family("conv2d_param_count").check(count, "(3*5*5 + 1)*10").correct
    metric = {"tp": 3, "fp": 1, "tn": 2, "fn": 1, "metric": "precision"}
    for text in ("0.75", "3/4", "75%", ".75", "0.7504", "6/8"):
        assert get_family("confusion_metrics").check(metric, text).correct, text
    for text in ("0.76", "74%", "1/4"):
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


@pytest.mark.parametrize("text, value", [
    ("12", Fraction(12)), ("-0.5", Fraction(-1, 2)), ("3/4", Fraction(3, 4)), ("75%", Fraction(3, 4)),
    ("1e-3", Fraction(1, 1000)), ("−2", Fraction(-2)), (" 2 / 8 ", Fraction(1, 4)),
])
def test_number_literals(text: str, value: Fraction) -> None:
    assert parse_number(text) == value
    assert parse_scalar(text) == value


@pytest.mark.parametrize("text, value", [
    ("2x2", [2, 2]), ("(2, 2)", [2, 2]), ("2 × 2", [2, 2]), ("[2, 2]", [2, 2]), ("13 by 14", [13, 14]),
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


@pytest.mark.parametrize("text", ["", "abc", "1 2; 3", "[[1,2]", "2x", "1/0", "__import__('os')", "9^9^9^9",
                                  "(" * 500 + "1" + ")" * 500, "-" * 5000 + "1", "1e999"])
def test_bad_answers_get_a_clear_verdict(text: str) -> None:
    family = get_family("conv2d_forward")
    verdict = family.check({"input": [[1, 2], [3, 4]], "kernel": [[1]]}, text)
    assert not verdict.correct
    assert verdict.feedback.startswith("could not read the answer") or "shape mismatch" in verdict.feedback


_ANSWER_ALPHABET = st.sampled_from(list("0123456789.-+/%xX×,;[]() \n\t:=eE√^*abcdsqrtlnpWw") + ["dX:", "db=", ";;", "sqrt(", "1e5"])
_TEXT = st.one_of(st.text(max_size=80), st.lists(_ANSWER_ALPHABET, max_size=60).map("".join))


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_parsers_raise_only_their_own_error(text: str) -> None:
    for parse in (parse_number, parse_scalar, parse_shape, parse_array,
                  lambda t: split_labelled(t, {"dX": "grad_input", "dW": "grad_kernel", "db": "grad_bias"})):
        try:
            parse(text)
        except AnswerParseError:
            pass


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
    schemes = {generate_variant("init_scale", seed, like={"scheme": "xavier", "fan_in": 8, "fan_out": 8}).params["scheme"]
               for seed in range(30)}
    assert schemes == {"xavier"}
    assert generate_variant("softmax", 4, like={"logits": [1, 2]}) == generate_variant("softmax", 4)


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
