"""Convolution, pooling and transposed convolution against independent references."""

from __future__ import annotations

import numpy as np
import pytest
from engine_reference import (
    conv_backward_loops,
    conv_transpose_loops,
    correlate_loops,
    maxpool_backward_loops,
    maxpool_loops,
    rotate180,
)
from scipy import signal

from flashdl.engine import get_family

CASES = range(300)


def _pair(value) -> tuple[int, int]:
    return tuple(value) if isinstance(value, list) else (value, value)


def _variant(name: str, seed: int) -> dict:
    return get_family(name).generate(np.random.default_rng(seed))


@pytest.mark.parametrize("seed", CASES)
def test_conv2d_forward_matches_nested_loops(seed: int) -> None:
    params = _variant("conv2d_forward", seed)
    expected = correlate_loops(params["input"], params["kernel"], _pair(params.get("stride", 1)),
                               _pair(params.get("padding", 0)), params.get("bias", 0))
    assert get_family("conv2d_forward").solve(params) == expected


@pytest.mark.parametrize("seed", CASES)
def test_true_conv2d_forward_matches_nested_loops_with_rotated_kernel(seed: int) -> None:
    params = _variant("true_conv2d_forward", seed)
    expected = correlate_loops(params["input"], rotate180(params["kernel"]), _pair(params.get("stride", 1)),
                               _pair(params.get("padding", 0)), params.get("bias", 0))
    assert get_family("true_conv2d_forward").solve(params) == expected


