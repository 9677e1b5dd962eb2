"""Trainable-parameter counts of Conv2d, Linear and BatchNorm2d layers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flashdl.engine.answer_specs import NumberAnswer
from flashdl.engine.errors import EngineParamsError
from flashdl.engine.family import Family, Params, Rng, constant_spec, pick
from flashdl.engine.params import (
    as_mapping,
    read_bool,
    read_int,
    read_pair,
    reject_unknown,
)
from flashdl.engine.text_format import plural

_COUNT = constant_spec(NumberAnswer(integral=True))
_MAX_UNITS = 1_000_000


# --- conv2d_param_count --------------------------------------------------------------------

def _conv_read(params: Mapping[str, Any]) -> tuple[int, int, tuple[int, int], bool, int]:
    params = as_mapping(params)
    reject_unknown(params, ("in_channels", "out_channels", "kernel", "bias", "groups"))
    in_channels = read_int(params, "in_channels", minimum=1, maximum=_MAX_UNITS)
    out_channels = read_int(params, "out_channels", minimum=1, maximum=_MAX_UNITS)
    kernel = read_pair(params, "kernel", minimum=1, maximum=1000)
    bias = read_bool(params, "bias", default=True)
    groups = read_int(params, "groups", default=1, minimum=1, maximum=_MAX_UNITS)
    if in_channels % groups or out_channels % groups:
        raise EngineParamsError("groups", f"must divide in_channels ({in_channels}) and "
                                          f"out_channels ({out_channels}), got {groups}")
    return in_channels, out_channels, kernel, bias, groups


def _conv_generate(rng: Rng) -> Params:
    params: Params = {"in_channels": pick(rng, (1, 3, 3, 16, 32, 64)),
                      "out_channels": pick(rng, (6, 8, 10, 16, 32, 64, 128)),
                      "kernel": pick(rng, (1, 3, 3, 5, 5, 7))}
    if rng.integers(5) == 0:
        params["bias"] = False
    if params["in_channels"] % 2 == 0 and params["out_channels"] % 2 == 0 and rng.integers(8) == 0:
        params["groups"] = 2
    return params


def _conv_solve(params: Mapping[str, Any]) -> int:
    in_channels, out_channels, (kh, kw), bias, groups = _conv_read(params)
    return (in_channels // groups * kh * kw + int(bias)) * out_channels


def _conv_prompt(params: Mapping[str, Any]) -> str:
    in_channels, out_channels, (kh, kw), bias, groups = _conv_read(params)
    extras = f" (groups={groups})" if groups > 1 else ""
    biases = "Each filter has a bias (bias=True)" if bias else "The filters have no bias (bias=False)"
    return (f"A Conv2d layer maps {plural(in_channels, 'input channel')} to {plural(out_channels, 'output channel')} "
            f"(filters) with {kh} × {kw} kernels{extras}. {biases}. How many trainable parameters does it have?")


def _conv_solution(params: Mapping[str, Any]) -> str:
    in_channels, out_channels, (kh, kw), bias, groups = _conv_read(params)
    per_filter = in_channels // groups * kh * kw
    channels = f"{in_channels}" if groups == 1 else f"({in_channels}/{groups})"
    lines = [f"Each filter spans {channels} input channels × {kh} × {kw} = {per_filter} weights"
             + (" plus 1 bias." if bias else " (no bias)."),
             f"params = ({channels}·{kh}·{kw}{' + 1' if bias else ''})·{out_channels}"
             f" = {per_filter + int(bias)}·{out_channels} = {_conv_solve(params)}"]
    return "\n".join(lines) + f"\n\nAnswer: {_conv_solve(params)}"


CONV2D_PARAM_COUNT = Family(
    name="conv2d_param_count", title="Conv2d parameter count", integral=True, answer_spec=_COUNT,
    generate=_conv_generate, solve=_conv_solve, prompt=_conv_prompt, solution=_conv_solution)


# --- linear_param_count --------------------------------------------------------------------

def _linear_read(params: Mapping[str, Any]) -> tuple[int, int, bool]:
    params = as_mapping(params)
    reject_unknown(params, ("in_features", "out_features", "bias"))
    return (read_int(params, "in_features", minimum=1, maximum=10**8),
            read_int(params, "out_features", minimum=1, maximum=10**8),
            read_bool(params, "bias", default=True))


def _linear_generate(rng: Rng) -> Params:
    params: Params = {"in_features": pick(rng, (10, 64, 100, 128, 256, 784, 1024, 4096)),
                      "out_features": pick(rng, (2, 10, 32, 64, 100, 128, 1000))}
    if rng.integers(5) == 0:
        params["bias"] = False
    return params


def _linear_solve(params: Mapping[str, Any]) -> int:
    n_in, n_out, bias = _linear_read(params)
    return n_in * n_out + (n_out if bias else 0)


def _linear_prompt(params: Mapping[str, Any]) -> str:
    n_in, n_out, bias = _linear_read(params)
    biases = "with a bias per output (bias=True)" if bias else "without biases (bias=False)"
    return (f"A fully connected (Linear) layer maps {plural(n_in, 'input')} to {plural(n_out, 'output')}, "
            f"{biases}. How many trainable parameters does it have?")


def _linear_solution(params: Mapping[str, Any]) -> str:
    n_in, n_out, bias = _linear_read(params)
    answer = _linear_solve(params)
    if bias:
        text = (f"weights in·out plus one bias per output:\n"
                f"{n_in}·{n_out} + {n_out} = {n_in * n_out} + {n_out} = {answer}")
    else:
        text = f"weights only, in·out:\n{n_in}·{n_out} = {answer}"
    return f"{text}\n\nAnswer: {answer}"


LINEAR_PARAM_COUNT = Family(
    name="linear_param_count", title="Linear layer parameter count", integral=True,
    answer_spec=_COUNT, generate=_linear_generate, solve=_linear_solve, prompt=_linear_prompt,
    solution=_linear_solution)


# --- batchnorm2d_param_count -----------------------------------------------------------------

def _batchnorm_read(params: Mapping[str, Any]) -> tuple[int, bool]:
    params = as_mapping(params)
    reject_unknown(params, ("num_features", "affine"))
    return (read_int(params, "num_features", minimum=1, maximum=10**8),
            read_bool(params, "affine", default=True))


def _batchnorm_generate(rng: Rng) -> Params:
    params: Params = {"num_features": pick(rng, (3, 16, 32, 64, 128, 256, 512))}
    if rng.integers(5) == 0:
        params["affine"] = False
    return params


def _batchnorm_solve(params: Mapping[str, Any]) -> int:
    features, affine = _batchnorm_read(params)
    return 2 * features if affine else 0


def _batchnorm_prompt(params: Mapping[str, Any]) -> str:
    features, affine = _batchnorm_read(params)
    settings = "affine=True, the default" if affine else "affine=False"
    return f"How many trainable parameters does BatchNorm2d({features}) have ({settings})?"


def _batchnorm_solution(params: Mapping[str, Any]) -> str:
    features, affine = _batchnorm_read(params)
    if affine:
        text = (f"One scale γ and one shift β per channel: 2·{features} = {2 * features}.\n"
                f"(The running mean and variance are buffers, not trained.)")
    else:
        text = "affine=False: no γ or β; the running mean and variance are buffers, not trained."
    return f"{text}\n\nAnswer: {_batchnorm_solve(params)}"


BATCHNORM2D_PARAM_COUNT = Family(
    name="batchnorm2d_param_count", title="BatchNorm2d parameter count", integral=True,
    answer_spec=_COUNT, generate=_batchnorm_generate, solve=_batchnorm_solve,
    prompt=_batchnorm_prompt, solution=_batchnorm_solution)

FAMILIES = (CONV2D_PARAM_COUNT, LINEAR_PARAM_COUNT, BATCHNORM2D_PARAM_COUNT)
