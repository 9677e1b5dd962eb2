"""The numbers a worked solution prints, re-derived apart from the engine (exact fractions and
decimals, slow loops; torch only where its own behaviour is the subject).

A student follows a worked solution line by line: an intermediate value that does not follow
from the line before it, or an answer that is float noise where the arithmetic gives 0, is as
wrong as a wrong card.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from engine_reference import conv_transpose_loops, correlate_loops, maxpool_loops, pad
from hypothesis import example, given, settings
from hypothesis import strategies as st

from flashdl.engine.registry import generate_variant, get_family


def _exact_softmax(logits: list[float]) -> list[float]:
    """softmax in 60-digit decimals (torch.softmax's values to float precision)."""
    with localcontext() as context:
        context.prec = 60
        top = max(Decimal(repr(float(z))) for z in logits)
        powers = [(Decimal(repr(float(z))) - top).exp() for z in logits]
        total = sum(powers)
        return [float(power / total) for power in powers]


def _exact_bce(probs: list[float], targets: list[float]) -> float:
    """Mean binary cross-entropy in 60-digit decimals (torch's, away from its −100 log clamp)."""
    with localcontext() as context:
        context.prec = 60
        terms = [-(Decimal(repr(float(p))).ln() if y else (1 - Decimal(repr(float(p)))).ln())
                 for p, y in zip(probs, targets)]
        return float(sum(terms) / len(terms))


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
    prompt must say which; the answer is torch's (a slow loop skipping the padding, as torch's
    −∞ padding does)."""
    params = {"input": [[-1, -2, -3], [-4, -5, -6], [-7, -8, -9]], "kernel": 2, "stride": 1, "padding": 1}
    expected, _ = maxpool_loops(params["input"], (2, 2), (1, 1), (1, 1), (4, 4))
    zero_padded, _ = maxpool_loops(pad(params["input"], 1, 1), (2, 2), (1, 1), (0, 0), (4, 4))
    assert zero_padded != expected   # the convention matters here
    family = get_family("maxpool2d_forward")
    assert family.solve(params) == expected
    assert "padding counts as −∞" in family.prompt(params)
    assert "−∞" not in family.prompt({**params, "padding": 0})


_LOSS_OF_P = re.compile(r"^loss = −ln\(([^)]*)\) = (\S+)$", re.M)
_LOSS_OF_LOGS = re.compile(r"^loss = ln Σ e\^z − z_true = (\S+) − (\S+) = (\S+)$", re.M)
_LOSS_NEAR_ZERO = re.compile(r"^loss = ln\(1 \+ .*\) = ln\(1 \+ (\S+)\) = (\S+)$", re.M)


def _number(text: str) -> float:
    return float(text.replace("−", "-").strip("()"))


@settings(max_examples=200, deadline=None)
@given(logits=st.lists(st.integers(-1000, 1000), min_size=2, max_size=4), data=st.data())
def test_cross_entropy_loss_lines_follow_from_their_numbers(logits: list[int], data: st.DataObject) -> None:
    """Each printed `loss = …` line is true of the numbers it shows (−ln(0) is not 799), and the
    loss is the exact one."""
    target = data.draw(st.integers(0, len(logits) - 1))
    params = {"logits": logits, "target": target}
    solution = get_family("cross_entropy").solution(params)
    expected = _exact_cross_entropy(logits, target)
    assert "ln(0)" not in solution
    shown = [(-math.log(_number(p)), _number(loss)) for p, loss in _LOSS_OF_P.findall(solution)]
    shown += [(_number(a) - _number(b), _number(loss)) for a, b, loss in _LOSS_OF_LOGS.findall(solution)]
    shown += [(math.log1p(_number(r)), _number(loss)) for r, loss in _LOSS_NEAR_ZERO.findall(solution)]
    assert len(shown) == 1
    worked, loss = shown[0]
    assert math.isclose(worked, loss, rel_tol=1e-5, abs_tol=1e-5)
    assert math.isclose(loss, expected, rel_tol=1e-5, abs_tol=1e-5)
    assert math.isclose(get_family("cross_entropy").solve(params), _exact_cross_entropy(logits, target),
                        rel_tol=1e-9, abs_tol=1e-300)


def _exact_cross_entropy(logits: list[int], target: int) -> float:
    """ln Σ e^(z − z_true) in 1000-digit decimals (enough for ln(1 + e^(−2000)))."""
    with localcontext() as context:
        context.prec = 1000
        return float(sum((Decimal(z - logits[target])).exp() for z in logits).ln())


def test_cross_entropy_of_a_confident_right_class_keeps_its_digits() -> None:
    """[0, 30], class 2: the loss is ln(1 + e^(−30)) = 9.357623e-14 (in floats ln(1 + 9.4e-14) gave
    9.348e-14, and the worked solution printed −ln(1) = 9.34808e-14); the typed 9.358e-14 is right."""
    params = {"logits": [0, 30], "target": 1}
    family = get_family("cross_entropy")
    assert math.isclose(family.solve(params), _exact_cross_entropy([0, 30], 1), rel_tol=1e-12)
    assert family.check(params, "9.358e-14").correct
    assert "−ln(1) =" not in family.solution(params)
    # −ln(p) with p shown to 6 digits would give the loss wrong at 4: the ln(1 + …) form instead
    solution = family.solution({"logits": [10, 3], "target": 0})
    assert "ln(1 + e^(3 − 10)) = ln(1 + 0.000911882) = 0.000911466" in solution


def test_cross_entropy_of_an_underflowing_probability_is_worked_in_logs() -> None:
    """softmax([800, 1, 0.1])[1] = e^(−799)/(1 + e^(−799) + e^(−799.9)) is below a float; the loss
    is 800 − 1 = 799 (ln Σ e^z ≈ 800), and no line says e^(−799) = 0."""
    solution = get_family("cross_entropy").solution({"logits": [800, 1, 0.1], "target": 1})
    assert "loss = ln Σ e^z − z_true = 800 − 1 = 799" in solution
    assert "e^(1 − 800) = 0" not in solution


_KEEP = re.compile(r"1 − p = (\S+?)[ ,]")


@settings(max_examples=200, deadline=None)
@given(drop=st.integers(1, 9999).map(lambda n: n / 10000), inverted=st.booleans())
def test_dropout_keep_probability_is_one_minus_p_exactly(drop: float, inverted: bool) -> None:
    """The printed 1 − p is 1 − p (p = 0.3333 once printed 2/3, the nearest small fraction)."""
    phase = "train" if inverted else "test"
    params = {"activations": [1, 2], "drop_prob": drop, "mask": [1, 1], "phase": phase, "inverted": inverted}
    shown = _KEEP.search(get_family("dropout_scaling").solution(params))
    assert shown is not None
    keep = 1 - Fraction(str(drop))
    text = shown.group(1)
    if "/" in text:
        assert Fraction(text) == keep
    else:   # a decimal, to the 6 significant digits solutions show
        assert math.isclose(float(text), keep, rel_tol=5e-6)


_PROMPT_NUMBER = re.compile(r"[−-]?\d+(?:\.\d+)?(?:e[−+-]?\d+)?")


def _numbers_in(text: str) -> set[float]:
    return {float(token.replace("−", "-")) for token in _PROMPT_NUMBER.findall(text)}


def _reals(value: object) -> list[float]:
    if isinstance(value, list):
        return [leaf for item in value for leaf in _reals(item)]
    return [value] if isinstance(value, float) else []


_PROBABILITY = st.floats(1e-9, 1 - 1e-9).map(lambda p: float(f"{p:.9g}"))


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_a_prompt_states_every_real_param_as_given(data: st.DataObject) -> None:
    """The answer is computed from the params, so the prompt shows them as given, not at the
    worked solution's 6 significant digits (ROC score 0.4999999 read as 0.5 ≥ the threshold 0.5)."""
    n = data.draw(st.integers(2, 4))
    cases = [
        ("binary_cross_entropy", {"probs": data.draw(st.lists(_PROBABILITY, min_size=n, max_size=n)),
                                  "targets": [index % 2 for index in range(n)]}),
        ("roc_points", {"scores": data.draw(st.lists(_PROBABILITY, min_size=n, max_size=n)),
                        "labels": [index % 2 for index in range(n)], "thresholds": [data.draw(_PROBABILITY)]}),
        ("adam_step", {"theta": data.draw(_PROBABILITY), "grads": [data.draw(_PROBABILITY)],
                       "lr": data.draw(_PROBABILITY), "eps": data.draw(_PROBABILITY) * 1e-6}),
        ("optimizer_step", {"optimizer": "rmsprop", "theta": data.draw(_PROBABILITY),
                            "grads": [data.draw(_PROBABILITY)], "lr": data.draw(_PROBABILITY),
                            "alpha": data.draw(_PROBABILITY) * 0.99, "eps": data.draw(_PROBABILITY) * 1e-6}),
        ("dropout_scaling", {"activations": data.draw(st.lists(_PROBABILITY, min_size=n, max_size=n)),
                             "drop_prob": data.draw(_PROBABILITY), "mask": [1] * n}),
        ("softmax", {"logits": data.draw(st.lists(_PROBABILITY, min_size=n, max_size=n))}),
    ]
    for name, params in cases:
        prompt = get_family(name).prompt(params)
        shown = _numbers_in(prompt)
        for value in _reals(list(params.values())):
            assert value in shown, (name, value, prompt)


