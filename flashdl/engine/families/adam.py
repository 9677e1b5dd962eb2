"""Adam's bias-corrected update of one parameter over one or two steps."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flashdl.engine.answer_specs import NumberAnswer
from flashdl.engine.errors import EngineParamsError
from flashdl.engine.family import Family, Params, Rng, constant_spec, draw_int, pick
from flashdl.engine.params import (
    as_mapping,
    read_number,
    read_number_list,
    reject_unknown,
)
from flashdl.engine.precision import DIGITS_ASKED, rounded_text
from flashdl.engine.text_format import (
    format_difference,
    format_factor,
    format_number,
    format_signed,
    format_small,
)
from flashdl.engine.update_rules import adaptive_denominator, settled

DEFAULTS = {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
MAX_STEPS = 16
_KEYS = ("theta", "grads", "lr", "beta1", "beta2", "eps")


def _read(params: Mapping[str, Any]) -> tuple[float | int, list[float | int], float, float, float, float]:
    params = as_mapping(params)
    reject_unknown(params, _KEYS)
    theta = read_number(params, "theta", minimum=-1e6, maximum=1e6)
    grads = read_number_list(params, "grads", minimum=-1e6, maximum=1e6)
    if len(grads) > MAX_STEPS:
        raise EngineParamsError("grads", f"at most {MAX_STEPS} steps")
    lr = read_number(params, "lr", default=DEFAULTS["lr"], minimum=0, exclusive_min=True, maximum=10)
    beta1 = read_number(params, "beta1", default=DEFAULTS["beta1"], minimum=0, maximum=0.999999)
    beta2 = read_number(params, "beta2", default=DEFAULTS["beta2"], minimum=0, maximum=0.999999)
    eps = read_number(params, "eps", default=DEFAULTS["eps"], minimum=0, maximum=1)
    return theta, grads, float(lr), float(beta1), float(beta2), float(eps)


def _generate(rng: Rng) -> Params:
    steps = 1 if rng.integers(3) else 2
    params: Params = {"theta": draw_int(rng, -2, 2) if rng.integers(2) else pick(rng, (0.5, 1.5, -0.5)),
                      "grads": [pick(rng, (-2, -1, -0.5, 0.5, 1, 2, 3)) for _ in range(steps)],
                      "lr": pick(rng, (0.1, 0.01, 0.001))}
    return params


def _trace(params: Mapping[str, Any]) -> list[tuple[float, float, float, float, float, float]]:
    """(m, v, m̂, v̂, step, θ) after each step t = 1, 2, …"""
    theta, grads, lr, beta1, beta2, eps = _read(params)
    m = v = 0.0
    rows = []
    value = float(theta)
    for t, g in enumerate(grads, start=1):
        m = settled(beta1 * m + (1 - beta1) * g, beta1 * m, (1 - beta1) * g)
        v = beta2 * v + (1 - beta2) * g * g
        m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
        step = lr * m_hat / adaptive_denominator(v_hat, eps)
        value = settled(value - step, value, step)
        rows.append((m, v, m_hat, v_hat, step, value))
    return rows


def _solve(params: Mapping[str, Any]) -> float:
    return _trace(params)[-1][-1]


def _prompt(params: Mapping[str, Any]) -> str:
    theta, grads, lr, beta1, beta2, eps = _read(params)
    steps = "one step" if len(grads) == 1 else f"{len(grads)} steps"
    return (f"Adam (lr = {format_number(lr)}, β1 = {format_number(beta1)}, β2 = {format_number(beta2)}, "
            f"ε = {format_small(eps)}) starts with m = v = 0 at θ = {format_signed(theta)}. After {steps} with "
            f"{_gradients(grads)}, what is θ? (To {DIGITS_ASKED} significant digits.)")


def _gradients(grads: list[float | int]) -> str:
    if len(grads) == 1:
        return f"gradient {format_signed(grads[0])}"
    return f"gradients {', '.join(format_signed(g) for g in grads)} (in that order)"


def _solution(params: Mapping[str, Any]) -> str:
    theta, grads, lr, beta1, beta2, eps = _read(params)
    lines = ["m_t = β1·m + (1 − β1)·g,   v_t = β2·v + (1 − β2)·g²",
             "m̂ = m_t / (1 − β1^t),   v̂ = v_t / (1 − β2^t)   (bias correction: m and v start at 0)",
             "θ ← θ − lr·m̂ / (√v̂ + ε)", ""]
    previous = float(theta)
    for t, (g, (m, v, m_hat, v_hat, step, value)) in enumerate(zip(grads, _trace(params)), start=1):
        minuend, term = format_difference(previous, step, value)
        previous = value
        lines += [f"t = {t}, g = {format_number(g)}:",
                  f"  m = {format_number(m)}, v = {format_number(v)}",
                  f"  m̂ = {format_number(m)} / (1 − {format_number(beta1)}^{t}) = {format_number(m_hat)},"
                  f" v̂ = {format_number(v)} / (1 − {format_number(beta2)}^{t}) = {format_number(v_hat)}",
                  f"  step = {format_number(lr)}·{format_factor(m_hat)} / (√{format_number(v_hat)} + ε)"
                  f" = {format_number(step)},  θ = {minuend} − {term} = {format_number(value)}"]
    # true when ε is negligible beside |g| (not for g = 0, or ε = 0.5 with g = 0.5)
    if len(grads) == 1 and rounded_text(abs(_trace(params)[0][4])) == rounded_text(lr):
        lines.append("(On the first step m̂ = g and v̂ = g², so the step is lr·sign(g): Adam's first "
                     "move has size lr whatever the gradient's scale.)")
    return "\n".join(lines) + f"\n\nAnswer: {format_number(_solve(params))}"


ADAM_STEP = Family(
    name="adam_step", title="Adam update (bias-corrected)", integral=False,
    answer_spec=constant_spec(NumberAnswer(integral=False)), generate=_generate, solve=_solve,
    prompt=_prompt, solution=_solution)

FAMILIES = (ADAM_STEP,)
