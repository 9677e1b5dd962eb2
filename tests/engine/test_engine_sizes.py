"""Size formulas against window counting, PyTorch's published examples and each other."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest
from engine_reference import count_pool_windows, count_windows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flashdl.engine import FAMILIES, EngineParamsError, generate_variant, get_family

CASES = range(300)


def _pair(value) -> tuple[int, int]:
    return tuple(value) if isinstance(value, list) else (value, value)


def _solve(name: str, **params) -> list[int]:
    return get_family(name).solve(params)


@pytest.mark.parametrize("seed", CASES)
def test_conv2d_output_size_counts_window_positions(seed: int) -> None:
    params = get_family("conv2d_output_size").generate(np.random.default_rng(seed))
    size, kernel = _pair(params["input"]), _pair(params["kernel"])
    stride, padding = _pair(params.get("stride", 1)), _pair(params.get("padding", 0))
    dilation = _pair(params.get("dilation", 1))
    expected = [count_windows(size[a], kernel[a], stride[a], padding[a], dilation[a]) for a in range(2)]
    assert get_family("conv2d_output_size").solve(params) == expected


@pytest.mark.parametrize("seed", CASES)
def test_pool_output_size_counts_windows(seed: int) -> None:
    params = get_family("pool_output_size").generate(np.random.default_rng(seed))
    size, kernel = _pair(params["input"]), _pair(params["kernel"])
    stride, padding = _pair(params.get("stride", params["kernel"])), _pair(params.get("padding", 0))
    expected = [count_pool_windows(size[a], kernel[a], stride[a], padding[a], params.get("ceil_mode", False))
                for a in range(2)]
    assert get_family("pool_output_size").solve(params) == expected


@pytest.mark.parametrize("size", range(1, 12))
@pytest.mark.parametrize("kernel", range(1, 5))
@pytest.mark.parametrize("stride", range(1, 4))
def test_pool_ceil_mode_exhaustively(size: int, kernel: int, stride: int) -> None:
    for padding in range(kernel // 2 + 1):
        if kernel > size + 2 * padding:
            continue
        for ceil_mode in (False, True):
            got = _solve("pool_output_size", input=size, kernel=kernel, stride=stride, padding=padding,
                         ceil_mode=ceil_mode)
            assert got == [count_pool_windows(size, kernel, stride, padding, ceil_mode)] * 2


@pytest.mark.parametrize("seed", CASES)
def test_transposed_size_inverts_conv_size(seed: int) -> None:
    """A Conv2d with the same settings maps the transposed output back to the input size."""
    params = get_family("conv_transpose2d_output_size").generate(np.random.default_rng(seed))
    out = get_family("conv_transpose2d_output_size").solve(params)
    back = _solve("conv2d_output_size", input=out, kernel=params["kernel"], stride=params.get("stride", 1),
                  padding=params.get("padding", 0), dilation=params.get("dilation", 1))
    assert back == list(_pair(params["input"]))


def test_pytorch_conv2d_docs_example() -> None:
    # torch.nn.Conv2d docs: input (20, 16, 50, 100), kernel (3, 5), stride (2, 1), padding (4, 2),
    # dilation (3, 1): H = floor((50 + 8 − 3·2 − 1)/2) + 1 = 26, W = floor((100 + 4 − 4 − 1)/1) + 1 = 100
    assert _solve("conv2d_output_size", input=[50, 100], kernel=[3, 5], stride=[2, 1], padding=[4, 2],
                  dilation=[3, 1]) == [26, 100]
    # square kernels and equal stride: Conv2d(16, 33, 3, stride=2) on 50 × 100 → 24 × 49
    assert _solve("conv2d_output_size", input=[50, 100], kernel=3, stride=2) == [24, 49]


def test_pytorch_conv_transpose2d_docs_example() -> None:
    # torch.nn.ConvTranspose2d docs: a 12 × 12 input, Conv2d(16, 16, 3, stride=2, padding=1)
    # gives torch.Size([1, 16, 6, 6]); ConvTranspose2d(16, 16, 3, stride=2, padding=1) restores
    # 12 × 12 only when asked for output_size=input.size(), i.e. with output_padding 1 (else 11).
    assert _solve("conv2d_output_size", input=12, kernel=3, stride=2, padding=1) == [6, 6]
    assert _solve("conv_transpose2d_output_size", input=6, kernel=3, stride=2, padding=1) == [11, 11]
    assert _solve("conv_transpose2d_output_size", input=6, kernel=3, stride=2, padding=1,
                  output_padding=1) == [12, 12]


def test_pytorch_unfold_and_fold_docs_examples() -> None:
    # torch.nn.Unfold docs: input (2, 5, 3, 4), kernel (2, 3) → (2, 30, 4): 4 = 2·2 blocks
    assert _solve("conv2d_output_size", input=[3, 4], kernel=[2, 3]) == [2, 2]
    # torch.nn.Fold docs: output_size (4, 5), kernel (2, 2) → 12 blocks = 3·4
    assert _solve("conv2d_output_size", input=[4, 5], kernel=2) == [3, 4]


def test_maxpool_docs_example_shapes() -> None:
    # MaxPool2d(3, stride=2) on 50 × 32 → 24 × 15; MaxPool2d((3, 2), stride=(2, 1)) → 24 × 31
    assert _solve("pool_output_size", input=[50, 32], kernel=3, stride=2) == [24, 15]
    assert _solve("pool_output_size", input=[50, 32], kernel=[3, 2], stride=[2, 1]) == [24, 31]


def test_ceil_mode_drops_a_window_starting_in_the_right_padding() -> None:
    # H = 3, k = 2, s = 2, p = 1: ceil((3 + 2 − 2)/2) + 1 = 3, but the third window would start
    # at 4 = H + p (entirely in the right padding), so PyTorch keeps 2
    assert _solve("pool_output_size", input=3, kernel=2, stride=2, padding=1, ceil_mode=True) == [2, 2]
    assert _solve("pool_output_size", input=5, kernel=2, stride=2, ceil_mode=True) == [3, 3]
    assert _solve("pool_output_size", input=5, kernel=2, stride=2) == [2, 2]


@pytest.mark.parametrize("seed", CASES)
def test_receptive_field_by_interval_propagation(seed: int) -> None:
    """Walk one output unit's index interval back through each layer to the input."""
    params = get_family("receptive_field").generate(np.random.default_rng(seed))
    kernels = params["kernels"]
    strides = params.get("strides", [1] * len(kernels))
    dilations = params.get("dilations", [1] * len(kernels))
    low, high = 0, 0
    for kernel, stride, dilation in reversed(list(zip(kernels, strides, dilations))):
        low, high = low * stride, high * stride + dilation * (kernel - 1)
    assert get_family("receptive_field").solve(params) == high - low + 1