def test_roc_prompt_does_not_round_a_score_onto_the_threshold() -> None:
    params = {"scores": [0.9, 0.4999999, 0.5, 0.2], "labels": [1, 0, 1, 0], "thresholds": [0.5]}
    prompt = get_family("roc_points").prompt(params)
    assert "0.4999999→0" in prompt
    assert get_family("roc_points").solve(params) == [[0.0, 1.0]]   # 0.4999999 < 0.5: not positive
    both = {**params, "thresholds": [0.4999999, 0.5]}   # the solution tells the two apart too
    solution = get_family("roc_points").solution(both)
    assert "threshold 0.4999999: TP = 2, FP = 1" in solution
    assert "threshold 0.5: TP = 2, FP = 0" in solution


_BCE_TERM = re.compile(r"^example \d+, y = [01]: .*−ln\(([^()]*)\) = (\S+)$", re.M)


def _exact_bce(probs: list[float], targets: list[int]) -> float:
    """Mean −ln of each true label's probability, in 60-digit decimals from the params' digits."""
    with localcontext() as context:
        context.prec = 60
        terms = [-(Decimal(repr(p)) if y else 1 - Decimal(repr(p))).ln() for p, y in zip(probs, targets)]
        return float(sum(terms) / len(terms))


@settings(max_examples=200, deadline=None)
@given(probs=st.lists(st.one_of(_PROBABILITY, st.integers(1, 9999).map(lambda n: 1 - n / 10**8),
                                st.integers(1, 9999).map(lambda n: n / 10**9)), min_size=1, max_size=4),
       data=st.data())
