"""One parameter through a few steps of SGD with momentum, RMSProp or Adagrad, as `torch.optim` does.

torch.optim.SGD (dampening 0, no Nesterov): b ← g on the first step, then b ← μ·b + g; θ ← θ − lr·b.
torch.optim.RMSprop (not centred, no momentum): v ← α·v + (1 − α)·g²; θ ← θ − lr·g / (√v + ε).
torch.optim.Adagrad (no lr decay, accumulator starts at 0): G ← G + g²; θ ← θ − lr·g / (√G + ε).
ε is added outside the square root in both, as torch does. Without `lr`, each optimiser's torch
default applies (SGD 0.001, RMSprop 0.01, Adagrad 0.01).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from flashdl.engine.answer_specs import NumberAnswer
from flashdl.engine.errors import EngineParamsError
from flashdl.engine.family import Family, Params, Rng, constant_spec, draw_indices
from flashdl.engine.params import (
    as_mapping,
    read_choice,
    read_number,
    read_number_list,
    reject_unknown,
)
from flashdl.engine.precision import DIGITS_ASKED, rounded_text
from flashdl.engine.text_format import (
    consistent_digits,
    format_difference,
    format_number,
    format_signed,
    format_small,
    minus_sign,
    redoes_to,
    signed_term,
)
from flashdl.engine.update_rules import adaptive_denominator, settled

OPTIMIZERS = ("sgd_momentum", "rmsprop", "adagrad")
DEFAULT_LR = {"sgd_momentum": 0.001, "rmsprop": 0.01, "adagrad": 0.01}
DEFAULT_EPS = {"rmsprop": 1e-8, "adagrad": 1e-10}
MAX_STEPS = 16
MIN_ANSWER = 0.01   # generated θ stays clear of 0 at every step (see `_generate`)
_OWN_KEYS = {"sgd_momentum": ("momentum",), "rmsprop": ("alpha", "eps"), "adagrad": ("eps",)}
_KEYS = ("optimizer", "theta", "grads", "lr", "momentum", "alpha", "eps")
_NAMES = {"sgd_momentum": "SGD with momentum", "rmsprop": "RMSProp", "adagrad": "Adagrad"}


def _read(params: Mapping[str, Any]) -> tuple[str, float | int, list[float | int], float, float]:
    """(optimizer, θ, gradients, lr, its own constant: momentum, alpha or 0 for Adagrad)."""
    params = as_mapping(params)
    reject_unknown(params, _KEYS)
    optimizer = read_choice(params, "optimizer", OPTIMIZERS)
    for key in ("momentum", "alpha", "eps"):
        if params.get(key) is not None and key not in _OWN_KEYS[optimizer]:
            raise EngineParamsError(key, f"does not apply to {optimizer}")
    theta = read_number(params, "theta", minimum=-1e6, maximum=1e6)
    grads = read_number_list(params, "grads", minimum=-1e6, maximum=1e6)
    if len(grads) > MAX_STEPS:
        raise EngineParamsError("grads", f"at most {MAX_STEPS} steps")
    lr = float(read_number(params, "lr", default=DEFAULT_LR[optimizer], minimum=0, exclusive_min=True, maximum=10))
    if optimizer == "sgd_momentum":
        constant = float(read_number(params, "momentum", default=0.9, minimum=0, maximum=1))
    elif optimizer == "rmsprop":
        # below 1: at alpha = 1 the average of g² never leaves 0 and θ moves by lr·g/eps
        constant = float(read_number(params, "alpha", default=0.99, minimum=0, maximum=0.999999))
    else:
        constant = 0.0
    return optimizer, theta, grads, lr, constant


def _eps(params: Mapping[str, Any], optimizer: str) -> float:
    if optimizer == "sgd_momentum":
        return 0.0
    return float(read_number(params, "eps", default=DEFAULT_EPS[optimizer], minimum=0, maximum=1))


_THETAS = (-1, 0, 0.5, 1, 1, 2)
_GRADS = (-2, -1, -0.5, 0.5, 1, 2, 3)
_LRS = {"sgd_momentum": (0.1, 0.1, 0.01, 0.5), "rmsprop": (0.01, 0.1, 0.001, 0.01), "adagrad": (0.1, 0.5, 0.01, 1)}



def _generate(rng: Rng) -> Params:
    """Only keys every optimiser takes (momentum and α stay at their defaults), so a card that
    pins its optimiser (`topic_params`) can use any draw. Redrawn when θ ends near 0, where
    significant digits would measure ε and rounding noise rather than the update."""
    while True:
        optimizer, theta, steps, lr, g1, g2, g3 = draw_indices(rng, (3, 6, 3, 4, 7, 7, 7))
        name = OPTIMIZERS[optimizer]
        params: Params = {"optimizer": name, "theta": _THETAS[theta],
                          "grads": [_GRADS[g] for g in (g1, g2, g3)[: steps + 1]], "lr": _LRS[name][lr]}
        if all(abs(theta) >= MIN_ANSWER for _, _, theta in _trace(params)):
            return params


def _trace(params: Mapping[str, Any]) -> list[tuple[float, float, float]]:
    """(state after the step — momentum buffer, average or sum of g² —, step size, θ) per step."""
    optimizer, theta, grads, lr, constant = _read(params)
    eps = _eps(params, optimizer)
    value, state = float(theta), 0.0
    rows = []
    for t, g in enumerate(grads, start=1):
        if optimizer == "sgd_momentum":
            state = g if t == 1 else settled(constant * state + g, constant * state, g)
            step = lr * state
        else:
            state = (constant * state + (1 - constant) * g * g if optimizer == "rmsprop"
                     else state + g * g)
            step = lr * g / adaptive_denominator(state, eps)
        value = settled(value - step, value, step)
        rows.append((state, step, value))
    return rows


def _solve(params: Mapping[str, Any]) -> float:
    return _trace(params)[-1][-1]


def _settings(params: Mapping[str, Any]) -> str:
    optimizer, _, _, lr, constant = _read(params)
    f = format_signed
    if optimizer == "sgd_momentum":
        return f"lr = {f(lr)}, momentum μ = {f(constant)}, no dampening, no Nesterov"
    eps = f"ε = {format_small(_eps(params, optimizer))}"
    if optimizer == "rmsprop":
        return f"lr = {f(lr)}, α = {f(constant)}, {eps}, not centred, no momentum"
    return f"lr = {f(lr)}, {eps}, no lr decay"


def _prompt(params: Mapping[str, Any]) -> str:
    optimizer, theta, grads, _, _ = _read(params)
    state = {"sgd_momentum": "the momentum buffer starts empty",
             "rmsprop": "the running average of g² starts at 0",
             "adagrad": "the sum of squared gradients starts at 0"}[optimizer]
    steps = "one step" if len(grads) == 1 else f"{len(grads)} steps"
    gradients = "gradient " + format_signed(grads[0]) if len(grads) == 1 else (
        "gradients " + ", ".join(format_signed(g) for g in grads) + " (in that order)")
    return (f"{_NAMES[optimizer]}, as torch.optim computes it ({_settings(params)}), updates a single "
            f"parameter θ = {format_signed(theta)}; {state}. After {steps} with {gradients}, what is θ? "
            f"(To {DIGITS_ASKED} significant digits.)")


def _rules(optimizer: str) -> list[str]:
    if optimizer == "sgd_momentum":
        return ["b = g on the first step, then b = μ·b + g;   θ ← θ − lr·b"]
    if optimizer == "rmsprop":
        return ["v = α·v + (1 − α)·g²;   θ ← θ − lr·g / (√v + ε)"]
    return ["G = G + g²;   θ ← θ − lr·g / (√G + ε)"]


def _state_digits(params: Mapping[str, Any], trace: list[tuple[float, float, float]]) -> int:
    """Significant digits for the running state and θ at which every `b = …`, `v = …`, `G = …`
    and SGD `θ = …` line, redone from the numbers it shows, gives the next one's to the 4 digits
    asked (b = 0.5·(−17.499) + 2.89 is −5.8595, for the −5.85949 shown at 6 digits)."""
    optimizer, theta, grads, lr, constant = _read(params)
    factor, rest, rate = (Decimal(format_number(x)) for x in (constant, 1 - constant, lr))

    def redo(digits: int) -> bool:
        state_before, theta_before = Decimal(0), Decimal(repr(float(theta)))
        for number, (g, (state, _, value)) in enumerate(zip(grads, trace), start=1):
            grad = Decimal(repr(float(g)))
            shown_state = Decimal(format_number(state, digits))
            worked = {"sgd_momentum": factor * state_before + grad if number > 1 else grad,
                      "rmsprop": factor * state_before + rest * grad * grad}.get(optimizer, state_before + grad * grad)
            if state and not redoes_to(worked, state):
                return False
            if optimizer == "sgd_momentum" and value and not redoes_to(theta_before - rate * shown_state, value):
                return False
            state_before, theta_before = shown_state, Decimal(format_number(value, digits))
        return True
    return consistent_digits(redo)


def _solution(params: Mapping[str, Any]) -> str:
    optimizer, theta, grads, lr, constant = _read(params)
    f, t = format_signed, signed_term
    trace = _trace(params)
    digits = _state_digits(params, trace)

    def shown(value: float) -> str:   # the state and θ, at the digits their lines redo at
        return minus_sign(format_number(value, digits))

    def term(value: float) -> str:
        text = shown(value)
        return f"({text})" if text.startswith("−") else text

    lines = [*_rules(optimizer), ""]
    previous_state, previous_theta = 0.0, float(theta)
    for step_number, (g, (state, step, value)) in enumerate(zip(grads, trace), start=1):
        lines.append(f"step {step_number}, g = {f(g)}:")
        if optimizer == "sgd_momentum":
            lines.append(f"  b = {f(g)}" if step_number == 1 else
                         f"  b = {f(constant)}·{term(previous_state)} + {t(g)} = {shown(state)}")
            lines.append(f"  θ = {shown(previous_theta)} − {f(lr)}·{term(state)} = {f(value)}")
        else:
            if optimizer == "rmsprop":
                lines.append(f"  v = {f(constant)}·{term(previous_state)} + {f(1 - constant)}·{t(g)}² = {shown(state)}")
            else:
                lines.append(f"  G = {shown(previous_state)} + {t(g)}² = {shown(state)}")
            minuend, difference_term = format_difference(previous_theta, step, value)
            lines.append(f"  θ = {minus_sign(minuend)} − {f(lr)}·{t(g)} / (√{shown(state)} + ε)"
                         f" = {minus_sign(minuend)} − {minus_sign(difference_term)} = {f(value)}")
        previous_state, previous_theta = state, value
    # each note only where ε is negligible beside |g| (not for g = 0: then θ does not move)
    first_step = abs(trace[0][1])
    if (optimizer == "rmsprop" and len(grads) == 1
            and rounded_text(first_step) == rounded_text(lr / math.sqrt(1 - constant))):
        lines.append(f"(On the first step √v = √(1 − α)·|g|, so the step is about lr/√(1 − α) = "
                     f"{f(lr / math.sqrt(1 - constant)) if constant < 1 else '∞'} in the direction of −g, "
                     f"whatever the gradient's scale.)")
    if optimizer == "adagrad" and len(grads) == 1 and rounded_text(first_step) == rounded_text(lr):
        lines.append("(On the first step √G = |g|, so θ moves by lr against the sign of g, whatever the "
                     "gradient's scale.)")
    return "\n".join(lines) + f"\n\nAnswer: {f(trace[-1][-1])}"


OPTIMIZER_STEP = Family(
    name="optimizer_step", title="SGD momentum / RMSProp / Adagrad update", integral=False,
    answer_spec=constant_spec(NumberAnswer(integral=False)), generate=_generate, solve=_solve,
    prompt=_prompt, solution=_solution, topic_params=("optimizer",))

FAMILIES = (OPTIMIZER_STEP,)
