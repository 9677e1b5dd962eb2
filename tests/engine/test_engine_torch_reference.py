"""Optional: compare with PyTorch itself when it happens to be installed (it is not required)."""

from __future__ import annotations

import numpy as np
import pytest

from flashdl.engine import get_family

torch = pytest.importorskip("torch")
F = torch.nn.functional


def _tensor(value) -> torch.Tensor:
    array = np.array(value, dtype=np.float64)
    return torch.tensor(array if array.ndim == 3 else array[None])[None]


@pytest.mark.parametrize("seed", range(100))
def test_conv_forward_backward_and_transpose_match_torch(seed: int) -> None:
    rng = np.random.default_rng(seed)
    params = get_family("conv2d_backward").generate(rng)
    x = _tensor(params["input"]).requires_grad_()
    w = _tensor(params["kernel"]).requires_grad_()
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    y = F.conv2d(x, w, b, stride=params.get("stride", 1), padding=params.get("padding", 0))
    y.backward(torch.tensor(np.array(params["grad_output"], dtype=np.float64))[None, None])
    answer = get_family("conv2d_backward").solve(params)
    np.testing.assert_allclose(np.squeeze(x.grad.numpy()), np.squeeze(np.array(answer["grad_input"])))
    np.testing.assert_allclose(np.squeeze(w.grad.numpy()), np.squeeze(np.array(answer["grad_kernel"])))
    params = get_family("conv_transpose2d_forward").generate(rng)
    weight = _tensor(params["kernel"]).transpose(0, 1)   # (C_in, C_out=1, kh, kw)
    out = F.conv_transpose2d(_tensor(params["input"]), weight, stride=params.get("stride", 1),
                             padding=params.get("padding", 0), output_padding=params.get("output_padding", 0))
    np.testing.assert_allclose(out.numpy()[0, 0], get_family("conv_transpose2d_forward").solve(params))


@pytest.mark.parametrize("seed", range(100))
def test_maxpool_matches_torch(seed: int) -> None:
    params = get_family("maxpool2d_backward").generate(np.random.default_rng(seed))
    x = _tensor(params["input"]).requires_grad_()
    y = F.max_pool2d(x, params["kernel"], stride=params.get("stride"), padding=params.get("padding", 0),
                     ceil_mode=params.get("ceil_mode", False))
    y.backward(torch.tensor(np.array(params["grad_output"], dtype=np.float64))[None, None])
    np.testing.assert_allclose(x.grad.numpy()[0, 0], get_family("maxpool2d_backward").solve(params))
