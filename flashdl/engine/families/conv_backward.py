"""Backward pass of a 2-D cross-correlation layer: dL/dX, dL/dW and dL/db from dL/dY."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flashdl.engine.answer_specs import ArrayAnswer, NumberAnswer, Part, PartsAnswer
from flashdl.engine.array_ops import absolute, correlate_backward, without_noise
from flashdl.engine.errors import EngineParamsError
from flashdl.engine.families.conv_forward import describe_problem
from flashdl.engine.families.conv_problem import (
    ConvProblem,
    as_plain,
    check_conv_problem,
    draw_conv_params_with_shape,
)
from flashdl.engine.family import Family, Params, Rng, constant_spec
from flashdl.engine.grid import Grid
from flashdl.engine.params import cached_reading, read_array
from flashdl.engine.text_format import (
    factor_texts,
    format_number,
    layout_array,
    layout_matrix,
)

GRAD_RANGE = (-2, 2)

ANSWER = PartsAnswer((
    Part("grad_input", "dX", ("dx", "dL/dX", "dL/dx", "grad_input", "grad input", "grad_x",
                              "input gradient", "gradient wrt input", "dI"), ArrayAnswer(integral=True)),
    Part("grad_kernel", "dW", ("dw", "dK", "dL/dW", "dL/dK", "grad_kernel", "grad kernel", "grad_weight",
                               "grad weight", "grad_w", "kernel gradient", "weight gradient"),
         ArrayAnswer(integral=True)),
    Part("grad_bias", "db", ("dL/db", "grad_bias", "grad bias", "grad_b", "bias gradient"),
         NumberAnswer(integral=True)),
))


def _read(params: Mapping[str, Any]) -> tuple[ConvProblem, Grid]:
    problem = check_conv_problem(params, extra_keys=("grad_output",))
    grad_out = read_array(params, "grad_output", ranks=(2,))
    if grad_out.shape != problem.out_shape:
        raise EngineParamsError("grad_output", f"must have the output's shape "
                                               f"{problem.out_shape[0]}×{problem.out_shape[1]}, got "
                                               f"{grad_out.shape[0]}×{grad_out.shape[1]}")
    return problem, grad_out


def _generate(rng: Rng) -> Params:
    params, _ = draw_conv_params_with_shape(rng, max_side=4, max_out=3, paddings=(0, 0, 1),
                                            max_side_multi=3, grad_range=GRAD_RANGE)
    params.pop("bias", None)   # the bias does not change any gradient
    return params


@cached_reading
def _gradients(params: Mapping[str, Any]) -> tuple[ConvProblem, Grid, tuple[Grid, Grid, Any]]:
    problem, grad_out = _read(params)
    grad_input, grad_kernel, grad_bias = correlate_backward(problem.x, problem.kernel, grad_out, problem.stride,
                                                            problem.padding)
    if not (grad_input.integral and grad_kernel.integral):
        sizes = correlate_backward(absolute(problem.x), absolute(problem.kernel), absolute(grad_out),
                                   problem.stride, problem.padding)
        grad_input, grad_kernel = without_noise(grad_input, sizes[0]), without_noise(grad_kernel, sizes[1])
        grad_bias = without_noise(Grid((grad_bias,), (1,)), Grid((sizes[2],), (1,))).flat[0]
    return problem, grad_out, (grad_input, grad_kernel, grad_bias)


def _solve(params: Mapping[str, Any]) -> dict[str, Any]:
    problem, _, (grad_input, grad_kernel, grad_bias) = _gradients(params)
    return {"grad_input": as_plain(grad_input, problem.multi_channel),
            "grad_kernel": as_plain(grad_kernel, problem.multi_channel),
            "grad_bias": grad_bias}


def _prompt(params: Mapping[str, Any]) -> str:
    problem, grad_out, _ = _gradients(params)
    return ("A conv layer computes Y = cross-correlation(X, W) + b. Given the upstream gradient "
            "dL/dY, compute dL/dX, dL/dW and dL/db (answer as 'dX: …  dW: …  db: …').\n\n"
            f"{describe_problem(problem)}\nUpstream gradient dL/dY ({grad_out.shape[0]}×{grad_out.shape[1]}):\n"
            f"{layout_matrix(grad_out)}")


def _kernel_lines(problem: ConvProblem, grads: list[list[str]], grad_kernel: Grid) -> list[str]:
    padded, result = factor_texts(problem.padded.tolist()), grad_kernel.tolist()
    (sh, sw), (oh, ow) = problem.stride, problem.out_shape
    positions = [(grads[i][j], i * sh, j * sw) for i in range(oh) for j in range(ow)]
    lines = ["dL/dW: correlate the (padded) input with dL/dY — each kernel weight collects "
             "dY(i,j) times the input value it touched:"]
    for c, (channel, sums) in enumerate(zip(padded, result)):
        prefix = f"{c + 1}," if problem.multi_channel else ""
        for a, row in enumerate(sums):
            for b, total in enumerate(row):
                products = " + ".join([f"{g}·{channel[top + a][left + b]}" for g, top, left in positions])
                lines.append(f"dW({prefix}{a + 1},{b + 1}) = {products} = {_text(total)}")
    return lines


def _input_lines(problem: ConvProblem, grads: list[list[str]], grad_input: Grid) -> list[str]:
    (sh, sw), (ph, pw) = problem.stride, problem.padding
    _, kh, kw = problem.kernel.shape
    kernel, result = factor_texts(problem.kernel.tolist()), grad_input.tolist()
    lines = ["dL/dX: each dY(i,j) sends dY(i,j)·W back onto the patch it came from and overlaps add "
             "(the same as a full cross-correlation of dL/dY, spread out by the stride, with the "
             "180°-rotated kernel, i.e. a full true convolution with W itself)"
             + ("; gradients landing on the padding are dropped" if (ph, pw) != (0, 0) else "") + ":"]
    channels, height, width = problem.x.shape
    # which (output index, kernel offset) pairs reach each input row and column: dY(i,j)·W(a,b)
    # lands on row i·s + a − p, column j·s + b − p (in the order of i, then j)
    rows = _reaching(len(grads), kh, sh, ph, height)
    cols = _reaching(len(grads[0]), kw, sw, pw, width)
    for c, channel in enumerate(kernel):
        prefix = f"{c + 1}," if problem.multi_channel else ""
        values = result[c]
        for r, row_pairs in enumerate(rows):
            for col, col_pairs in enumerate(cols):
                terms = [f"{grads[i][j]}·{channel[a][b]}" for i, a in row_pairs for j, b in col_pairs]
                if terms:
                    lines.append(f"dX({prefix}{r + 1},{col + 1}) = {' + '.join(terms)} = "
                                 f"{_text(values[r][col])}")
                else:
                    lines.append(f"dX({prefix}{r + 1},{col + 1}) = 0 (no output window used this input)")
    return lines


def _text(value: Any) -> str:
    return str(value) if type(value) is int else format_number(value)


def _reaching(outputs: int, kernel: int, stride: int, padding: int, size: int) -> list[list[tuple[int, int]]]:
    """For each input position along one axis, the (output index, kernel offset) pairs reaching it."""
    reaching: list[list[tuple[int, int]]] = [[] for _ in range(size)]
    for i in range(outputs):
        for a in range(kernel):
            position = i * stride + a - padding
            if 0 <= position < size:
                reaching[position].append((i, a))
    return reaching


def _solution(params: Mapping[str, Any]) -> str:
    problem, grad_out, (grad_input, grad_kernel, grad_bias) = _gradients(params)
    shown_input = grad_input if problem.multi_channel else grad_input[0]
    shown_kernel = grad_kernel if problem.multi_channel else grad_kernel[0]
    grads = factor_texts(grad_out.tolist())   # every dY(i,j) as a factor, formatted once
    total = " + ".join([text for row in grads for text in row])
    return "\n".join([
        f"dL/db: the bias adds to every output entry, so sum dL/dY: {total} = {format_number(grad_bias)}", "",
        *_kernel_lines(problem, grads, grad_kernel), "", *_input_lines(problem, grads, grad_input), "",
        "Answer:", "dX:", layout_array(shown_input), "dW:", layout_array(shown_kernel),
        f"db: {format_number(grad_bias)}"])


CONV2D_BACKWARD = Family(
    name="conv2d_backward", title="Conv2d backward (dX, dW, db)", integral=True,
    answer_spec=constant_spec(ANSWER), generate=_generate, solve=_solve, prompt=_prompt,
    solution=_solution)

FAMILIES = (CONV2D_BACKWARD,)
