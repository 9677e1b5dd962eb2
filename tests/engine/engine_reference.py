"""Plain nested-loop references, written apart from the vectorised engine, to test it against."""

from __future__ import annotations

import math


def zeros(rows: int, cols: int) -> list[list[float]]:
    return [[0 for _ in range(cols)] for _ in range(rows)]


def channels_of(x: list) -> list:
    """A matrix is one channel."""
    return x if isinstance(x[0][0], list) else [x]


def pad(matrix: list[list], ph: int, pw: int, value: float = 0) -> list[list]:
    cols = len(matrix[0]) + 2 * pw
    out = [[value] * cols for _ in range(ph)]
    for row in matrix:
        out.append([value] * pw + list(row) + [value] * pw)
    out += [[value] * cols for _ in range(ph)]
    return out


def correlate_loops(x: list, kernel: list, stride: tuple[int, int], padding: tuple[int, int],
                    bias: float = 0) -> list[list]:
    xs, ks = channels_of(x), channels_of(kernel)
    padded = [pad(c, *padding) for c in xs]
    kh, kw = len(ks[0]), len(ks[0][0])
    rows = (len(padded[0]) - kh) // stride[0] + 1
    cols = (len(padded[0][0]) - kw) // stride[1] + 1
    out = zeros(rows, cols)
    for i in range(rows):
        for j in range(cols):
            total = bias
            for c in range(len(xs)):
                for a in range(kh):
                    for b in range(kw):
                        total += padded[c][i * stride[0] + a][j * stride[1] + b] * ks[c][a][b]
            out[i][j] = total
    return out


def rotate180(kernel: list) -> list:
    if isinstance(kernel[0][0], list):
        return [rotate180(k) for k in kernel]
    return [list(reversed(row)) for row in reversed(kernel)]


def conv_backward_loops(x: list, kernel: list, grad_out: list[list], stride: tuple[int, int],
                        padding: tuple[int, int]) -> tuple[list, list, float]:
    """Each output (i,j) touched padded input cells with kernel weights: distribute dY(i,j)."""
    xs, ks = channels_of(x), channels_of(kernel)
    padded = [pad(c, *padding) for c in xs]
    kh, kw = len(ks[0]), len(ks[0][0])
    grad_padded = [zeros(len(padded[0]), len(padded[0][0])) for _ in xs]
    grad_kernel = [zeros(kh, kw) for _ in xs]
    grad_bias = 0
    for i, row in enumerate(grad_out):
        for j, g in enumerate(row):
            grad_bias += g
            for c in range(len(xs)):
                for a in range(kh):
                    for b in range(kw):
                        r, col = i * stride[0] + a, j * stride[1] + b
                        grad_padded[c][r][col] += g * ks[c][a][b]
                        grad_kernel[c][a][b] += g * padded[c][r][col]
    ph, pw = padding
    grad_input = [[row[pw: len(row) - pw] for row in gp[ph: len(gp) - ph]] for gp in grad_padded]
    if not isinstance(x[0][0], list):
        return grad_input[0], grad_kernel[0], grad_bias
    return grad_input, grad_kernel, grad_bias


def maxpool_loops(x: list[list], kernel: tuple[int, int], stride: tuple[int, int],
                  padding: tuple[int, int], out_shape: tuple[int, int]) -> tuple[list[list], list[list]]:
    """(pooled values, dL/dX routing weights as lists of (row, col) per window)."""
    height, width = len(x), len(x[0])
    values = zeros(*out_shape)
    winners = [[None] * out_shape[1] for _ in range(out_shape[0])]
    for i in range(out_shape[0]):
        for j in range(out_shape[1]):
            best, where = -math.inf, None
            for a in range(kernel[0]):
                for b in range(kernel[1]):
                    r = i * stride[0] + a - padding[0]
                    c = j * stride[1] + b - padding[1]
                    if 0 <= r < height and 0 <= c < width and x[r][c] > best:
                        best, where = x[r][c], (r, c)
            values[i][j] = best
            winners[i][j] = where
    return values, winners


def maxpool_backward_loops(x, kernel, stride, padding, grad_out):
    out_shape = (len(grad_out), len(grad_out[0]))
    _, winners = maxpool_loops(x, kernel, stride, padding, out_shape)
    grad = zeros(len(x), len(x[0]))
    for i in range(out_shape[0]):
        for j in range(out_shape[1]):
            r, c = winners[i][j]
            grad[r][c] += grad_out[i][j]
    return grad


def conv_transpose_loops(x: list, kernel: list, stride: tuple[int, int], padding: tuple[int, int],
                         output_padding: tuple[int, int]) -> list[list]:
    """Stamp kernel·x(i,j) at (i·s, j·s) on a big canvas, then cut padding off each side."""
    xs, ks = channels_of(x), channels_of(kernel)
    height, width = len(xs[0]), len(xs[0][0])
    kh, kw = len(ks[0]), len(ks[0][0])
    canvas = zeros((height - 1) * stride[0] + kh + output_padding[0], (width - 1) * stride[1] + kw + output_padding[1])
    for c in range(len(xs)):
        for i in range(height):
            for j in range(width):
                for a in range(kh):
                    for b in range(kw):
                        canvas[i * stride[0] + a][j * stride[1] + b] += xs[c][i][j] * ks[c][a][b]
    ph, pw = padding
    rows = len(canvas) - 2 * ph
    cols = len(canvas[0]) - 2 * pw
    return [row[pw: pw + cols] for row in canvas[ph: ph + rows]]


def count_windows(size: int, kernel: int, stride: int, padding: int, dilation: int = 1) -> int:
    """Window starts 0, s, 2s, … whose dilated span stays inside the padded input."""
    span = dilation * (kernel - 1) + 1
    count, start = 0, 0
    while start + span <= size + 2 * padding:
        count += 1
        start += stride
    return count