def test_bce_terms_follow_from_the_probabilities_they_show(probs: list[float], data: st.DataObject) -> None:
    """Each `−ln(q) = t` line is true of the q it shows at the 4 digits asked (p = 0.9999999 once
    read `−ln(1) = 1e-07`), and the loss is right well past the 4 digits asked."""
    targets = data.draw(st.lists(st.integers(0, 1), min_size=len(probs), max_size=len(probs)))
    params = {"probs": probs, "targets": targets}
    family = get_family("binary_cross_entropy")
    lines = _BCE_TERM.findall(family.solution(params))
    assert len(lines) == len(probs)
    for q, term in lines:
        assert math.isclose(-math.log(float(q)), _number(term), rel_tol=5e-5)
    assert math.isclose(family.solve(params), _exact_bce(probs, targets), rel_tol=1e-6)


_ADAPTIVE_STEP = re.compile(r"^ {2}θ = .* = (\S+) − (\S+) = (\S+)$", re.M)


def _four_digits(value: Decimal) -> Decimal:
    with localcontext() as context:
        context.prec = 4
        return +value


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace("−", "-").strip("()"))


def test_rmsprop_and_adagrad_subtractions_redo_to_the_digits_shown() -> None:
    """`θ = a − b = c` gives c when a student subtracts the a and b shown: after a cancellation
    their 6 significant digits did not (seed 460: 0.5 − 0.416025 = 0.083975, shown 0.0839749 and
    asked 0.08397)."""
    lines = 0
    for seed in range(3000):
        variant = generate_variant("optimizer_step", seed)
        for a, b, c in _ADAPTIVE_STEP.findall(variant.solution):
            lines += 1
            assert _four_digits(_decimal(a) - _decimal(b)) == _four_digits(_decimal(c)), (seed, a, b, c)
    assert lines > 1000
    solution = get_family("optimizer_step").solution(
        {"optimizer": "rmsprop", "theta": -0.096, "grads": [-2.2, 4.6], "lr": 0.5, "alpha": 0.9})
    assert "= 1.48513881 − 1.43986421 = 0.0452746" in solution   # 1.48514 − 1.43986 would be 0.04528


def _same_at_four(shown: Decimal, expected: float) -> bool:
    """`shown` rounded half up, as a student rounds, is `expected` to 4 significant digits (either
    rounding of an exact half of `expected`, as the checker takes it)."""
    with localcontext() as context:
        context.prec = 4
        context.rounding = ROUND_HALF_UP
        typed = +shown
    accepted = set()
    for rounding in (ROUND_HALF_UP, ROUND_HALF_DOWN):
        with localcontext() as context:
            context.prec, context.rounding = 4, rounding
            accepted.add(+Decimal(repr(expected)))
    return typed in accepted


_SOFTMAX_LINE = re.compile(r"^p(\d+) = (\S+) / (\S+) = \S+$", re.M)
_MEAN_LINE = re.compile(r"^mean = \((.*)\) / (\d+) = (\S+) / \d+ = \S+$", re.M)


def test_softmax_and_bce_lines_redo_to_the_answer_at_four_digits() -> None:
    """A student who divides the printed e^z by the printed sum (or averages the printed terms)
    gets the answer torch gives, to the 4 digits asked: softmax seed 164 printed
    0.135335 / 1.40601 = 0.0962551 (that quotient is 0.09625, the answer 0.09626), and
    binary_cross_entropy seed 79 printed 2.40795 / 3 = 0.802649 (0.80265 → 0.8027, not 0.8026)."""
    for seed in range(1500):
        variant = generate_variant("softmax", seed)
        expected = _exact_softmax(variant.params["logits"])
        for index, power, total in _SOFTMAX_LINE.findall(variant.solution):
            assert _same_at_four(_decimal(power) / _decimal(total), expected[int(index) - 1]), (seed, index)
        variant = generate_variant("binary_cross_entropy", seed)
        expected_loss = _exact_bce(variant.params["probs"], variant.params["targets"])
        for terms, count, total in _MEAN_LINE.findall(variant.solution):
            assert _same_at_four(sum(map(_decimal, terms.split(" + "))) / int(count), expected_loss), seed
            assert _same_at_four(_decimal(total) / int(count), expected_loss), seed


