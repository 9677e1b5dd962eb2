"""2-D cross-correlation, its gradients, the transposed convolution and max pooling on Grids.

Integer arrays — every generated card and every bundled deck — are computed here in plain
Python: exact, so equal entry for entry to numpy's int64 results, and without numpy's ~90 ms
import. An array holding a float goes to the numpy ops (`convolution_ops`, `pooling_ops`) as
before: float sums of products are rounded in BLAS's own order, which only numpy reproduces
bit for bit, and a card's answer must not change in its last digit.

Layouts follow `convolution_ops`: arrays are C×H×W and a kernel spans all C channels.
"""

from __future__ import annotations

from typing import Any

from flashdl.engine.grid import Grid
from flashdl.engine.precision import NOISE_DIGITS

Pair = tuple[int, int]


def _all_integral(*grids: Grid) -> bool:
    return all(grid.integral for grid in grids)


def _to_numpy(grid: Grid) -> Any:
    import numpy as np  # a float entry: numpy's rounding is the reference
    return np.array(grid.flat, dtype=np.int64 if grid.integral else np.float64).reshape(grid.shape)


def _from_numpy(array: Any) -> Grid:
    return Grid(tuple(array.ravel().tolist()), tuple(array.shape))


def pad_zeros(x: Grid, padding: Pair) -> Grid:
    """C×H×W → C×(H+2p)×(W+2p) with zeros (of the array's kind: 0 or 0.0) around each channel."""
    ph, pw = padding
    if ph == 0 and pw == 0:
        return x
    channels, height, width = x.shape
    zero: Any = 0 if x.integral else 0.0
    wide = width + 2 * pw
    flat: list[Any] = []
    for c in range(channels):
        flat.extend([zero] * (wide * ph))
        for r in range(height):
            start = (c * height + r) * width
            flat.extend([zero] * pw)
            flat.extend(x.flat[start: start + width])
            flat.extend([zero] * pw)
        flat.extend([zero] * (wide * ph))
    return Grid(tuple(flat), (channels, height + 2 * ph, wide))


def correlate(x: Grid, kernel: Grid, stride: Pair, padding: Pair, out_shape: Pair) -> Grid:
    """Σ_c Σ_ab xpad[c, i·s+a, j·s+b]·k[c,a,b]: cross-correlation summed over channels."""
    if not _all_integral(x, kernel):
        from flashdl.engine import convolution_ops
        return _from_numpy(convolution_ops.correlate(_to_numpy(x), _to_numpy(kernel), stride, padding,
                                                     out_shape))
    padded = pad_zeros(x, padding)
    _, height, width = padded.shape
    channels, kh, kw = kernel.shape
    # (offset in the padded flat, weight) of every kernel entry, relative to a patch's top-left
    taps = [((c * height + a) * width + b, kernel.flat[(c * kh + a) * kw + b])
            for c in range(channels) for a in range(kh) for b in range(kw)]
    values, out = padded.flat, []
    for i in range(out_shape[0]):
        for j in range(out_shape[1]):
            corner = i * stride[0] * width + j * stride[1]
            out.append(sum([values[corner + offset] * weight for offset, weight in taps]))
    return Grid(tuple(out), out_shape)


def _stamp(values: Grid, kernel: Grid, stride: Pair, out_shape: tuple[int, int, int]) -> list[Any]:
    """Flat C×H×W sums of values[i,j]·kernel placed at (i·s, j·s), added in the order of i, j."""
    channels, kh, kw = kernel.shape
    _, height, width = out_shape
    out: list[Any] = [0] * (channels * height * width)
    rows, cols = values.shape
    for i in range(rows):
        for j in range(cols):
            value = values.flat[i * cols + j]
            for c in range(channels):
                for a in range(kh):
                    base = (c * height + i * stride[0] + a) * width + j * stride[1]
                    weights = kernel.flat[(c * kh + a) * kw: (c * kh + a + 1) * kw]
                    for b, weight in enumerate(weights):
                        out[base + b] += value * weight
    return out


def correlate_backward(x: Grid, kernel: Grid, grad_out: Grid, stride: Pair,
                       padding: Pair) -> tuple[Grid, Grid, Any]:
    """(dL/dX, dL/dW, dL/db) of `correlate` for the upstream gradient dL/dY; dL/db a plain number."""
    if not _all_integral(x, kernel, grad_out):
        from flashdl.engine import convolution_ops
        arrays = convolution_ops.correlate_backward(_to_numpy(x), _to_numpy(kernel), _to_numpy(grad_out),
                                                    stride, padding)
        return _from_numpy(arrays[0]), _from_numpy(arrays[1]), arrays[2].item()
    padded = pad_zeros(x, padding)
    channels, height, width = padded.shape
    _, kh, kw = kernel.shape
    rows, cols = grad_out.shape
    grads = [(i * stride[0] * width + j * stride[1], grad_out.flat[i * cols + j])
             for i in range(rows) for j in range(cols)]
    grad_kernel = [sum([padded.flat[(c * height + a) * width + b + corner] * g for corner, g in grads])
                   for c in range(channels) for a in range(kh) for b in range(kw)]
    stamped = _stamp(grad_out, kernel, stride, (channels, height, width))
    ph, pw = padding
    _, in_height, in_width = x.shape
    grad_input: list[Any] = []
    for c in range(channels):
        for r in range(in_height):
            start = (c * height + r + ph) * width + pw
            grad_input.extend(stamped[start: start + in_width])
    return (Grid(tuple(grad_input), x.shape), Grid(tuple(grad_kernel), kernel.shape),
            sum(grad_out.flat))


