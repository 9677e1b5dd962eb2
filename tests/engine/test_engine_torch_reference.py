"""Optional: compare with PyTorch itself when it happens to be installed (it is not required)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


@pytest.mark.parametrize("seed", range(100))
def test_conv_forward_and_true_convolution_match_torch(seed: int) -> None:
    """Cross-correlation is `F.conv2d`; true convolution is `F.conv2d` with the kernel flipped."""
    params = get_family("conv2d_forward").generate(np.random.default_rng(seed))
    x, w = _tensor(params["input"]), _tensor(params["kernel"])
    settings = {"stride": params.get("stride", 1), "padding": params.get("padding", 0)}
    bias = torch.tensor([float(params.get("bias", 0))], dtype=torch.float64)
    np.testing.assert_array_equal(F.conv2d(x, w, bias, **settings).numpy()[0, 0],
                                  get_family("conv2d_forward").solve(params))
    np.testing.assert_array_equal(F.conv2d(x, w.flip(-1, -2), bias, **settings).numpy()[0, 0],
                                  get_family("true_conv2d_forward").solve(params))


@st.composite
def _conv_params(draw: st.DrawFn) -> dict:
    """Params beyond the generator's: up to 3 channels, rectangular strides and paddings."""
    channels, height, width = draw(st.integers(1, 3)), draw(st.integers(1, 7)), draw(st.integers(1, 7))
    stride = [draw(st.integers(1, 3)), draw(st.integers(1, 3))]
    padding = [draw(st.integers(0, 2)), draw(st.integers(0, 2))]
    kh, kw = draw(st.integers(1, height + 2 * padding[0])), draw(st.integers(1, width + 2 * padding[1]))
    entries = st.integers(-50, 50)
    x = np.array(draw(st.lists(entries, min_size=channels * height * width, max_size=channels * height * width)))
    k = np.array(draw(st.lists(entries, min_size=channels * kh * kw, max_size=channels * kh * kw)))
    return {"input": x.reshape(channels, height, width).tolist(), "kernel": k.reshape(channels, kh, kw).tolist(),
            "stride": stride, "padding": padding, "bias": draw(entries)}


@settings(max_examples=150, deadline=None)
@given(_conv_params(), st.data())
def test_conv_families_match_torch_on_random_shapes(params: dict, data: st.DataObject) -> None:
    x, w = _tensor(params["input"]).requires_grad_(), _tensor(params["kernel"]).requires_grad_()
    b = torch.tensor([float(params["bias"])], dtype=torch.float64, requires_grad=True)
    y = F.conv2d(x, w, b, stride=params["stride"], padding=params["padding"])
    np.testing.assert_array_equal(y.detach().numpy()[0, 0], get_family("conv2d_forward").solve(params))
    grads = data.draw(st.lists(st.integers(-5, 5), min_size=y.numel(), max_size=y.numel()))
    grad_output = np.array(grads).reshape(y.shape[2:]).tolist()
    y.backward(torch.tensor(grad_output, dtype=torch.float64)[None, None])
    backward = dict(params, grad_output=grad_output)
    del backward["bias"]
    answer = get_family("conv2d_backward").solve(backward)
    np.testing.assert_array_equal(x.grad.numpy()[0], answer["grad_input"])
    np.testing.assert_array_equal(w.grad.numpy()[0], answer["grad_kernel"])
    assert b.grad.item() == answer["grad_bias"]
    transposed = {"input": params["input"], "kernel": params["kernel"], "stride": params["stride"]}
    weight = _tensor(params["kernel"])[0][:, None]   # (C_in, C_out=1, kh, kw)
    out = F.conv_transpose2d(_tensor(params["input"]), weight, stride=params["stride"])
    np.testing.assert_array_equal(out.numpy()[0, 0], get_family("conv_transpose2d_forward").solve(transposed))