_EXP_STATED = re.compile(r"e\^(\d+)\$? = \$?(\d+\.\d+)")
_SUM_STATED = re.compile(r"sum (\d+\.\d+)")
_QUOTIENT_STATED = re.compile(r"= (\d+\.\d+) / (\d+\.\d+) = (\d+\.\d+)\$?, and the loss is "
                              r"\$?-\\ln (\d+\.\d+) = (\d+\.\d+)")


def _bundled_backs(family: str) -> list[tuple[str, dict, str]]:
    from pathlib import Path

    from flashdl.deck.files import load_deck_file
    from flashdl.engine import FAMILIES

    cards = Path(__file__).resolve().parents[2] / "cards"
    return [(deck.full_id(card), dict(card.engine.params), card.back)
            for path in sorted(cards.glob("*.yaml"))
            for deck in [load_deck_file(path, known_families=FAMILIES)]
            for card in deck.cards if card.engine and card.engine.family == family]


def test_bundled_softmax_backs_divide_their_stated_powers_into_their_stated_answers() -> None:
    """`e^1 = 2.718, e^2 = 7.389, e^3 = 20.09, sum 30.19` divided out gives 0.6655, not the
    stated 0.6652: the powers are stated to digits that give the probabilities."""
    backs = [back for _, params, back in _bundled_backs("softmax") if params["logits"] == [1, 2, 3]]
    assert len(backs) == 2
    expected = _exact_softmax([1, 2, 3])
    for back in backs:
        powers = {int(k): Decimal(v) for k, v in _EXP_STATED.findall(back)}
        assert sorted(powers) == [1, 2, 3]
        for k, value in powers.items():   # each power correct to the digits it shows
            assert abs(value - Decimal(math.exp(k))) <= Decimal("0.5").scaleb(int(value.as_tuple().exponent))
        total = Decimal(_SUM_STATED.findall(back)[0])
        for k, p in zip((1, 2, 3), expected):
            assert _same_at_four(powers[k] / total, p), (k, powers[k] / total, p)


def test_bundled_cross_entropy_back_redoes_to_its_answer() -> None:
    """`7.389 / 11.107 = 0.6652` (it is 0.66526) and `−ln 0.6652 = 0.4076` (it is 0.40767) did
    not follow from their own numbers; the loss is 0.407606."""
    (_, params, back), = [entry for entry in _bundled_backs("cross_entropy")
                          if entry[0] == "dl-exercises/cross-entropy"]
    loss = _exact_cross_entropy(params["logits"], params["target"])
    numerator, denominator, p, p_again, stated_loss = _QUOTIENT_STATED.search(back).groups()
    assert p == p_again
    assert _same_at_four(Decimal(numerator) / Decimal(denominator), float(p))
    assert _same_at_four(-Decimal(p).ln(), loss)
    assert _same_at_four(Decimal(stated_loss), loss)


_DIGITS_NOTE = "(Entries that are not whole numbers: to 4 significant digits.)"


def test_a_whole_number_family_with_real_params_says_the_digits_its_checker_asks() -> None:
    """A card's kernel of 0.3333 gives fractional entries that the checker reads to 4 significant
    digits ('0.333 rounds … to 3 significant digits; 4 were asked'): the prompt says so."""
    real = {"input": [[1, 2], [3, 4]], "kernel": [[0.3333]]}
    family = get_family("conv2d_forward")
    expected = correlate_loops(real["input"], real["kernel"], (1, 1), (0, 0))
    assert sum(family.solve(real), []) == pytest.approx(sum(expected, []))
    assert _DIGITS_NOTE in family.prompt(real)
    assert not family.check(real, "0.333 0.667; 1 1.333").correct   # 3 digits: refused, as the note says
    assert family.check(real, "0.3333 0.6666; 0.9999 1.333").correct
    cases = [("conv2d_forward", {"input": [[1, 2], [3, 4]], "kernel": [[1]], "bias": 0.5}),
             ("conv2d_backward", {"input": [[1, 2], [3, 4]], "kernel": [[1]], "grad_output": [[0.25, 1], [1, 1]]}),
             ("conv_transpose2d_forward", {"input": [[1.5]], "kernel": [[1, 1]]}),
             ("maxpool2d_backward", {"input": [[1, 2], [3, 4]], "kernel": 2, "grad_output": [[0.5]]})]
    for name, params in cases:
        assert _DIGITS_NOTE in get_family(name).prompt(params), name
    for name in ("conv2d_forward", "conv2d_backward", "maxpool2d_backward", "conv2d_output_size"):
        for seed in range(50):   # whole-number variants say nothing of digits
            assert "significant digits" not in generate_variant(name, seed).prompt
    # a real param that leaves the answer whole asks no digits either
    assert _DIGITS_NOTE not in family.prompt({"input": [[1, 2], [3, 4]], "kernel": [[1]], "bias": 2.0})


