"""Transposed convolution by hand: every input value stamps a scaled copy of the kernel."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flashdl.engine.answer_specs import ArrayAnswer
from flashdl.engine.array_ops import absolute, transpose_convolve, without_noise
from flashdl.engine.errors import EngineParamsError
from flashdl.engine.family import Family, Params, Rng, constant_spec, draw_indices, draw_matrix, nest, nested_list
from flashdl.engine.grid import Grid
from flashdl.engine.params import Pair, as_mapping, cached_reading, read_array, read_pair, reject_unknown
from flashdl.engine.size_formulas import conv_transpose_output_length
from flashdl.engine.text_format import (
    factor_texts,
    format_number,
    join_products,
    layout_array,
    layout_matrix,
    plural,
)

ENTRY_RANGE = (-2, 3)
MAX_FULL_SIDE = 6   # keeps the stamped output small enough to add up by hand
_KEYS = ("input", "kernel", "stride", "padding", "output_padding")


@cached_reading
def _read(params: Mapping[str, Any]) -> tuple[Grid, Grid, Pair, Pair, Pair, Pair, bool]:
    params = as_mapping(params)
    reject_unknown(params, _KEYS)
    x = read_array(params, "input", ranks=(2, 3))
    kernel = read_array(params, "kernel", ranks=(x.ndim,))
    multi = x.ndim == 3
    if not multi:
        x, kernel = x.lifted(), kernel.lifted()
    if kernel.shape[0] != x.shape[0]:
        raise EngineParamsError("kernel", f"has {kernel.shape[0]} channels but the input has {x.shape[0]}")
    stride = read_pair(params, "stride", default=1, minimum=1, maximum=16)
    padding = read_pair(params, "padding", default=0, minimum=0, maximum=64)
    output_padding = read_pair(params, "output_padding", default=0, minimum=0, maximum=16)
    out = []
    for axis in range(2):
        if output_padding[axis] >= stride[axis]:
            raise EngineParamsError("output_padding", "must be smaller than the stride (PyTorch's rule)")
        length = conv_transpose_output_length(x.shape[1 + axis], kernel.shape[1 + axis], stride[axis],
                                              padding[axis], output_padding[axis])
        if length < 1:
            raise EngineParamsError("padding", f"too large: the output would have size {length}")
        out.append(length)
    return x, kernel, stride, padding, output_padding, (out[0], out[1]), multi


def _generate(rng: Rng) -> Params:
    """A 2×2 or 3×3 input (sometimes 2 channels), 2×2/3×3 kernel, stride 1–2, small padding;
    redrawn until the stamped output is at most MAX_FULL_SIDE on a side (hand-sized)."""
    while True:
        one_channel, side, same_width, width, big_kernel, stride, padded, extra = draw_indices(
            rng, (6, 2, 3, 2, 3, 2, 4, 4))
        side, width = side + 2, (side if same_width == 0 else width) + 2
        k, stride = (3 if big_kernel == 0 else 2), stride + 1
        if max((side - 1) * stride + k, (width - 1) * stride + k) > MAX_FULL_SIDE:
            continue
        channels = 1 if one_channel else 2
        entries = draw_matrix(rng, (channels * (side * width + k * k),), *ENTRY_RANGE)
        split = channels * side * width
        params: Params = {"input": nest(entries[:split], channels, side, width),
                          "kernel": nest(entries[split:], channels, k, k), "stride": stride}
        if padded == 0:
            params["padding"] = 1
        if stride == 2 and extra == 0:
            params["output_padding"] = 1
        return params


@cached_reading
def _transposed(params: Mapping[str, Any]) -> Grid:
    x, kernel, stride, padding, _, out_shape, _ = _read(params)
    return _stamped(x, kernel, stride, padding, out_shape)


def _stamped(x: Grid, kernel: Grid, stride: Pair, padding: Pair, out_shape: Pair) -> Grid:
    """The transposed convolution, 0 where float noise is all that is left of a sum."""
    output = transpose_convolve(x, kernel, stride, padding, out_shape)
    if output.integral:
        return output
    return without_noise(output, transpose_convolve(absolute(x), absolute(kernel), stride, padding, out_shape))


def _solve(params: Mapping[str, Any]) -> list[Any]:
    return nested_list(_transposed(params))


def _pair(pair: Pair) -> str:
    return str(pair[0]) if pair[0] == pair[1] else f"({pair[0]}, {pair[1]})"


def _prompt(params: Mapping[str, Any]) -> str:
    x, kernel, stride, padding, output_padding, _, multi = _read(params)
    settings = f"stride {_pair(stride)}, padding {_pair(padding)}"
    if output_padding != (0, 0):
        settings += f", output_padding {_pair(output_padding)}"
    shown_x, shown_k = (x, kernel) if multi else (x[0], kernel[0])
    sums = " (one output channel: sum over the input channels)" if multi else ""
    return (f"Compute the transposed convolution (\"deconvolution\", as ConvTranspose2d){sums}, {settings}.\n\n"
            f"Input:\n{layout_array(shown_x)}\nKernel:\n{layout_array(shown_k)}")


def _solution(params: Mapping[str, Any]) -> str:
    x, kernel, stride, padding, output_padding, out_shape, multi = _read(params)
    channels, height, width = x.shape
    _, kh, kw = kernel.shape
    full_h, full_w = (height - 1) * stride[0] + kh, (width - 1) * stride[1] + kw
    lines = ["Each input value x(i,j) stamps x(i,j)·K onto the output at rows i·s…, columns j·s…; "
             "overlapping stamps add up.",
             f"Full stamped size: ({height} − 1)·{stride[0]} + {kh} = {full_h} rows, "
             f"({width} − 1)·{stride[1]} + {kw} = {full_w} columns.", ""]
    full = _stamped(x, kernel, stride, (0, 0), (full_h, full_w))
    xs, ks, totals = factor_texts(x.tolist()), factor_texts(kernel.tolist()), full.tolist()
    contributions: dict[tuple[int, int], list[tuple[Any, Any]]] = {}
    for ch in range(channels):             # scatter: x(i,j) stamps x(i,j)·K at (i·s, j·s)
        for i in range(height):
            for j in range(width):
                for a in range(kh):
                    for b in range(kw):
                        contributions.setdefault((i * stride[0] + a, j * stride[1] + b), []).append(
                            (xs[ch][i][j], ks[ch][a][b]))
    for r in range(full_h):  # a stride wider than the kernel leaves cells no stamp reaches: 0
        for c in range(full_w):
            lines.append(f"full({r + 1},{c + 1}) = {join_products(contributions.get((r, c), []))} = "
                         f"{format_number(totals[r][c])}")
    lines += ["", "Full stamped output:", layout_matrix(full)]
    if padding != (0, 0) or output_padding != (0, 0):
        lines += ["", _cropping(full_h, full_w, padding, output_padding, out_shape),
                  f"Output size: ({height} − 1)·{stride[0]} − 2·{padding[0]} + {kh} + {output_padding[0]}"
                  f" = {out_shape[0]} rows, ({width} − 1)·{stride[1]} − 2·{padding[1]} + {kw} + "
                  f"{output_padding[1]} = {out_shape[1]} columns."]
    return "\n".join([*lines, "", "Answer:", layout_matrix(_transposed(params))])


def _cropping(full_h: int, full_w: int, padding: Pair, output_padding: Pair, out_shape: Pair) -> str:
    """Which rows and columns of the stamped output are the answer. Said as the rows kept, not
    as "padding removes, output_padding adds": output_padding does not append zeros, it gives
    back cells padding would have cropped at the bottom/right (they are zero only past the
    stamped output's edge)."""
    top, left = padding
    past = ("; a row or column past the stamped output is 0"
            if top + out_shape[0] > full_h or left + out_shape[1] > full_w else "")
    keep = (f"Keep rows {top + 1}–{top + out_shape[0]} and columns {left + 1}–{left + out_shape[1]} "
            "of the stamped output: ")
    if top != left or output_padding[0] != output_padding[1]:
        # rows and columns named apart: "padding (1, 0) crops that many from the top and the left"
        # read as 1 from each (a student could not tell which number went where)
        bottom, right = (max(full_h - top - out_shape[0], 0), max(full_w - left - out_shape[1], 0))
        return (keep + f"padding {_pair(padding)} crops {plural(top, 'row')} from the top and "
                f"{plural(left, 'column')} from the left, and (output_padding {_pair(output_padding)} "
                f"giving back that many) {plural(bottom, 'row')} from the bottom and "
                f"{plural(right, 'column')} from the right{past}.")
    return (keep + f"padding {_pair(padding)} crops that many from the top and the left, and "
            + (f"output_padding {_pair(output_padding)} fewer from the bottom and the right{past}."
               if output_padding != (0, 0) else "as many from the bottom and the right."))


CONV_TRANSPOSE2D_FORWARD = Family(
    name="conv_transpose2d_forward", title="Transposed convolution forward", integral=True,
    answer_spec=constant_spec(ArrayAnswer(integral=True)), generate=_generate, solve=_solve,
    prompt=_prompt, solution=_solution)

FAMILIES = (CONV_TRANSPOSE2D_FORWARD,)