@st.composite
def _pool_params(draw: st.DrawFn) -> dict:
    height, width = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    kernel = [draw(st.integers(1, min(4, height))), draw(st.integers(1, min(4, width)))]
    padding = [draw(st.integers(0, kernel[0] // 2)), draw(st.integers(0, kernel[1] // 2))]
    distinct = draw(st.booleans())   # distinct entries: no ties, so torch's gradient routing is defined
    x = np.array(draw(st.permutations(range(-20, height * width - 20))) if distinct else
                 draw(st.lists(st.integers(-3, 3), min_size=height * width, max_size=height * width)))
    return {"input": x.reshape(height, width).tolist(), "kernel": kernel,
            "stride": [draw(st.integers(1, 3)), draw(st.integers(1, 3))], "padding": padding,
            "ceil_mode": draw(st.booleans())}


@settings(max_examples=150, deadline=None)
@given(_pool_params(), st.data())
def test_maxpool_families_match_torch_on_random_shapes(params: dict, data: st.DataObject) -> None:
    """Forward against `F.max_pool2d`; backward too when no window has a tie (torch may pick any)."""
    x = _tensor(params["input"]).requires_grad_()
    y = F.max_pool2d(x, params["kernel"], stride=params["stride"], padding=params["padding"],
                     ceil_mode=params["ceil_mode"])
    np.testing.assert_array_equal(y.detach().numpy()[0, 0], get_family("maxpool2d_forward").solve(params))
    grads = data.draw(st.lists(st.integers(-5, 5), min_size=y.numel(), max_size=y.numel()))
    grad_output = np.array(grads).reshape(y.shape[2:]).tolist()
    y.backward(torch.tensor(grad_output, dtype=torch.float64)[None, None])
    values = params["input"]
    if len({v for row in values for v in row}) == len(values) * len(values[0]):
        np.testing.assert_array_equal(x.grad.numpy()[0, 0], get_family("maxpool2d_backward").solve(
            dict(params, grad_output=grad_output)))


# --- the second round's families (DESIGN §5b) ------------------------------------------------

def _numel(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def _variant(name: str, seed: int) -> dict:
    return get_family(name).generate(np.random.default_rng(seed))


@pytest.mark.parametrize("seed", range(60))
def test_rnn_param_count_matches_torch(seed: int) -> None:
    params = _variant("rnn_param_count", seed)
    cls = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[params["cell"]]
    module = cls(params["input_size"], params["hidden_size"], num_layers=params.get("num_layers", 1),
                 bias=params.get("bias", True), bidirectional=params.get("bidirectional", False))
    count = _numel(module)
    if params.get("bias", True) and params.get("bias_vectors", 2) == 1:   # the textbook count: no b_hh
        count -= sum(p.numel() for name, p in module.named_parameters() if name.startswith("bias_hh"))
    assert get_family("rnn_param_count").solve(params) == count


@pytest.mark.parametrize("seed", range(30))
def test_embedding_param_count_matches_torch(seed: int) -> None:
    params = _variant("embedding_param_count", seed)
    module = torch.nn.Embedding(params["num_embeddings"], params["embedding_dim"])
    assert get_family("embedding_param_count").solve(params) == _numel(module)


@pytest.mark.parametrize("seed", range(60))
def test_multihead_attention_param_count_matches_torch(seed: int) -> None:
    params = _variant("multihead_attention_param_count", seed)
    module = torch.nn.MultiheadAttention(params["embed_dim"], params["num_heads"], bias=params.get("bias", True),
                                         kdim=params.get("kdim"), vdim=params.get("vdim"))
    assert get_family("multihead_attention_param_count").solve(params) == _numel(module)


@pytest.mark.parametrize("seed", range(30))
def test_transformer_encoder_layer_param_count_matches_torch(seed: int) -> None:
    params = _variant("transformer_encoder_layer_param_count", seed)
    module = torch.nn.TransformerEncoderLayer(params["d_model"], params["nhead"],
                                              dim_feedforward=params.get("dim_feedforward", 2048),
                                              bias=params.get("bias", True))
    assert get_family("transformer_encoder_layer_param_count").solve(params) == _numel(module)


@pytest.mark.parametrize("seed", range(40))
def test_conv2d_macs_match_torch_flop_counter(seed: int) -> None:
    from torch.utils.flop_counter import FlopCounterMode

    params = _variant("conv2d_macs", seed)
    conv = torch.nn.Conv2d(params["in_channels"], params["out_channels"], params["kernel"],
                           stride=params.get("stride", 1), padding=params.get("padding", 0),
                           groups=params.get("groups", 1), bias=False)
    x = torch.zeros(1, params["in_channels"], *params["input"])
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        conv(x)
    assert 2 * get_family("conv2d_macs").solve(params) == counter.get_total_flops()   # FLOPs = 2 × MACs


@pytest.mark.parametrize("seed", range(60))
def test_box_iou_matches_torch(seed: int) -> None:
    params = _variant("box_iou", seed)
    boxes = torch.tensor([params["box_a"], params["box_b"]], dtype=torch.float64)
    try:
        from torchvision.ops import box_iou  # when torchvision is there too
        expected = box_iou(boxes[:1], boxes[1:]).item()
    except ImportError:   # else the two boxes painted on a grid, in torch
        grid = torch.zeros(2, 32, 32, dtype=torch.bool)
        for index, (x1, y1, x2, y2) in enumerate(boxes.int().tolist()):
            grid[index, y1:y2, x1:x2] = True
        expected = (grid[0] & grid[1]).sum().item() / (grid[0] | grid[1]).sum().item()
    assert get_family("box_iou").solve(params) == pytest.approx(expected, rel=1e-12, abs=0)


@pytest.mark.parametrize("seed", range(120))
def test_optimizer_step_matches_torch_optim(seed: int) -> None:
    params = _variant("optimizer_step", seed)
    theta = torch.nn.Parameter(torch.tensor([float(params["theta"])], dtype=torch.float64))
    make = {"sgd_momentum": lambda: torch.optim.SGD([theta], lr=params["lr"], momentum=params.get("momentum", 0.9)),
            "rmsprop": lambda: torch.optim.RMSprop([theta], lr=params["lr"], alpha=params.get("alpha", 0.99),
                                                   eps=params.get("eps", 1e-8)),
            "adagrad": lambda: torch.optim.Adagrad([theta], lr=params["lr"], eps=params.get("eps", 1e-10))}
    optimizer = make[params["optimizer"]]()
    for g in params["grads"]:
        optimizer.zero_grad()
        theta.grad = torch.tensor([float(g)], dtype=torch.float64)
        optimizer.step()
    assert get_family("optimizer_step").solve(params) == pytest.approx(theta.item(), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("seed", range(60))
def test_binary_cross_entropy_matches_torch(seed: int) -> None:
    params = _variant("binary_cross_entropy", seed)
    loss = F.binary_cross_entropy(torch.tensor(params["probs"], dtype=torch.float64),
                                  torch.tensor(params["targets"], dtype=torch.float64))
    assert get_family("binary_cross_entropy").solve(params) == pytest.approx(loss.item(), rel=1e-12)