@settings(max_examples=200, deadline=None)
@given(g=st.sampled_from([0, 1e-9, 0.001, 0.5, -2, 3]), eps=st.sampled_from([0.0, 1e-8, 0.1, 0.5]),
       lr=st.sampled_from([0.1, 0.01]), name=st.sampled_from(["adam", "rmsprop", "adagrad"]))
def test_a_first_step_note_holds_for_the_step_it_comments(g: float, eps: float, lr: float, name: str) -> None:
    """'Adam's first move has size lr' (Adagrad: 'θ moves by lr', RMSprop: 'about lr/√(1 − α)')
    is printed only where the step, worked in decimals from the rule, is that size to 4 digits:
    not for g = 0 (θ stays) or an ε of 0.5 beside g = 0.5 (Adam's step is then lr/2)."""
    if name == "adam":
        family, params = get_family("adam_step"), {"theta": 1, "grads": [g], "lr": lr, "eps": eps}
        step = Decimal(lr) * Decimal(g) / (abs(Decimal(g)) + Decimal(eps)) if g or eps else None
        size, marker = Decimal(lr), "first move has size lr"
    else:
        alpha = Decimal("0.99") if name == "rmsprop" else Decimal(0)
        params = {"optimizer": name, "theta": 1, "grads": [g], "lr": lr, "eps": eps}
        family = get_family("optimizer_step")
        root = (1 - alpha).sqrt() * abs(Decimal(g))
        step = Decimal(lr) * Decimal(g) / (root + Decimal(eps)) if g or eps else None
        size = Decimal(lr) / (1 - alpha).sqrt()
        marker = "whatever the gradient's scale"
    if step is None:   # g = 0 and ε = 0: refused (a division by 0)
        return
    noted = marker in family.solution(params)
    assert noted == _same_at_four(abs(step), float(size)), (params, step)


def test_a_subtraction_whose_result_is_written_with_an_exponent_still_redoes() -> None:
    """θ = 1, lr 0.1, g 0.5, RMSprop: the step is 0.99999980 (ε), θ = 2e-07, once '1 − 1 = 2e-07'."""
    solution = get_family("optimizer_step").solution({"optimizer": "rmsprop", "theta": 1, "grads": [0.5],
                                                      "lr": 0.1})
    assert "= 1 − 0.9999998 = 2e-07" in solution


_ADAM_STEP = re.compile(r",  θ = (\S+) − (\S+) = (\S+)$", re.M)


def test_adam_steps_show_the_subtraction_that_redoes_to_theta() -> None:
    """θ = 0.1, g = 1, lr 0.1: the step is 0.1/(1 + 1e-8) and θ = 1e-9 (ε's doing), which
    'step = … = 0.1, θ = 1e-09' left unexplained; every generated step redoes too."""
    solution = get_family("adam_step").solution({"theta": 0.1, "grads": [1], "lr": 0.1})
    assert "θ = 0.1 − 0.099999999 = 1e-09" in solution
    lines = 0
    for seed in range(2000):
        for a, b, c in _ADAM_STEP.findall(generate_variant("adam_step", seed).solution):
            lines += 1
            assert _four_digits(_decimal(a) - _decimal(b)) == _four_digits(_decimal(c)), (seed, a, b, c)
    assert lines > 2000


@pytest.mark.parametrize("metric, counts, denominator", [
    ("precision", {"tp": 0, "fp": 0, "tn": 5, "fn": 3}, "TP + FP"),
    ("tpr", {"tp": 0, "fp": 2, "tn": 5, "fn": 0}, "TP + FN"),
    ("fpr", {"tp": 1, "fp": 0, "tn": 0, "fn": 3}, "FP + TN"),
    ("f1", {"tp": 0, "fp": 0, "tn": 5, "fn": 0}, "2·TP + FP + FN"),
])
def test_an_undefined_metric_names_its_denominator(metric: str, counts: dict, denominator: str) -> None:
    """'its denominator TP / (TP + FP) is 0' named the whole formula: TP + FP is what is 0."""
    from flashdl.engine.errors import EngineParamsError

    with pytest.raises(EngineParamsError) as raised:
        get_family("confusion_metrics").solve({**counts, "metric": metric})
    assert f"its denominator {denominator} is 0" in str(raised.value)
    tp, fp, tn, fn = (counts[key] for key in ("tp", "fp", "tn", "fn"))
    assert eval(denominator.replace("·", "*"), {"TP": tp, "FP": fp, "TN": tn, "FN": fn}) == 0


