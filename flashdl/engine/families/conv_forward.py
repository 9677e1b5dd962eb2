"""Forward 2-D convolution by hand: cross-correlation (as DL frameworks) and true convolution."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flashdl.engine.answer_specs import ArrayAnswer
from flashdl.engine.array_ops import absolute, correlate, without_noise
from flashdl.engine.families.conv_problem import ConvProblem, draw_conv_params, read_conv_problem, with_kernel
from flashdl.engine.family import Family, Params, Rng, constant_spec, nested_list
from flashdl.engine.grid import Grid
from flashdl.engine.params import cached_reading
from flashdl.engine.text_format import format_factor, format_number, layout_array, layout_matrix, plural


def _flipped(problem: ConvProblem) -> ConvProblem:
    return with_kernel(problem, problem.kernel.rotated())


def _output(problem: ConvProblem) -> Grid:
    output = correlate(problem.x, problem.kernel, problem.stride, problem.padding, problem.out_shape).plus(problem.bias)
    if output.integral:
        return output
    sizes = correlate(absolute(problem.x), absolute(problem.kernel), problem.stride, problem.padding,
                      problem.out_shape).plus(abs(problem.bias))
    return without_noise(output, sizes)


@cached_reading
def _cross_output(params: Mapping[str, Any]) -> Grid:
    return _output(read_conv_problem(params))


@cached_reading
def _true_output(params: Mapping[str, Any]) -> Grid:
    return _output(_flipped(read_conv_problem(params)))


def _solve_cross(params: Mapping[str, Any]) -> list[Any]:
    return nested_list(_cross_output(params))


def _solve_true(params: Mapping[str, Any]) -> list[Any]:
    return nested_list(_true_output(params))


def describe_problem(problem: ConvProblem) -> str:
    """The input, kernel and settings as a student would see them on paper."""
    x = problem.x if problem.multi_channel else problem.x[0]
    k = problem.kernel if problem.multi_channel else problem.kernel[0]
    settings = f"stride {_pair(problem.stride)}, padding {_pair(problem.padding)}"
    if problem.bias:
        settings += f", bias {format_number(problem.bias)}"
    return (f"Input ({'×'.join(map(str, x.shape))}):\n{layout_array(x)}\n"
            f"Kernel ({'×'.join(map(str, k.shape))}):\n{layout_array(k)}\n{settings}")


def _pair(pair: tuple[int, int]) -> str:
    return str(pair[0]) if pair[0] == pair[1] else f"({pair[0]}, {pair[1]})"


def _prompt(params: Mapping[str, Any], operation: str) -> str:
    problem = read_conv_problem(params)
    sums = " (summing over the channels)" if problem.multi_channel else ""
    return (f"Compute the output of the {operation}{sums}.\n\n{describe_problem(problem)}")


def _prompt_cross(params: Mapping[str, Any]) -> str:
    return _prompt(params, "2-D convolution as deep-learning frameworks compute it (cross-correlation, no kernel flip)")


def _prompt_true(params: Mapping[str, Any]) -> str:
    return _prompt(params, "true (mathematical) 2-D convolution — the kernel is rotated by 180°")


def entry_products(padded: list[Any], kernel: list[Any], top: int, left: int) -> str:
    """`x·w + …` of the output entry whose patch starts at (top, left), channel by channel,
    padding zeros included; both arguments hold factors already formatted as text."""
    return " + ".join([f"{padded[c][top + a][left + b]}·{weight}"
                       for c, channel in enumerate(kernel) for a, row in enumerate(channel)
                       for b, weight in enumerate(row)])


def worked_correlation(problem: ConvProblem, output: Grid) -> list[str]:
    """Padded input, output size, then each output entry as its sum of products."""
    lines: list[str] = []
    if problem.padding != (0, 0):
        rows, cols = problem.padding
        sides = (f"{rows} on each side" if rows == cols else   # "(0, 1) on each side" read as both
                 f"{plural(rows, 'row')} above and below, {plural(cols, 'column')} left and right")
        lines += [f"Zero-padded input ({sides}):",
                  layout_array(problem.padded if problem.multi_channel else problem.padded[0]), ""]
    (height, width), (kh, kw) = problem.x.shape[1:], problem.kernel.shape[1:]
    lines.append(f"Output size: floor(({height} + 2·{problem.padding[0]} − {kh})/{problem.stride[0]}) + 1"
                 f" = {problem.out_shape[0]} rows, floor(({width} + 2·{problem.padding[1]} − {kw})/"
                 f"{problem.stride[1]}) + 1 = {problem.out_shape[1]} columns.")
    lines.append("Each entry is the sum of products of the kernel with the patch under it"
                 + (", over all channels" if problem.multi_channel else "")
                 + (f", plus the bias {format_number(problem.bias)}" if problem.bias else "") + ":")
    values = output.tolist()
    padded, kernel = _factor_text(problem.padded.tolist()), _factor_text(problem.kernel.tolist())
    bias = f" + {format_factor(problem.bias)}" if problem.bias else ""
    for i in range(problem.out_shape[0]):
        for j in range(problem.out_shape[1]):
            products = entry_products(padded, kernel, i * problem.stride[0], j * problem.stride[1])
            lines.append(f"Y({i + 1},{j + 1}) = {products}{bias} = {format_number(values[i][j])}")
    lines += ["", "Answer:", layout_matrix(output)]
    return lines


def _factor_text(nested: list[Any]) -> list[Any]:
    return [[[format_factor(value) for value in row] for row in matrix] for matrix in nested]


def _solution_cross(params: Mapping[str, Any]) -> str:
    problem = read_conv_problem(params)
    return "\n".join(["Cross-correlation: slide the kernel as it is (no flip).",
                      *worked_correlation(problem, _cross_output(params))])


def _solution_true(params: Mapping[str, Any]) -> str:
    problem = read_conv_problem(params)
    flipped = _flipped(problem)
    rotated = flipped.kernel if problem.multi_channel else flipped.kernel[0]
    return "\n".join(["True convolution = cross-correlation with the kernel rotated by 180° "
                      "(rows and columns reversed):", layout_array(rotated), "",
                      *worked_correlation(flipped, _true_output(params))])


_MATRIX = constant_spec(ArrayAnswer(integral=True))


def _generate(rng: Rng) -> Params:
    return draw_conv_params(rng)


CONV2D_FORWARD = Family(
    name="conv2d_forward", title="Conv2d forward (cross-correlation)", integral=True,
    answer_spec=_MATRIX, generate=_generate, solve=_solve_cross, prompt=_prompt_cross,
    solution=_solution_cross)

TRUE_CONV2D_FORWARD = Family(
    name="true_conv2d_forward", title="True convolution forward (kernel rotated 180°)", integral=True,
    answer_spec=_MATRIX, generate=_generate, solve=_solve_true, prompt=_prompt_true,
    solution=_solution_true)

FAMILIES = (CONV2D_FORWARD, TRUE_CONV2D_FORWARD)
