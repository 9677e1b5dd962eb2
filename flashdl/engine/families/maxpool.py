"""Max pooling by hand: the forward pass and the routing of its gradient."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from flashdl.engine.answer_specs import ArrayAnswer
from flashdl.engine.array_ops import absolute, argmax_positions, max_pool, route_gradient, without_noise
from flashdl.engine.errors import EngineParamsError
from flashdl.engine.family import Family, Params, Rng, constant_spec, draw_indices, draw_matrix, nested_list
from flashdl.engine.grid import Grid
from flashdl.engine.params import (
    Pair,
    as_mapping,
    cached_reading,
    read_array,
    read_bool,
    read_pair,
    reject_unknown,
)
from flashdl.engine.size_formulas import pool_output_length
from flashdl.engine.text_format import format_number, layout_matrix

INPUT_RANGE = (0, 9)
GRAD_RANGE = (-2, 4)
_KEYS = ("input", "kernel", "stride", "padding", "ceil_mode")


class PoolProblem(NamedTuple):
    x: Grid
    kernel: Pair
    stride: Pair
    padding: Pair
    ceil_mode: bool
    out_shape: Pair


def _read(params: Mapping[str, Any], extra_keys: tuple[str, ...] = ()) -> PoolProblem:
    params = as_mapping(params)
    reject_unknown(params, (*_KEYS, *extra_keys))
    x = read_array(params, "input", ranks=(2,))
    kernel = read_pair(params, "kernel", minimum=1, maximum=64)
    stride = read_pair(params, "stride", default=list(kernel), minimum=1, maximum=64)
    padding = read_pair(params, "padding", default=0, minimum=0, maximum=32)
    ceil_mode = read_bool(params, "ceil_mode", default=False)
    for axis in range(2):
        if 2 * padding[axis] > kernel[axis]:
            raise EngineParamsError("padding", "must be at most half the kernel size (PyTorch's rule)")
        if kernel[axis] > x.shape[axis] + 2 * padding[axis]:
            raise EngineParamsError("kernel", "does not fit the padded input")
    rows, cols = (pool_output_length(x.shape[a], kernel[a], stride[a], padding[a], ceil_mode) for a in range(2))
    return PoolProblem(x, kernel, stride, padding, ceil_mode, (rows, cols))


def _draw(rng: Rng) -> Params:
    """Kernel 2 or 3, input 3×3 to 6×6 with digits, sometimes a stride, padding or ceil_mode."""
    while True:
        big_kernel, side, same_width, width, strided, stride, padded, ceil_mode = draw_indices(
            rng, (3, 4, 3, 4, 2, 2, 4, 5))
        kernel = 3 if big_kernel == 2 else 2
        side, width = side + 3, (side if same_width else width) + 3
        stride = stride + 1 if strided else kernel
        padding = 1 if padded == 0 else 0
        out_shape = [pool_output_length(n, kernel, stride, padding, ceil_mode == 0) for n in (side, width)]
        if not 2 <= max(out_shape) <= 4:
            continue
        params: Params = {"input": draw_matrix(rng, (side, width), *INPUT_RANGE), "kernel": kernel}
        if stride != kernel:
            params["stride"] = stride
        if padding:
            params["padding"] = padding
        if ceil_mode == 0:
            params["ceil_mode"] = True
        return params


def _settings(problem: PoolProblem) -> str:
    text = (f"kernel {problem.kernel[0]}×{problem.kernel[1]}, stride {_pair(problem.stride)}, "
            f"padding {_pair(problem.padding)}")
    return text + (", ceil_mode=True" if problem.ceil_mode else "")


def _pair(pair: Pair) -> str:
    return str(pair[0]) if pair[0] == pair[1] else f"({pair[0]}, {pair[1]})"


def _window_cells(problem: PoolProblem, x: list[list[str]], i: int, j: int) -> str:
    """Values of one window (already formatted), padding shown as −∞."""
    cells = []
    height, width = problem.x.shape
    top, left = i * problem.stride[0] - problem.padding[0], j * problem.stride[1] - problem.padding[1]
    for r in range(top, top + problem.kernel[0]):
        inside = 0 <= r < height
        for c in range(left, left + problem.kernel[1]):
            cells.append(x[r][c] if inside and 0 <= c < width else "−∞")
    return ", ".join(cells)


def _size_text(p: PoolProblem, axis: int, name: str) -> str:
    """`⌊(5 + 2·1 − 3)/2⌋ + 1 = 3 rows`, the formula with this variant's numbers (ceil_mode: ⌈⌉,
    and PyTorch's rule that a last window starting in the right padding is dropped)."""
    size, kernel, stride, padding = p.x.shape[axis], p.kernel[axis], p.stride[axis], p.padding[axis]
    left, right = ("⌈", "⌉") if p.ceil_mode else ("⌊", "⌋")
    text = f"{left}({size} + 2·{padding} − {kernel})/{stride}{right} + 1"
    rounded = -(-(size + 2 * padding - kernel) // stride) if p.ceil_mode else (size + 2 * padding - kernel) // stride
    if rounded + 1 != p.out_shape[axis]:   # ceil_mode's last window would start in the padding
        text += f" = {rounded + 1}, less the last window (it would start in the right padding) "
        return text + f"= {p.out_shape[axis]} {name}"
    return text + f" = {p.out_shape[axis]} {name}"


def _formatted(x: Grid) -> list[list[str]]:
    return [[format_number(value) for value in row] for row in x.tolist()]


# --- forward ------------------------------------------------------------------------------

def _pooled(params: Mapping[str, Any]) -> Grid:
    p = _read(params)
    return max_pool(p.x, p.kernel, p.stride, p.padding, p.out_shape)


def _forward_solve(params: Mapping[str, Any]) -> list[Any]:
    return nested_list(_pooled(params))


def _forward_prompt(params: Mapping[str, Any]) -> str:
    p = _read(params)
    # zero padding would change the answer wherever a padded window's inputs are all negative
    padding_note = "; padding counts as −∞" if p.padding != (0, 0) else ""
    return f"Apply 2-D max pooling ({_settings(p)}{padding_note}) to:\n{layout_matrix(p.x)}"


def _forward_solution(params: Mapping[str, Any]) -> str:
    p = _read(params)
    output = _pooled(params)
    values, x = output.tolist(), _formatted(p.x)
    beyond = any((p.out_shape[a] - 1) * p.stride[a] - p.padding[a] + p.kernel[a] > p.x.shape[a] for a in range(2))
    outside_note = (" (cells outside the input, padding or past its edge, count as −∞)"
                    if p.padding != (0, 0) or beyond else "")
    lines = [f"Output size: {_size_text(p, 0, 'rows')}, {_size_text(p, 1, 'columns')}.",
             f"Each output is the largest value of its window{outside_note}:"]
    for i in range(p.out_shape[0]):
        for j in range(p.out_shape[1]):
            lines.append(f"Y({i + 1},{j + 1}) = max({_window_cells(p, x, i, j)}) = {format_number(values[i][j])}")
    return "\n".join([*lines, "", "Answer:", layout_matrix(output)])


MAXPOOL2D_FORWARD = Family(
    name="maxpool2d_forward", title="Max pooling forward", integral=True,
    answer_spec=constant_spec(ArrayAnswer(integral=True)), generate=_draw, solve=_forward_solve,
    prompt=_forward_prompt, solution=_forward_solution)


# --- backward -----------------------------------------------------------------------------

@cached_reading
def _read_backward(params: Mapping[str, Any]) -> tuple[PoolProblem, Grid]:
    problem = _read(params, extra_keys=("grad_output",))
    grad_out = read_array(params, "grad_output", ranks=(2,))
    if grad_out.shape != problem.out_shape:
        raise EngineParamsError("grad_output", f"must have the pooled output's shape "
                                               f"{problem.out_shape[0]}×{problem.out_shape[1]}")
    return problem, grad_out


def _backward_generate(rng: Rng) -> Params:
    params = _draw(rng)
    sides = (len(params["input"]), len(params["input"][0]))
    kernel: int = params["kernel"]
    stride: int = params.get("stride", kernel)
    padding: int = params.get("padding", 0)
    ceil_mode: bool = params.get("ceil_mode", False)
    out_shape = tuple(pool_output_length(side, kernel, stride, padding, ceil_mode) for side in sides)
    params["grad_output"] = draw_matrix(rng, out_shape, *GRAD_RANGE)
    return params


@cached_reading
def _argmax(params: Mapping[str, Any]) -> tuple[Grid, Grid, Grid]:
    p = _read_backward(params)[0]
    return argmax_positions(p.x, p.kernel, p.stride, p.padding, p.out_shape)


@cached_reading
def _routed(params: Mapping[str, Any]) -> Grid:
    p, grad_out = _read_backward(params)
    _, rows, cols = _argmax(params)
    height, width = p.x.shape
    rows, cols = rows.plus(-p.padding[0]), cols.plus(-p.padding[1])
    routed = route_gradient((height, width), grad_out, rows, cols)
    return routed if routed.integral else without_noise(
        routed, route_gradient((height, width), absolute(grad_out), rows, cols))


def _backward_solve(params: Mapping[str, Any]) -> list[Any]:
    return nested_list(_routed(params))


def _backward_prompt(params: Mapping[str, Any]) -> str:
    p, grad_out = _read_backward(params)
    # The tie rule is part of the question: with digits for inputs most variants have a window
    # with two maxima, and the answer depends on which one takes the gradient.
    padding_note = " Padding counts as −∞." if p.padding != (0, 0) else ""
    return (f"Max pooling ({_settings(p)}) was applied to X below. Given the upstream gradient dL/dY, "
            f"compute dL/dX. Where a window has several maxima, its gradient goes to the first, reading "
            f"row by row (as PyTorch does).{padding_note}"
            f"\n\nX:\n{layout_matrix(p.x)}\ndL/dY:\n{layout_matrix(grad_out)}")


def _backward_solution(params: Mapping[str, Any]) -> str:
    p, grad_out = _read_backward(params)
    found, at_rows, at_cols = _argmax(params)
    values = found.tolist()
    rows, cols = at_rows.plus(1 - p.padding[0]).tolist(), at_cols.plus(1 - p.padding[1]).tolist()
    x, grads = _formatted(p.x), grad_out.tolist()
    lines = ["Each window passes its gradient to the position of its maximum (the first one, reading "
             "row by row, on ties); every other input gets 0 from that window, and inputs chosen by "
             "several windows add up the gradients:"]
    for i in range(p.out_shape[0]):
        for j in range(p.out_shape[1]):
            lines.append(f"window ({i + 1},{j + 1}): max({_window_cells(p, x, i, j)}) = "
                         f"{format_number(values[i][j])} at X({rows[i][j]},{cols[i][j]}) ← "
                         f"dY({i + 1},{j + 1}) = {format_number(grads[i][j])}")
    return "\n".join([*lines, "", "Answer (dL/dX):", layout_matrix(_routed(params))])


MAXPOOL2D_BACKWARD = Family(
    name="maxpool2d_backward", title="Max pooling backward", integral=True,
    answer_spec=constant_spec(ArrayAnswer(integral=True)), generate=_backward_generate,
    solve=_backward_solve, prompt=_backward_prompt, solution=_backward_solution)

FAMILIES = (MAXPOOL2D_FORWARD, MAXPOOL2D_BACKWARD)