def test_an_uneven_padding_is_described_by_the_rows_and_columns_it_adds() -> None:
    """padding (0, 1) adds 0 rows and 1 column on each side ('(0, 1) on each side' read as both);
    the padded matrix shown is that padding (0 rows, 1 column of zeros on each side)."""
    params = {"input": [[1, 2, 3], [4, 5, 6], [7, 8, 9]], "kernel": [[1, 2], [3, 4]], "padding": [0, 1]}
    solution = get_family("conv2d_forward").solution(params)
    assert "Zero-padded input (0 rows above and below, 1 column left and right):" in solution
    padded = pad(params["input"], 0, 1)
    shown = solution.split("left and right):\n")[1].split("\n\n")[0]
    assert [[int(v) for v in line.split()] for line in shown.splitlines()] == padded
    assert "(1 on each side)" in get_family("conv2d_forward").solution({**params, "padding": 1})


def _exact_correlation(x: list[list[float]], k: list[list[float]], bias: float) -> list[list[Fraction]]:
    """Valid cross-correlation, stride 1, in exact decimal fractions (a slow loop)."""
    fx = [[Fraction(repr(v)) for v in row] for row in x]
    fk = [[Fraction(repr(v)) for v in row] for row in k]
    kh, kw = len(k), len(k[0])
    return [[sum((fx[i + a][j + b] * fk[a][b] for a in range(kh) for b in range(kw)), Fraction(repr(bias)))
             for j in range(len(x[0]) - kw + 1)] for i in range(len(x) - kh + 1)]


_TENTHS = st.integers(-9, 9).map(lambda n: n / 10)


@settings(max_examples=200, deadline=None)
@given(x=st.lists(st.lists(_TENTHS, min_size=3, max_size=3), min_size=3, max_size=3),
       k=st.lists(st.lists(st.sampled_from([1, -1, 2, 0.5]), min_size=2, max_size=2), min_size=2, max_size=2),
       bias=_TENTHS)
def test_real_convolution_entries_that_are_exactly_zero_are_zero(x: list[list[float]], k: list[list[float]],
                                                                 bias: float) -> None:
    """0.1·1 + 0.2·1 + 0.3·(−1) is 0: not 5.55e-17, which the worked solution printed and the
    checker asked for (refusing 0). Other entries are the exact value to 12 digits."""
    params = {"input": x, "kernel": k, "bias": bias}
    answer = get_family("conv2d_forward").solve(params)
    for got_row, exact_row in zip(answer, _exact_correlation(x, k, bias)):
        for got, exact in zip(got_row, exact_row):
            if exact == 0:
                assert got == 0
            else:
                assert abs(Fraction(got) - exact) <= abs(exact) * Fraction(1, 10**12)


def test_the_hand_worked_zero_of_each_array_family() -> None:
    """Each sum below is exactly 0 in decimals and float noise in numpy."""
    zero_conv = {"input": [[0.1, 0.2], [0.3, 0.4]], "kernel": [[1, 1], [-1, 0]]}   # 0.1 + 0.2 − 0.3
    assert get_family("conv2d_forward").solve(zero_conv) == [[0]]
    assert get_family("conv2d_forward").check(zero_conv, "0").correct
    assert "= 0\n" in get_family("conv2d_forward").solution(zero_conv)
    backward = {"input": [[1, 1], [1, 1]], "kernel": [[1]], "grad_output": [[0.1, 0.2], [-0.3, 0]]}
    assert get_family("conv2d_backward").solve(backward)["grad_bias"] == 0   # Σ dY = 0.1 + 0.2 − 0.3
    assert get_family("conv2d_backward").solve(backward)["grad_kernel"] == [[0]]
    transpose = {"input": [[0.1, 0.2, -0.3]], "kernel": [[1, 1, 1]]}   # the middle sums 0.1 + 0.2 − 0.3
    assert get_family("conv_transpose2d_forward").solve(transpose)[0][2] == 0
    pool = {"input": [[5, 1], [1, 1]], "kernel": 1, "grad_output": [[0.1, 0.2], [-0.3, 0]]}
    assert get_family("maxpool2d_backward").solve(pool)[0][0] == 0.1   # no sum: unchanged
    overlapping = {"input": [[1, 1, 1], [1, 9, 1], [1, 1, 1]], "kernel": 2, "stride": 1,
                   "grad_output": [[0.1, 0.2], [-0.3, 0]]}   # 9 wins all four windows: 0.1 + 0.2 − 0.3
    assert get_family("maxpool2d_backward").solve(overlapping)[1][1] == 0


def test_bce_beyond_torchs_log_clamp_is_the_true_loss_as_documented() -> None:
    """torch clamps ln p at −100; docs/engine.md says the engine gives −ln p: 115.129 for 1e-50."""
    torch = pytest.importorskip("torch")  # torch's own behaviour is what this test pins

    params = {"probs": [1e-50], "targets": [1]}
    clamped = torch.nn.functional.binary_cross_entropy(torch.tensor([1e-50], dtype=torch.float64),
                                                       torch.tensor([1.0], dtype=torch.float64)).item()
    assert clamped == 100
    assert math.isclose(get_family("binary_cross_entropy").solve(params), 50 * math.log(10), rel_tol=1e-12)