def count_pool_windows(size: int, kernel: int, stride: int, padding: int, ceil_mode: bool) -> int:
    """Full windows; in ceil mode one more partial window if the last full one left the end
    uncovered and the partial one starts inside the input or its left padding."""
    count = count_windows(size, kernel, stride, padding)
    if ceil_mode:
        last_end = (count - 1) * stride + kernel
        next_start = count * stride
        if last_end < size + 2 * padding and next_start < size + padding:
            count += 1
    return count


# --- the second round's families, each from its definition rather than its formula ------------

def rnn_parameter_shapes(cell: str, input_size: int, hidden: int, layers: int = 1, bias: bool = True,
                         bidirectional: bool = False, bias_vectors: int = 2) -> dict[str, tuple[int, ...]]:
    """The tensors torch.nn.RNN/LSTM/GRU registers (weight_ih_l0, bias_hh_l1_reverse, …)."""
    stacked = {"rnn": 1, "lstm": 4, "gru": 3}[cell] * hidden
    shapes: dict[str, tuple[int, ...]] = {}
    for layer in range(layers):
        width = input_size if layer == 0 else hidden * (2 if bidirectional else 1)
        for suffix in ("", "_reverse") if bidirectional else ("",):
            shapes[f"weight_ih_l{layer}{suffix}"] = (stacked, width)
            shapes[f"weight_hh_l{layer}{suffix}"] = (stacked, hidden)
            if bias:
                shapes[f"bias_ih_l{layer}{suffix}"] = (stacked,)
                if bias_vectors == 2:
                    shapes[f"bias_hh_l{layer}{suffix}"] = (stacked,)
    return shapes


def numel(shapes: dict[str, tuple[int, ...]]) -> int:
    total = 0
    for shape in shapes.values():
        count = 1
        for side in shape:
            count *= side
        total += count
    return total


def attention_shapes(embed: int, bias: bool = True, kdim: int | None = None,
                     vdim: int | None = None, prefix: str = "") -> dict[str, tuple[int, ...]]:
    """One projection per role (query, key, value, output), as in 'Attention is all you need'."""
    shapes = {f"{prefix}q_proj.weight": (embed, embed), f"{prefix}k_proj.weight": (embed, kdim or embed),
              f"{prefix}v_proj.weight": (embed, vdim or embed), f"{prefix}out_proj.weight": (embed, embed)}
    if bias:
        shapes.update({f"{prefix}{role}.bias": (embed,) for role in ("q_proj", "k_proj", "v_proj", "out_proj")})
    return shapes


def encoder_layer_shapes(d_model: int, dim_feedforward: int, bias: bool = True) -> dict[str, tuple[int, ...]]:
    shapes = attention_shapes(d_model, bias, prefix="self_attn.")
    shapes["linear1.weight"], shapes["linear2.weight"] = (dim_feedforward, d_model), (d_model, dim_feedforward)
    for norm in ("norm1", "norm2"):
        shapes[f"{norm}.weight"] = (d_model,)
    if bias:
        shapes["linear1.bias"], shapes["linear2.bias"] = (dim_feedforward,), (d_model,)
        shapes["norm1.bias"] = shapes["norm2.bias"] = (d_model,)
    return shapes


def conv_macs_loops(size: tuple[int, int], in_channels: int, out_channels: int, kernel: tuple[int, int],
                    stride: tuple[int, int], padding: tuple[int, int], groups: int) -> int:
    """Count window positions one by one; each costs one multiply per kernel weight it uses."""
    rows = count_windows(size[0], kernel[0], stride[0], padding[0])
    cols = count_windows(size[1], kernel[1], stride[1], padding[1])
    per_window = 0
    for _channel in range(in_channels // groups):
        for _a in range(kernel[0]):
            for _b in range(kernel[1]):
                per_window += 1
    return rows * cols * out_channels * per_window


def iou_by_cells(box_a: list[int], box_b: list[int]) -> float:
    """Count the unit cells of an integer grid each box covers."""
    def cells(box: list[int]) -> set[tuple[int, int]]:
        return {(x, y) for x in range(box[0], box[2]) for y in range(box[1], box[3])}
    a, b = cells(box_a), cells(box_b)
    return len(a & b) / len(a | b)


def optimizer_loop(optimizer: str, theta: float, grads: list[float], lr: float, momentum: float = 0.9,
                   alpha: float = 0.99, eps: float | None = None) -> float:
    """The pseudo-code of the torch.optim docs (SGD, RMSprop, Adagrad), defaults elsewhere."""
    buffer = square_avg = state_sum = None
    for t, g in enumerate(grads, start=1):
        if optimizer == "sgd_momentum":            # SGD: dampening τ = 0, nesterov off
            buffer = g if t == 1 else momentum * buffer + (1 - 0) * g
            theta = theta - lr * buffer
        elif optimizer == "rmsprop":               # RMSprop: v_t = α v_{t−1} + (1 − α) g²
            square_avg = (1 - alpha) * g ** 2 if square_avg is None else alpha * square_avg + (1 - alpha) * g ** 2
            theta = theta - lr * g / (math.sqrt(square_avg) + (1e-8 if eps is None else eps))
        else:                                      # Adagrad: state_sum_t = state_sum_{t−1} + g²
            state_sum = (0 if state_sum is None else state_sum) + g ** 2
            theta = theta - lr / (1 + (t - 1) * 0) * g / (math.sqrt(state_sum) + (1e-10 if eps is None else eps))
    return theta


def bce_loop(probs: list[float], targets: list[int]) -> float:
    total = 0.0
    for p, y in zip(probs, targets):
        total += -(y * math.log(p) + (1 - y) * math.log(1 - p))
    return total / len(probs)