def transpose_convolve(x: Grid, kernel: Grid, stride: Pair, padding: Pair, out_shape: Pair) -> Grid:
    """Each input value stamps the kernel scaled by it; overlaps add; padding crops each side."""
    if not _all_integral(x, kernel):
        from flashdl.engine import convolution_ops
        return _from_numpy(convolution_ops.transpose_convolve(_to_numpy(x), _to_numpy(kernel), stride,
                                                              padding, out_shape))
    channels, height, width = x.shape
    _, kh, kw = kernel.shape
    full_h, full_w = (height - 1) * stride[0] + kh, (width - 1) * stride[1] + kw
    full = [0] * (full_h * full_w)
    for c in range(channels):
        stamped = _stamp(x[c], kernel[c].lifted(), stride, (1, full_h, full_w))
        full = [total + value for total, value in zip(full, stamped)]
    ph, pw = padding
    out: list[Any] = []
    for r in range(out_shape[0]):
        source = r + ph
        for col in range(out_shape[1]):
            inside = source < full_h and col + pw < full_w
            out.append(full[source * full_w + col + pw] if inside else 0)
    return Grid(tuple(out), out_shape)


def _windows(x: Grid, kernel: Pair, stride: Pair, padding: Pair, out_shape: Pair) -> list[tuple[Any, int, int]]:
    """(max value, row, column in padded coordinates) of each window's first maximum, row by row;
    padding is −∞, so only input cells can win (every window holds one, by pool_output_length)."""
    height, width = x.shape
    found = []
    for i in range(out_shape[0]):
        for j in range(out_shape[1]):
            best: tuple[Any, int, int] | None = None
            top, left = i * stride[0], j * stride[1]
            for r in range(max(top, padding[0]), min(top + kernel[0], height + padding[0])):
                for c in range(max(left, padding[1]), min(left + kernel[1], width + padding[1])):
                    value = x.flat[(r - padding[0]) * width + c - padding[1]]
                    if best is None or value > best[0]:
                        best = (value, r, c)
            if best is None:
                raise ValueError("a pooling window holds no input cell")
            found.append(best)
    return found


def argmax_positions(x: Grid, kernel: Pair, stride: Pair, padding: Pair,
                     out_shape: Pair) -> tuple[Grid, Grid, Grid]:
    """(max values, rows, cols in padded coordinates) of each window's first maximum."""
    if not x.integral:
        from flashdl.engine import pooling_ops
        values, rows, cols = pooling_ops.argmax_positions(_to_numpy(x), kernel, stride, padding, out_shape)
        return _from_numpy(values), _from_numpy(rows), _from_numpy(cols)
    found = _windows(x, kernel, stride, padding, out_shape)
    return (Grid(tuple([value for value, _, _ in found]), out_shape),
            Grid(tuple([row for _, row, _ in found]), out_shape),
            Grid(tuple([col for _, _, col in found]), out_shape))


def max_pool(x: Grid, kernel: Pair, stride: Pair, padding: Pair, out_shape: Pair) -> Grid:
    if not x.integral:
        from flashdl.engine import pooling_ops
        return _from_numpy(pooling_ops.max_pool(_to_numpy(x), kernel, stride, padding, out_shape))
    return Grid(tuple([value for value, _, _ in _windows(x, kernel, stride, padding, out_shape)]), out_shape)


def route_gradient(shape: tuple[int, int], grad_out: Grid, rows: Grid, cols: Grid) -> Grid:
    """Sum each upstream gradient into the input cell (rows, cols) its window chose, in window
    order (as `np.add.at`), starting from a zero of the gradient's kind."""
    if not grad_out.integral:
        from flashdl.engine import pooling_ops
        return _from_numpy(pooling_ops.route_gradient(shape, _to_numpy(grad_out), _to_numpy(rows),
                                                      _to_numpy(cols)))
    grad: list[Any] = [0] * (shape[0] * shape[1])
    for value, row, col in zip(grad_out.flat, rows.flat, cols.flat):
        grad[row * shape[1] + col] += value
    return Grid(tuple(grad), shape)


def absolute(grid: Grid) -> Grid:
    """|entry| for every entry: fed to an op, it gives the size of the terms each sum adds up."""
    return Grid(tuple([abs(value) for value in grid.flat]), grid.shape)


def without_noise(result: Grid, magnitude: Grid) -> Grid:
    """`result` with 0.0 where an entry is below its terms' rounding noise at the 12 significant
    digits answers are read to (|entry| ≤ 1e-12 × the sum of its terms' sizes, `magnitude`):
    0.1·1 + 0.2·1 + 0.3·(−1) is 0, not numpy's 5.55e-17. Whole-number results are exact already."""
    if result.integral:
        return result
    return Grid(tuple([0.0 if abs(value) <= _NOISE * size else value
                       for value, size in zip(result.flat, magnitude.flat)]), result.shape)


_NOISE = 10.0 ** -NOISE_DIGITS