@pytest.mark.parametrize("seed", range(100))
def test_forward_matches_scipy_on_single_channel(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.integers(-3, 4, size=(rng.integers(3, 7), rng.integers(3, 7)))
    k = rng.integers(-3, 4, size=(rng.integers(1, 4),) * 2)
    stride, padding = int(rng.integers(1, 3)), int(rng.integers(0, 3))
    padded = np.pad(x, padding)
    params = {"input": x.tolist(), "kernel": k.tolist(), "stride": stride, "padding": padding}
    cross = signal.correlate2d(padded, k, mode="valid")[::stride, ::stride]
    true = signal.convolve2d(padded, k, mode="valid")[::stride, ::stride]
    assert get_family("conv2d_forward").solve(params) == cross.tolist()
    assert get_family("true_conv2d_forward").solve(params) == true.tolist()


def test_multichannel_forward_sums_channel_correlations() -> None:
    x = [[[1, 2, 0], [0, 1, 3], [2, 2, 1]], [[-1, 0, 2], [1, 1, 0], [0, 3, -2]]]
    k = [[[1, 0], [0, 1]], [[2, -1], [0, 1]]]
    per_channel = sum(signal.correlate2d(np.array(x[c]), np.array(k[c]), mode="valid") for c in range(2))
    assert get_family("conv2d_forward").solve({"input": x, "kernel": k, "bias": 1}) == (per_channel + 1).tolist()


@pytest.mark.parametrize("seed", CASES)
def test_conv2d_backward_matches_nested_loops(seed: int) -> None:
    params = _variant("conv2d_backward", seed)
    grad_input, grad_kernel, grad_bias = conv_backward_loops(
        params["input"], params["kernel"], params["grad_output"], _pair(params.get("stride", 1)),
        _pair(params.get("padding", 0)))
    answer = get_family("conv2d_backward").solve(params)
    assert answer == {"grad_input": grad_input, "grad_kernel": grad_kernel, "grad_bias": grad_bias}


@pytest.mark.parametrize("seed", range(60))
def test_conv2d_backward_matches_finite_differences(seed: int) -> None:
    """L = Σ dY ⊙ Y is linear in X and in W, so a unit step gives each gradient entry exactly."""
    params = _variant("conv2d_backward", seed)
    forward = get_family("conv2d_forward")
    grad_out = np.array(params["grad_output"], dtype=float)
    base = {key: params[key] for key in ("input", "kernel", "stride", "padding")}

    def loss(**changes) -> float:
        return float((np.array(forward.solve({**base, **changes}), dtype=float) * grad_out).sum())

    answer = get_family("conv2d_backward").solve(params)
    for name, grad_key in (("input", "grad_input"), ("kernel", "grad_kernel")):
        array = np.array(params[name], dtype=float)
        numeric = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            step = array.copy()
            step[index] += 0.5
            plus = loss(**{name: step.tolist()})
            step[index] -= 1.0
            numeric[index] = plus - loss(**{name: step.tolist()})
        np.testing.assert_allclose(numeric, np.array(answer[grad_key], dtype=float), atol=1e-9)
    bias_numeric = loss(bias=0.5) - loss(bias=-0.5)
    assert bias_numeric == pytest.approx(answer["grad_bias"])


@pytest.mark.parametrize("seed", CASES)
def test_maxpool_forward_and_backward_match_nested_loops(seed: int) -> None:
    params = _variant("maxpool2d_backward", seed)
    kernel = _pair(params["kernel"])
    stride = _pair(params.get("stride", params["kernel"]))
    padding = _pair(params.get("padding", 0))
    grad_out = params["grad_output"]
    out_shape = (len(grad_out), len(grad_out[0]))
    values, _ = maxpool_loops(params["input"], kernel, stride, padding, out_shape)
    forward_params = {key: value for key, value in params.items() if key != "grad_output"}
    assert get_family("maxpool2d_forward").solve(forward_params) == values
    expected = maxpool_backward_loops(params["input"], kernel, stride, padding, grad_out)
    assert get_family("maxpool2d_backward").solve(params) == expected


def test_maxpool_published_pytorch_example() -> None:
    """torch.nn.MaxUnpool2d docs: MaxPool2d(2, stride=2) of 1..16 gives [[6, 8], [14, 16]], and
    unpooling those values puts them back where the maxima were — the max-pool gradient routing."""
    x = [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]
    params = {"input": x, "kernel": 2, "stride": 2}
    assert get_family("maxpool2d_forward").solve(params) == [[6, 8], [14, 16]]
    routed = get_family("maxpool2d_backward").solve({**params, "grad_output": [[6, 8], [14, 16]]})
    assert routed == [[0, 0, 0, 0], [0, 6, 0, 8], [0, 0, 0, 0], [0, 14, 0, 16]]


def test_maxpool_ties_go_to_first_maximum_and_overlaps_sum() -> None:
    backward = get_family("maxpool2d_backward")
    ties = {"input": [[5, 5, 0], [5, 5, 0]], "kernel": 2, "stride": 1, "grad_output": [[1, 10]]}
    # window (1,1) sees four 5s: the first, row-major, is (1,1); window (1,2) first sees 5 at (1,2)
    assert backward.solve(ties) == [[1, 10, 0], [0, 0, 0]]
    peak = {"input": [[1, 1, 1], [1, 9, 1], [1, 1, 1]], "kernel": 2, "stride": 1,
            "grad_output": [[1, 10], [100, 1000]]}
    assert backward.solve(peak) == [[0, 0, 0], [0, 1111, 0], [0, 0, 0]]


def test_maxpool_backward_matches_finite_differences_without_ties() -> None:
    rng = np.random.default_rng(0)
    for _ in range(30):
        x = rng.permutation(36).reshape(6, 6).astype(float)
        params = {"input": x.tolist(), "kernel": 3, "stride": 2, "padding": 1}
        forward = get_family("maxpool2d_forward")
        grad_out = rng.integers(-3, 4, size=np.array(forward.solve(params)).shape).astype(float)
        numeric = np.zeros_like(x)
        for index in np.ndindex(x.shape):
            plus, minus = x.copy(), x.copy()
            plus[index] += 0.25
            minus[index] -= 0.25
            numeric[index] = ((np.array(forward.solve({**params, "input": plus.tolist()})) -
                               np.array(forward.solve({**params, "input": minus.tolist()}))) * grad_out).sum() / 0.5
        answer = get_family("maxpool2d_backward").solve({**params, "grad_output": grad_out.tolist()})
        np.testing.assert_allclose(numeric, answer, atol=1e-9)


@pytest.mark.parametrize("seed", CASES)
def test_conv_transpose_matches_stamping_loops(seed: int) -> None:
    params = _variant("conv_transpose2d_forward", seed)
    expected = conv_transpose_loops(params["input"], params["kernel"], _pair(params.get("stride", 1)),
                                    _pair(params.get("padding", 0)), _pair(params.get("output_padding", 0)))
    assert get_family("conv_transpose2d_forward").solve(params) == expected


@pytest.mark.parametrize("seed", range(100))
def test_conv_transpose_is_the_adjoint_of_conv(seed: int) -> None:
    """⟨convT(x), y⟩ = ⟨x, conv(y)⟩ for every y of the transposed output's size."""
    rng = np.random.default_rng(seed)
    params = _variant("conv_transpose2d_forward", seed)
    out = np.array(get_family("conv_transpose2d_forward").solve(params))
    y = rng.integers(-3, 4, size=out.shape)
    x = np.array(params["input"])
    kernel = params["kernel"]
    conv_params = {"input": y.tolist() if x.ndim == 2 else [y.tolist()] * x.shape[0],
                   "kernel": kernel, "stride": params.get("stride", 1), "padding": params.get("padding", 0)}
    if x.ndim == 3:   # one output channel per input channel: correlate y with each kernel channel
        conv = np.stack([np.array(get_family("conv2d_forward").solve(
            {**conv_params, "input": y.tolist(), "kernel": kernel[c]})) for c in range(x.shape[0])])
    else:
        conv = np.array(get_family("conv2d_forward").solve(conv_params))
    assert int((out * y).sum()) == int((x * conv).sum())


def test_a_transposed_convolution_whose_stride_is_wider_than_its_kernel_leaves_zero_gaps() -> None:
    """Stamps that do not touch leave cells no input reaches; worked by hand (and as PyTorch's
    conv_transpose2d gives it): each 2x2 stamp x·1 lands at (3i, 3j), the row and column between are 0."""
    from flashdl.engine.registry import get_family

    family = get_family("conv_transpose2d_forward")
    params = {"input": [[1, 2], [3, 4]], "kernel": [[1, 1], [1, 1]], "stride": 3}
    expected = [[1, 1, 0, 2, 2], [1, 1, 0, 2, 2], [0, 0, 0, 0, 0], [3, 3, 0, 4, 4], [3, 3, 0, 4, 4]]
    assert family.solve(params) == expected
    assert "full(3,3) = 0 = 0" in family.solution(params)


@pytest.mark.parametrize("seed", CASES)
def test_conv_transpose_solution_names_the_rows_and_columns_kept(seed: int) -> None:
    """The solution said output_padding "adds rows/columns at the bottom/right": a student who
    cropped `padding` from every side and appended zeros got wrong last rows whenever padding
    and output_padding were both set. Following what it says now, on the stamped output it
    prints (the stamping loops' canvas here), gives the stamping loops' answer."""
    import re

    params = _variant("conv_transpose2d_forward", seed)
    solution = get_family("conv_transpose2d_forward").solution(params)
    assert "adds rows" not in solution
    padding, output_padding = _pair(params.get("padding", 0)), _pair(params.get("output_padding", 0))
    expected = conv_transpose_loops(params["input"], params["kernel"], _pair(params.get("stride", 1)),
                                    padding, output_padding)
    if padding == output_padding == (0, 0):
        assert "Keep rows" not in solution
        return
    found = re.search(r"Keep rows (\d+)–(\d+) and columns (\d+)–(\d+) of the stamped output", solution)
    assert found is not None, solution
    first_row, last_row, first_col, last_col = map(int, found.groups())
    full = conv_transpose_loops(params["input"], params["kernel"], _pair(params.get("stride", 1)), (0, 0), (0, 0))
    cell = lambda r, c: full[r][c] if r < len(full) and c < len(full[0]) else 0  # noqa: E731 - past the edge: 0
    kept = [[cell(r - 1, c - 1) for c in range(first_col, last_col + 1)] for r in range(first_row, last_row + 1)]
    assert kept == expected


@pytest.mark.parametrize("seed", range(100))
def test_maxpool_backward_prompt_states_the_tie_rule(seed: int) -> None:
    """Most variants have a window with two equal maxima (digits for inputs), and the answer
    depends on which takes the gradient; only the solution said so. The prompt now states the
    rule the answer follows (test_maxpool_forward_and_backward_match_nested_loops: the reference loop
    keeps the first maximum, row by row) and, with padding, that padding counts as −∞."""
    params = _variant("maxpool2d_backward", seed)
    prompt = get_family("maxpool2d_backward").prompt(params)
    assert "several maxima, its gradient goes to the first, reading row by row" in prompt
    assert ("Padding counts as −∞" in prompt) == (_pair(params.get("padding", 0)) != (0, 0))


@pytest.mark.parametrize("seed", range(300))
def test_maxpool_forward_solution_works_out_the_output_size(seed: int) -> None:
    """The solution said "(see pool_output_size)", an internal name; it now works the size out
    with the variant's numbers. Its results are the reference count of windows (a loop over
    window starts, with PyTorch's ceil_mode rule) and the answer's shape."""
    import re

    from engine_reference import count_pool_windows

    params = _variant("maxpool2d_forward", seed)
    solution = get_family("maxpool2d_forward").solution(params)
    assert "pool_output_size" not in solution
    found = re.search(r"= (\d+) rows, .*= (\d+) columns\.", solution.splitlines()[0])
    assert found is not None, solution.splitlines()[0]
    x = np.array(params["input"])
    kernel, padding = _pair(params["kernel"]), _pair(params.get("padding", 0))
    stride = _pair(params.get("stride", params["kernel"]))
    expected = tuple(count_pool_windows(x.shape[a], kernel[a], stride[a], padding[a], params.get("ceil_mode", False))
                     for a in range(2))
    assert (int(found.group(1)), int(found.group(2))) == expected == np.array(
        get_family("maxpool2d_forward").solve(params)).shape


@pytest.mark.parametrize("seed", range(100))
def test_conv_backward_dx_is_what_its_solution_says(seed: int) -> None:
    """The solution calls dL/dX "a full cross-correlation of dL/dY with the 180°-rotated kernel,
    i.e. a full true convolution with W itself" (it said "full convolution … rotated", a double
    flip to a reader of the deck's true-convolution cards). Both readings, by scipy, for every
    one-channel variant with stride 1 and no padding."""
    params = _variant("conv2d_backward", seed)
    solution = get_family("conv2d_backward").solution(params)
    assert "full cross-correlation of dL/dY" in solution and "full true convolution with W itself" in solution
    if np.array(params["input"]).ndim != 2 or _pair(params.get("stride", 1)) != (1, 1) or params.get("padding", 0):
        return
    grad_out, kernel = np.array(params["grad_output"]), np.array(params["kernel"])
    dx = np.array(get_family("conv2d_backward").solve(params)["grad_input"])
    np.testing.assert_array_equal(dx, signal.convolve2d(grad_out, kernel, mode="full"))
    np.testing.assert_array_equal(dx, signal.correlate2d(grad_out, kernel[::-1, ::-1], mode="full"))