def test_a_subtraction_of_numbers_written_with_exponents_redoes() -> None:
    """Adam, θ = −3.02, β2 = 0, ε = 0: step 4 printed '−6.23649e+07 − 1.72007e+06 = −6.408501e+07'
    (that difference is −6.40850e+07, which reads −6.409e+07 at 4 digits; asked −6.408e+07)."""
    params = {"theta": -3.02, "grads": [-0.12, 5.22, 1.47e-07, 3.78e-06], "lr": 5.4, "beta1": 0.9, "beta2": 0,
              "eps": 0}
    solution = get_family("adam_step").solution(params)
    steps = _ADAM_STEP.findall(solution)
    assert len(steps) == 4
    for a, b, c in steps:
        assert _four_digits(_decimal(a) - _decimal(b)) == _four_digits(_decimal(c)), (a, b, c)


_IOU_LINE = re.compile(r"^IoU = ([\d.]+) / ([\d.]+) = \S+$", re.M)
_HUNDREDTHS = st.integers(0, 5000)


def _corners(n: tuple[int, int, int, int]) -> list[float]:
    """[x1, y1, x2, y2] in hundredths, each written as a short decimal (x2 > x1, y2 > y1)."""
    return [min(n[0], n[2]) / 100, min(n[1], n[3]) / 100, (max(n[0], n[2]) + 50) / 100,
            (max(n[1], n[3]) + 50) / 100]


@settings(max_examples=200, deadline=None)
@given(a=st.tuples(_HUNDREDTHS, _HUNDREDTHS, _HUNDREDTHS, _HUNDREDTHS),
       b=st.tuples(_HUNDREDTHS, _HUNDREDTHS, _HUNDREDTHS, _HUNDREDTHS))
