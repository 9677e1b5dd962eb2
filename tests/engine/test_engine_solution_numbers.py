"""The numbers a worked solution prints, re-derived apart from the engine (exact fractions, torch).

A student follows a worked solution line by line: an intermediate value that does not follow
from the line before it, or an answer that is float noise where the arithmetic gives 0, is as
wrong as a wrong card.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from flashdl.engine.registry import get_family

# decimals such as 0.3 or 0.1, whose float sums leave noise (0.3 − 0.1 − 0.1 − 0.1 = −2.8e-17)
_DECIMALS = st.integers(-30, 30).map(lambda n: n / 10)


def _exact_sgd(theta: float, grads: list[float], lr: float, momentum: float) -> Fraction:
    """torch.optim.SGD's rule (no dampening, no Nesterov) in exact decimal arithmetic."""
    value, buffer = Fraction(repr(theta)), Fraction(0)
    for step, g in enumerate(grads):
        buffer = Fraction(repr(g)) if step == 0 else Fraction(repr(momentum)) * buffer + Fraction(repr(g))
        value -= Fraction(repr(lr)) * buffer
    return value


@settings(max_examples=200, deadline=None)
@given(grads=st.lists(_DECIMALS, min_size=1, max_size=4), lr=st.sampled_from([0.1, 0.2, 0.3, 0.5]),
       momentum=st.sampled_from([0, 0.1, 0.5, 0.9]))
def test_sgd_that_walks_theta_exactly_to_zero_answers_zero(grads: list[float], lr: float,
                                                           momentum: float) -> None:
    """θ is chosen as the exact sum of the steps, so exact arithmetic ends at 0."""
    theta_exact = -_exact_sgd(0.0, grads, lr, momentum)
    theta = float(theta_exact)
    if Fraction(repr(theta)) != theta_exact:   # not a short decimal: the params could not state it
        return
    params = {"optimizer": "sgd_momentum", "theta": theta, "grads": grads, "lr": lr, "momentum": momentum}
    family = get_family("optimizer_step")
    assert _exact_sgd(theta, grads, lr, momentum) == 0
    assert family.solve(params) == 0
    assert family.check(params, "0").correct
    assert family.solution(params).endswith("Answer: 0")


@settings(max_examples=200, deadline=None)
@given(theta=_DECIMALS, grads=st.lists(_DECIMALS, min_size=1, max_size=4),
       lr=st.sampled_from([0.1, 0.2, 0.3, 0.5]), momentum=st.sampled_from([0, 0.1, 0.5, 0.9]))
def test_sgd_answer_follows_exact_arithmetic(theta: float, grads: list[float], lr: float,
                                             momentum: float) -> None:
    params = {"optimizer": "sgd_momentum", "theta": theta, "grads": grads, "lr": lr, "momentum": momentum}
    exact = _exact_sgd(theta, grads, lr, momentum)
    answer = get_family("optimizer_step").solve(params)
    assert abs(Fraction(answer) - exact) <= abs(exact) * Fraction(1, 10**9)


def test_the_hand_worked_zero_of_each_optimiser() -> None:
    """θ = 0.3 and three steps of exactly 0.1 each end at 0: SGD with μ = 0, RMSprop with α = 0
    and ε = 0 (each step is lr·g/|g|), Adam with ε = 0 (m̂ = 1, v̂ = 1 for a constant gradient)."""
    cases = [("optimizer_step", {"optimizer": "sgd_momentum", "theta": 0.3, "grads": [1, 1, 1], "lr": 0.1,
                                 "momentum": 0}),
             ("optimizer_step", {"optimizer": "rmsprop", "theta": 0.3, "grads": [1, 1, 1], "lr": 0.1,
                                 "alpha": 0, "eps": 0}),
             ("adam_step", {"theta": 0.3, "grads": [1, 1, 1], "lr": 0.1, "eps": 0})]
    for name, params in cases:
        family = get_family(name)
        assert family.solve(params) == 0, name
        assert family.check(params, "0").correct, name
        assert family.solution(params).endswith("Answer: 0"), name


def test_max_pooling_prompt_states_the_padding_value_its_answer_depends_on() -> None:
    """With negative inputs, torch's −∞ padding and zero padding give different answers, so the
    prompt must say which; the answer is torch's."""
    import torch

    params = {"input": [[-1, -2, -3], [-4, -5, -6], [-7, -8, -9]], "kernel": 2, "stride": 1, "padding": 1}
    x = torch.tensor(params["input"], dtype=torch.float64)[None, None]
    expected = torch.nn.functional.max_pool2d(x, 2, stride=1, padding=1)[0, 0].tolist()
    zero_padded = torch.nn.functional.max_pool2d(torch.nn.functional.pad(x, (1, 1, 1, 1)), 2, stride=1)
    assert zero_padded[0, 0].tolist() != expected   # the convention matters here
    family = get_family("maxpool2d_forward")
    assert family.solve(params) == expected
    assert "padding counts as −∞" in family.prompt(params)
    assert "−∞" not in family.prompt({**params, "padding": 0})
