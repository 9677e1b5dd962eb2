"""The second round's families (DESIGN §5b) against plain-Python references and published values."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from engine_reference import (
    attention_shapes,
    bce_loop,
    conv_macs_loops,
    encoder_layer_shapes,
    iou_by_cells,
    numel,
    optimizer_loop,
    rnn_parameter_shapes,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from flashdl.engine import EngineParamsError, generate_variant, get_family

CASES = range(300)
NEW_FAMILIES = ("rnn_param_count", "embedding_param_count", "multihead_attention_param_count",
                "transformer_encoder_layer_param_count", "conv2d_macs", "box_iou", "optimizer_step",
                "binary_cross_entropy")


def _variant(name: str, seed: int) -> dict:
    return get_family(name).generate(np.random.default_rng(seed))


def _pair(value) -> tuple[int, int]:
    return tuple(value) if isinstance(value, list) else (value, value)


@pytest.mark.parametrize("seed", CASES)
def test_rnn_count_adds_up_every_weight_matrix(seed: int) -> None:
    params = _variant("rnn_param_count", seed)
    shapes = rnn_parameter_shapes(params["cell"], params["input_size"], params["hidden_size"],
                                  params.get("num_layers", 1), params.get("bias", True),
                                  params.get("bidirectional", False), params.get("bias_vectors", 2))
    assert get_family("rnn_param_count").solve(params) == numel(shapes)


def test_rnn_known_values() -> None:
    solve = get_family("rnn_param_count").solve
    # nn.LSTM(10, 20): 4·20·(10 + 20) + 2·4·20 = 2400 + 160 (the torch docs' example sizes)
    assert solve({"cell": "lstm", "input_size": 10, "hidden_size": 20}) == 2560
    # the textbook LSTM count 4·(h·(x + h) + h) with x = 10, h = 20
    assert solve({"cell": "lstm", "input_size": 10, "hidden_size": 20, "bias_vectors": 1}) == 4 * (20 * 30 + 20)
    # nn.GRU(10, 20, num_layers=2, bidirectional=True): layer 2 reads 40 inputs
    assert solve({"cell": "gru", "input_size": 10, "hidden_size": 20, "num_layers": 2, "bidirectional": True}) == \
        2 * (3 * 20 * 30 + 120) + 2 * (3 * 20 * 60 + 120)
    assert solve({"cell": "rnn", "input_size": 3, "hidden_size": 2, "bias": False}) == 2 * 3 + 2 * 2


@pytest.mark.parametrize("seed", CASES)
def test_embedding_count(seed: int) -> None:
    params = _variant("embedding_param_count", seed)
    rows = [params["embedding_dim"]] * params["num_embeddings"]
    assert get_family("embedding_param_count").solve(params) == sum(rows)


def test_embedding_known_value() -> None:
    # BERT-base's word embeddings: 30522 tokens × 768 = 23,440,896 parameters
    assert get_family("embedding_param_count").solve({"num_embeddings": 30522, "embedding_dim": 768}) == 23_440_896


@pytest.mark.parametrize("seed", CASES)
def test_attention_count_adds_up_the_projections(seed: int) -> None:
    params = _variant("multihead_attention_param_count", seed)
    shapes = attention_shapes(params["embed_dim"], params.get("bias", True), params.get("kdim"), params.get("vdim"))
    assert get_family("multihead_attention_param_count").solve(params) == numel(shapes)


@pytest.mark.parametrize("seed", CASES)
def test_encoder_layer_count_adds_up_its_tensors(seed: int) -> None:
    params = _variant("transformer_encoder_layer_param_count", seed)
    shapes = encoder_layer_shapes(params["d_model"], params.get("dim_feedforward", 2048), params.get("bias", True))
    assert get_family("transformer_encoder_layer_param_count").solve(params) == numel(shapes)


def test_encoder_layer_known_value() -> None:
    # One BERT-base layer (d 768, 12 heads, feed-forward 3072): 7,087,872 parameters
    # (12 layers give the 85M of BERT-base's encoder stack)
    solve = get_family("transformer_encoder_layer_param_count").solve
    assert solve({"d_model": 768, "nhead": 12, "dim_feedforward": 3072}) == 7_087_872


@pytest.mark.parametrize("seed", CASES)
def test_conv_macs_count_windows_and_weights(seed: int) -> None:
    params = _variant("conv2d_macs", seed)
    expected = conv_macs_loops(_pair(params["input"]), params["in_channels"], params["out_channels"],
                               _pair(params["kernel"]), _pair(params.get("stride", 1)),
                               _pair(params.get("padding", 0)), params.get("groups", 1))
    assert get_family("conv2d_macs").solve(params) == expected


def test_conv_macs_known_value() -> None:
    # AlexNet's first layer, 227×227×3 → 55×55×96 with 11×11 kernels, stride 4: 105,415,200 MACs
    params = {"input": [227, 227], "in_channels": 3, "out_channels": 96, "kernel": [11, 11], "stride": 4}
    assert get_family("conv2d_macs").solve(params) == 105_415_200


@pytest.mark.parametrize("seed", CASES)
def test_box_iou_counts_grid_cells(seed: int) -> None:
    params = _variant("box_iou", seed)
    assert get_family("box_iou").solve(params) == pytest.approx(iou_by_cells(params["box_a"], params["box_b"]),
                                                                rel=1e-12, abs=0)


def test_box_iou_edge_cases() -> None:
    solve = get_family("box_iou").solve
    assert solve({"box_a": [0, 0, 2, 2], "box_b": [2, 0, 4, 2]}) == 0          # touching
    assert solve({"box_a": [0, 0, 2, 2], "box_b": [5, 5, 6, 6]}) == 0          # apart
    assert solve({"box_a": [0, 0, 2, 2], "box_b": [0, 0, 2, 2]}) == 1
    assert solve({"box_a": [0, 0, 2, 2], "box_b": [1, 1, 3, 3]}) == pytest.approx(1 / 7)
    assert solve({"box_a": [-1.5, 0, 0.5, 1], "box_b": [0, 0, 1, 1]}) == pytest.approx(0.5 / 2.5)
    with pytest.raises(EngineParamsError):
        solve({"box_a": [2, 0, 1, 1], "box_b": [0, 0, 1, 1]})


@pytest.mark.parametrize("seed", CASES)
def test_optimizer_step_follows_the_torch_docs_pseudo_code(seed: int) -> None:
    params = _variant("optimizer_step", seed)
    expected = optimizer_loop(params["optimizer"], params["theta"], params["grads"], params["lr"])
    assert get_family("optimizer_step").solve(params) == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_optimizer_step_hand_computed() -> None:
    solve = get_family("optimizer_step").solve
    # SGD, μ = 0.9, lr 0.1 from θ = 1 with g = 1, 1: b = 1, θ = 0.9; b = 1.9, θ = 0.71
    assert solve({"optimizer": "sgd_momentum", "theta": 1, "grads": [1, 1], "lr": 0.1}) == pytest.approx(0.71)
    # RMSprop, α = 0.99: v = 0.01·4, √v = 0.2, θ = 1 − 0.01·2/0.2 = 0.9
    assert solve({"optimizer": "rmsprop", "theta": 1, "grads": [2], "lr": 0.01, "eps": 0}) == pytest.approx(0.9)
    # Adagrad: G = 1, then 1 + 4 = 5: θ = 0 − 0.1 − 0.1·2/√5
    assert solve({"optimizer": "adagrad", "theta": 0, "grads": [1, 2], "lr": 0.1, "eps": 0}) == \
        pytest.approx(-0.1 - 0.2 / math.sqrt(5))
    with pytest.raises(EngineParamsError, match="does not apply"):
        solve({"optimizer": "adagrad", "theta": 0, "grads": [1], "lr": 0.1, "momentum": 0.9})


@pytest.mark.parametrize("seed", CASES)
def test_binary_cross_entropy_matches_its_definition(seed: int) -> None:
    params = _variant("binary_cross_entropy", seed)
    assert get_family("binary_cross_entropy").solve(params) == pytest.approx(
        bce_loop(params["probs"], params["targets"]), rel=1e-12)


def test_binary_cross_entropy_known_value() -> None:
    # p = 0.5 for every example costs ln 2 whatever the labels
    loss = get_family("binary_cross_entropy").solve({"probs": [0.5, 0.5], "targets": [0, 1]})
    assert loss == pytest.approx(math.log(2))
    with pytest.raises(EngineParamsError):
        get_family("binary_cross_entropy").solve({"probs": [1.0], "targets": [1]})


# --- generate → solve → check round trips ------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(st.sampled_from(NEW_FAMILIES), st.integers(0, 2**32 - 1))
def test_the_worked_solution_states_an_answer_check_accepts(name: str, seed: int) -> None:
    family = get_family(name)
    variant = generate_variant(name, seed)
    stated = variant.solution.rsplit("Answer:", 1)[1].strip()
    assert family.check(variant.params, stated).correct, (variant.params, stated)
    assert family.check(variant.params, family.format_answer(variant.params, variant.answer)).correct
    for text in (variant.prompt, variant.solution):   # negatives read −1 and "− (−1)", not -1 or "− -1"
        assert not re.search(r"(?<![\de])-\d", text), text


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(NEW_FAMILIES), st.integers(0, 2**32 - 1))
def test_a_wrong_answer_is_wrong(name: str, seed: int) -> None:
    family = get_family(name)
    variant = generate_variant(name, seed)
    answer = variant.answer
    wrong = answer + 1 if isinstance(answer, int) else answer + 0.01 * max(abs(answer), 1)
    verdict = family.check(variant.params, repr(wrong))
    assert not verdict.correct and "expected" in verdict.feedback


@pytest.mark.parametrize("name", NEW_FAMILIES)
def test_prompts_say_what_counts(name: str) -> None:
    """Counts say whether biases count; real answers say the precision asked."""
    for seed in range(30):
        prompt = generate_variant(name, seed).prompt
        if name.endswith("param_count") and name != "embedding_param_count":
            assert "bias" in prompt.lower(), prompt
        if not get_family(name).integral:
            assert "4 significant digits" in prompt, prompt