def test_box_iou_of_decimal_corners_redoes_from_its_printed_areas(a: tuple, b: tuple) -> None:
    """Corners with decimals: the printed intersection / union gives the IoU asked (195.888 /
    1133.94 once gave 0.1727 for 0.17275), and the IoU is the exact decimal one."""
    box_a, box_b = _corners(a), _corners(b)
    corners = [[Fraction(repr(v)) for v in box] for box in (box_a, box_b)]
    (ax1, ay1, ax2, ay2), (bx1, by1, bx2, by2) = corners
    inter = max(0, min(ax2, bx2) - max(ax1, bx1)) * max(0, min(ay2, by2) - max(ay1, by1))
    exact = inter / ((ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter)
    params = {"box_a": box_a, "box_b": box_b}
    family = get_family("box_iou")
    assert abs(Fraction(family.solve(params)) - exact) <= exact * Fraction(1, 10**12)
    for shown_inter, shown_union in _IOU_LINE.findall(family.solution(params)):
        if "/" not in shown_inter:   # a decimal line (a fraction line is exact)
            assert _same_at_four(_decimal(shown_inter) / _decimal(shown_union), float(exact))


def test_box_iou_hand_worked_decimal_corners() -> None:
    """A = [11.4, 14.7, 36.3, 56.8], B = [13.2, 38.9, 46.4, 47.38]: intersection 23.1·8.48 =
    195.888, union 24.9·42.1 + 33.2·8.48 − 195.888 = 1048.29 + 281.536 − 195.888 = 1133.938,
    IoU = 0.172750… (0.1728); '195.888 / 1133.94' redoes to 0.1727."""
    solution = get_family("box_iou").solution({"box_a": [11.4, 14.7, 36.3, 56.8],
                                               "box_b": [13.2, 38.9, 46.4, 47.38]})
    assert "= 1048.29 + 281.536 − 195.888 = 1133.938" in solution
    assert "IoU = 195.888 / 1133.938 = " in solution
    assert _same_at_four(Decimal("195.888") / Decimal("1133.938"), 195.888 / 1133.938)


_CE_P_LINE = re.compile(r"^p = e\^\(?([^ )]+)\)? / (\S+) = (\S+)$", re.M)


@settings(max_examples=200, deadline=None)
@given(logits=st.lists(st.integers(-300, 300).map(lambda n: n / 10), min_size=2, max_size=4),
       target_share=st.floats(0, 0.999))
@example(logits=[-20.6, -13.6], target_share=0)
def test_cross_entropy_p_line_redoes_with_e_to_the_z_worked_anew(logits: list[float], target_share: float) -> None:
    """'p = e^(−20.6) / 1.24163e-06 = 0.000911051': e^(−20.6) / 1.24163e-06 is 0.0009110 to 4
    digits, the p shown 0.0009111; a student who works e^z out anew must get the p shown."""
    target = int(target_share * len(logits))
    params = {"logits": logits, "target": target}
    expected = _exact_softmax(logits)[target]
    for z, total, _ in _CE_P_LINE.findall(get_family("cross_entropy").solution(params)):
        assert _same_at_four(Decimal(math.exp(_number(z))) / _decimal(total), expected), (z, total)


_B_LINE = re.compile(r"^ {2}b = (\S+)·(\S+) \+ (\S+) = (\S+)$", re.M)
_SGD_THETA = re.compile(r"^ {2}θ = (\S+) − (\S+)·(\S+) = (\S+)$", re.M)
_V_LINE = re.compile(r"^ {2}v = (\S+)·(\S+) \+ (\S+)·(\S+)² = (\S+)$", re.M)
_G_LINE = re.compile(r"^ {2}G = (\S+) \+ (\S+)² = (\S+)$", re.M)
_SPREAD = st.tuples(st.integers(-6, 4), st.integers(100, 999), st.booleans()).map(
    lambda t: float(f"{'-' if t[2] else ''}{t[1]}e{t[0] - 2}"))


@settings(max_examples=300, deadline=None)
@given(optimizer=st.sampled_from(["sgd_momentum", "rmsprop", "adagrad"]), theta=_SPREAD,
       grads=st.lists(_SPREAD, min_size=1, max_size=6), lr=_SPREAD.map(abs).filter(lambda v: v <= 10),
       constant=st.sampled_from([0.9, 0.5, 0.99]))
@example(optimizer="sgd_momentum", theta=0.0205, grads=[8.08e-05, -70.4, 0.202, 1.59e-06, 2.89], lr=0.348,
         constant=0.5)
@example(optimizer="sgd_momentum", theta=-3430.0, grads=[0.000213, -0.00474, -657.0], lr=5.22, constant=0.5)
@example(optimizer="rmsprop", theta=3220.0, grads=[0.212, -0.503, 0.00803, 0.000251, 32.8, 0.0473], lr=0.322,
         constant=0.9)
def test_each_optimiser_line_redoes_to_the_number_it_prints(optimizer: str, theta: float, grads: list[float],
                                                            lr: float, constant: float) -> None:
    """Redoing `b = μ·b + g`, `θ = θ − lr·b`, `v = α·v + (1 − α)·g²` or `G = G + g²` from the
    numbers a line shows gives the number it prints, to 4 digits (with huge and tiny params
    '0.5·(−17.499) + 2.89 = −5.85949' did not: that is −5.8595, read −5.860)."""
    params: dict = {"optimizer": optimizer, "theta": theta, "grads": grads, "lr": lr}
    if optimizer != "adagrad":
        params["momentum" if optimizer == "sgd_momentum" else "alpha"] = constant
    solution = get_family("optimizer_step").solution(params)
    checks = [(_decimal(m) * _decimal(b) + _decimal(g), c) for m, b, g, c in _B_LINE.findall(solution)]
    checks += [(_decimal(a) - _decimal(r) * _decimal(b), c) for a, r, b, c in _SGD_THETA.findall(solution)]
    checks += [(_decimal(a) * _decimal(v) + _decimal(r) * _decimal(g) ** 2, c)
               for a, v, r, g, c in _V_LINE.findall(solution)]
    checks += [(_decimal(s) + _decimal(g) ** 2, c) for s, g, c in _G_LINE.findall(solution)]
    for worked, printed in checks:
        if _decimal(printed):
            assert _same_at_four(worked, float(_decimal(printed))), (worked, printed)


_CROP = re.compile(r"^Keep rows (\d+)–(\d+) and columns (\d+)–(\d+) of the stamped output: padding \S+(?: \S+)? "
                   r"crops (\d+) rows? from the top and (\d+) columns? from the left, and \(output_padding .*\) "
                   r"(\d+) rows? from the bottom and (\d+) columns? from the right", re.M)


@pytest.mark.parametrize(("padding", "output_padding"), [([1, 0], [1, 0]), ([0, 1], [0, 1]), ([1, 0], [0, 0]),
                                                         ([0, 1], [1, 1]), ([1, 2], [0, 1])])
def test_an_uneven_transposed_crop_names_rows_and_columns_apart(padding: list[int],
                                                               output_padding: list[int]) -> None:
    """'padding (1, 0) crops that many from the top and the left' could be read as 1 row and 1
    column; the sentence now counts each side, and the counts are those of the slow loop's
    stamped output cropped to the answer."""
    x, kernel, stride = [[1, 2], [3, 4]], [[1, 1, 2], [1, -1, 0], [2, 0, 1]], 3
    full = conv_transpose_loops(x, kernel, (stride, stride), (0, 0), (0, 0))
    extended = conv_transpose_loops(x, kernel, (stride, stride), (0, 0), tuple(output_padding))  # zeros past it
    params = {"input": x, "kernel": kernel, "stride": stride, "padding": padding, "output_padding": output_padding}
    family = get_family("conv_transpose2d_forward")
    answer = family.solve(params)
    rows = [int(v) for v in _CROP.search(family.solution(params)).groups()]
    first_row, last_row, first_col, last_col, top, left, bottom, right = rows
    assert (top, left) == tuple(padding) and (first_row, first_col) == (top + 1, left + 1)
    assert last_row - first_row + 1 == len(answer) and last_col - first_col + 1 == len(answer[0])
    assert bottom == max(len(full) - top - len(answer), 0) and right == max(len(full[0]) - left - len(answer[0]), 0)
    assert answer == [row[left:left + len(answer[0])] for row in extended[top:top + len(answer)]]