def test_receptive_field_textbook_values() -> None:
    assert get_family("receptive_field").solve({"kernels": [3, 3, 3]}) == 7     # three 3×3 = one 7×7
    assert get_family("receptive_field").solve({"kernels": [3, 3], "strides": [2, 1]}) == 7
    assert get_family("receptive_field").solve({"kernels": [3], "dilations": [2]}) == 5


def test_param_counts_by_hand() -> None:
    count = lambda name, **params: get_family(name).solve(params)  # noqa: E731
    assert count("conv2d_param_count", in_channels=3, out_channels=10, kernel=[5, 5]) == 760
    assert count("conv2d_param_count", in_channels=64, out_channels=128, kernel=3, bias=False) == 73728
    assert count("conv2d_param_count", in_channels=4, out_channels=8, kernel=3, groups=2) == 8 * 2 * 9 + 8
    assert count("linear_param_count", in_features=784, out_features=10) == 7850
    assert count("batchnorm2d_param_count", num_features=64) == 128
    assert count("batchnorm2d_param_count", num_features=64, affine=False) == 0
    assert count("activation_memory", height=28, width=28, channels=3) == 2352
    assert count("activation_memory", height=32, width=32, channels=3, bytes_per_value=4) == 12288


@pytest.mark.parametrize("name, params, param", [
    ("conv2d_output_size", {"input": 3, "kernel": 5}, "kernel"),
    ("conv2d_output_size", {"input": 3, "kernel": 2, "stride": 0}, "stride"),
    ("conv2d_output_size", {"kernel": 2}, "input"),
    ("conv2d_output_size", {"input": 3, "kernel": 2, "strides": 1}, "strides"),
    ("pool_output_size", {"input": 8, "kernel": 2, "padding": 2}, "padding"),
    ("conv_transpose2d_output_size", {"input": 4, "kernel": 3, "stride": 2, "output_padding": 2}, "output_padding"),
    ("conv2d_param_count", {"in_channels": 3, "out_channels": 8, "kernel": 3, "groups": 2}, "groups"),
    ("conv2d_param_count", {"in_channels": "3", "out_channels": 8, "kernel": 3}, "in_channels"),
    ("linear_param_count", {"in_features": 3, "out_features": 8, "bias": "yes"}, "bias"),
    ("receptive_field", {"kernels": [3, 3], "strides": [1]}, "strides"),
    ("conv2d_forward", {"input": [[1, 2], [3]], "kernel": [[1]]}, "input"),
    ("conv2d_forward", {"input": [[1, 2], [3, 4]], "kernel": [[[1]]]}, "kernel"),
    ("conv2d_backward", {"input": [[1, 2], [3, 4]], "kernel": [[1]], "grad_output": [[1]]}, "grad_output"),
    ("confusion_metrics", {"tp": 0, "fp": 0, "tn": 3, "fn": 1, "metric": "precision"}, "tp"),
    ("confusion_metrics", {"tp": 1, "fp": 0, "tn": 3, "fn": 1, "metric": "auc"}, "metric"),
    ("roc_points", {"scores": [0.1, 0.2], "labels": [1, 1], "thresholds": [0.5]}, "labels"),
    ("cross_entropy", {"probs": [0.5, 0.4], "target": 0}, "probs"),
    ("dropout_scaling", {"activations": [1, 2], "drop_prob": 0.5, "mask": [1]}, "mask"),
])
def test_bad_params_name_the_param(name: str, params: dict, param: str) -> None:
    with pytest.raises(EngineParamsError) as error:
        get_family(name).solve(params)
    assert error.value.param == param
    assert param in str(error.value)


_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10, 70), st.floats(), st.text(max_size=5))
_JSON = st.recursive(_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=5),
                                                       st.dictionaries(st.text(max_size=4), inner, max_size=3)),
                     max_leaves=30)
_BASE = {name: generate_variant(name, 3).params for name in FAMILIES}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(FAMILIES)), st.data())
def test_any_params_give_an_answer_or_an_engine_params_error(name: str, data: st.DataObject) -> None:
    """Deck blocks and `engine solve --params` are typed by people: nothing else may escape."""
    params = dict(_BASE[name])
    keys = [*params, "stride", "padding", "bias", "metric", "dilation", "unknown"]
    for _ in range(data.draw(st.integers(1, 3))):
        key = data.draw(st.sampled_from(keys))
        if data.draw(st.booleans()):
            params[key] = data.draw(_JSON)
        else:
            params.pop(key, None)
    family = get_family(name)
    for call in (family.solve, family.prompt, family.solution, lambda p: family.check(p, "1")):
        with contextlib.suppress(EngineParamsError):
            call(params)
