"""Metrics, ROC, softmax, cross-entropy, init scales, Adam and dropout against references."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special

from flashdl.engine import get_family

CASES = range(300)


def _variant(name: str, seed: int) -> dict:
    return get_family(name).generate(np.random.default_rng(seed))


@pytest.mark.parametrize("seed", CASES)
def test_confusion_metrics_match_definitions(seed: int) -> None:
    params = _variant("confusion_metrics", seed)
    tp, fp, tn, fn = (params[key] for key in ("tp", "fp", "tn", "fn"))
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    reference = {"tpr": recall, "fpr": fp / (fp + tn), "precision": precision,
                 "accuracy": (tp + tn) / (tp + tn + fp + fn),
                 "f1": 2 * precision * recall / (precision + recall), "specificity": tn / (tn + fp)}
    answer = get_family("confusion_metrics").solve(params)
    if "metric" in params:
        assert answer == pytest.approx(reference[params["metric"]], rel=1e-12)
    else:
        assert answer == pytest.approx(reference, rel=1e-12)


@pytest.mark.parametrize("seed", CASES)
def test_roc_points_match_brute_force(seed: int) -> None:
    params = _variant("roc_points", seed)
    scores, labels = np.array(params["scores"]), np.array(params["labels"])
    expected = []
    for threshold in params["thresholds"]:
        predicted = scores >= threshold
        expected.append([float((predicted & (labels == 0)).sum() / (labels == 0).sum()),
                         float((predicted & (labels == 1)).sum() / (labels == 1).sum())])
    np.testing.assert_allclose(get_family("roc_points").solve(params), expected, rtol=1e-12)


@pytest.mark.parametrize("seed", CASES)
def test_softmax_matches_scipy(seed: int) -> None:
    params = _variant("softmax", seed)
    expected = special.softmax(np.array(params["logits"], dtype=float))
    assert get_family("softmax").solve(params) == pytest.approx(expected.tolist(), rel=1e-12)


@pytest.mark.parametrize("seed", CASES)
def test_cross_entropy_matches_scipy(seed: int) -> None:
    params = _variant("cross_entropy", seed)
    if "logits" in params:
        expected = -special.log_softmax(np.array(params["logits"], dtype=float))[params["target"]]
    else:
        expected = -math.log(params["probs"][params["target"]])
    assert get_family("cross_entropy").solve(params) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("seed", CASES)
def test_init_scale_matches_definitions(seed: int) -> None:
    params = _variant("init_scale", seed)
    fan_in, fan_out = params["fan_in"], params.get("fan_out")
    variance = {"xavier": lambda: 2 / (fan_in + fan_out), "he": lambda: 2 / fan_in,
                "lecun": lambda: 1 / fan_in}[params["scheme"]]()
    # U(−a, a) has variance a²/3
    expected = math.sqrt(variance) if params["distribution"] == "normal" else math.sqrt(3 * variance)
    assert get_family("init_scale").solve(params) == pytest.approx(expected, rel=1e-12)


def test_init_scale_known_values() -> None:
    solve = get_family("init_scale").solve
    # torch.nn.init.xavier_uniform_ bound for 256 → 512 is sqrt(6/768)
    xavier_uniform = {"scheme": "xavier", "distribution": "uniform", "fan_in": 256, "fan_out": 512}
    assert solve(xavier_uniform) == pytest.approx(math.sqrt(6 / 768))
    assert solve({"scheme": "he", "fan_in": 50}) == pytest.approx(0.2)


@pytest.mark.parametrize("seed", CASES)
def test_adam_matches_vectorised_reference(seed: int) -> None:
    params = _variant("adam_step", seed)
    lr, b1, b2, eps = (params.get(k, d) for k, d in (("lr", 1e-3), ("beta1", 0.9), ("beta2", 0.999), ("eps", 1e-8)))
    grads = np.array(params["grads"], dtype=float)
    steps = np.arange(1, len(grads) + 1)
    m = np.array([(1 - b1) * sum(b1 ** (t - s) * grads[s - 1] for s in range(1, t + 1)) for t in steps])
    v = np.array([(1 - b2) * sum(b2 ** (t - s) * grads[s - 1] ** 2 for s in range(1, t + 1)) for t in steps])
    updates = lr * (m / (1 - b1 ** steps)) / (np.sqrt(v / (1 - b2 ** steps)) + eps)
    assert get_family("adam_step").solve(params) == pytest.approx(params["theta"] - updates.sum(), rel=1e-12, abs=1e-12)


def test_adam_first_step_moves_by_lr() -> None:
    for grad in (-3, 0.001, 250):
        theta = get_family("adam_step").solve({"theta": 1, "grads": [grad], "lr": 0.01, "eps": 0})
        assert theta == pytest.approx(1 - 0.01 * math.copysign(1, grad))


@pytest.mark.parametrize("seed", CASES)
def test_dropout_keeps_expected_activation(seed: int) -> None:
    params = _variant("dropout_scaling", seed)
    x = np.array(params["activations"], dtype=float)
    keep = 1 - params["drop_prob"]
    if params.get("phase", "train") == "train":
        mask = np.array(params["mask"])
        expected = x * mask / keep if params.get("inverted", True) else x * mask
    else:
        expected = x if params.get("inverted", True) else x * keep
    assert get_family("dropout_scaling").solve(params) == pytest.approx(expected.tolist())


@pytest.mark.parametrize("logits", [[1, 2, 3], [0, 1, 2], [-1, 0, 1, 2], [2.5, 0.5]])
def test_the_softmax_prompt_shows_the_form_never_the_answer(logits: list[float]) -> None:
    """The prompt's example was `0.0900, 0.2447, 0.6652`: softmax(1, 2, 3) itself (the bundled
    cards' own logits, and any three consecutive ones), and 0.0900 has 3 significant digits, not
    the 4 asked. Every number the prompt shows beyond the logits has 4 significant digits
    (counted here by hand: leading zeros dropped), and no entry of the answer appears in it."""
    import re

    from flashdl.engine.registry import get_family

    family = get_family("softmax")
    params = {"logits": logits}
    prompt = family.prompt(params)
    after = prompt.split(")", 1)[1]
    examples = re.findall(r"\d+\.\d+", after)
    assert examples
    assert all(len(e.replace(".", "").lstrip("0")) == 4 for e in examples), examples
    z = [math.exp(v) for v in logits]
    answer = [v / sum(z) for v in z]
    for value in answer:
        assert f"{value:.4g}" not in prompt and f"{value:.4f}" not in prompt
    assert "0.2447" not in family.answer_spec(params).hint


@pytest.mark.parametrize("distribution", ["normal", "uniform"])
def test_he_prompt_says_the_mode_and_gain_its_answer_uses(distribution: str) -> None:
    """With n_in and n_out both given, "He/Kaiming" alone left fan_in and fan_out mode open. The
    prompt says fan_in mode for ReLU, and the answer is that: gain √2 over √n_in (PyTorch's
    kaiming_*_ defaults: leaky_relu with a = 0, whose gain is √(2 / (1 + 0²)))."""
    params = {"scheme": "he", "distribution": distribution, "fan_in": 64, "fan_out": 32}
    family = get_family("init_scale")
    assert "fan_in mode" in family.prompt(params) and "ReLU" in family.prompt(params)
    std = math.sqrt(2) / math.sqrt(64)
    assert family.solve(params) == pytest.approx(std if distribution == "normal" else math.sqrt(3) * std)
