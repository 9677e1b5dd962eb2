"""Binary-classification metrics from a confusion matrix (TP, FP, TN, FN)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

from flashdl.engine.answer_specs import AnswerSpec, NumberAnswer, Part, PartsAnswer
from flashdl.engine.errors import EngineParamsError
from flashdl.engine.family import Family, Params, Rng, draw_int, pick
from flashdl.engine.params import as_mapping, read_int, reject_unknown
from flashdl.engine.precision import DIGITS_ASKED
from flashdl.engine.text_format import format_fraction, format_number

METRICS = ("tpr", "fpr", "precision", "accuracy", "f1", "specificity")
METRIC_ALIASES = {
    "tpr": ("recall", "sensitivity", "true positive rate", "hit rate", "TP rate"),
    "fpr": ("false positive rate", "fall-out", "fallout", "FP rate"),
    "precision": ("ppv", "positive predictive value"),
    "accuracy": ("acc",),
    "f1": ("f1 score", "f1-score", "f-score", "f measure", "f-measure", "F1"),
    "specificity": ("tnr", "true negative rate", "selectivity"),
}
Counts = tuple[int, int, int, int]   # TP, FP, TN, FN
_FORMULAS: dict[str, tuple[str, Callable[[int, int, int, int], tuple[int, int]]]] = {
    "tpr": ("TP / (TP + FN)", lambda tp, fp, tn, fn: (tp, tp + fn)),
    "fpr": ("FP / (FP + TN)", lambda tp, fp, tn, fn: (fp, fp + tn)),
    "precision": ("TP / (TP + FP)", lambda tp, fp, tn, fn: (tp, tp + fp)),
    "accuracy": ("(TP + TN) / (TP + TN + FP + FN)", lambda tp, fp, tn, fn: (tp + tn, tp + tn + fp + fn)),
    "f1": ("2·TP / (2·TP + FP + FN)", lambda tp, fp, tn, fn: (2 * tp, 2 * tp + fp + fn)),
    "specificity": ("TN / (TN + FP)", lambda tp, fp, tn, fn: (tn, tn + fp)),
}
_NAMES = {"tpr": "TPR (recall)", "fpr": "FPR", "precision": "precision", "accuracy": "accuracy",
          "f1": "F1 score", "specificity": "specificity (TNR)"}
_COUNTS = ("tp", "fp", "tn", "fn")
_MAX_COUNT = 10**9

_ALL = PartsAnswer(tuple(Part(metric, metric, METRIC_ALIASES[metric], NumberAnswer(integral=False))
                         for metric in METRICS))
_ONE = NumberAnswer(integral=False)


def normalise_metric(name: str) -> str:
    wanted = str(name).strip().lower()
    for metric in METRICS:
        if wanted == metric or wanted in (alias.lower() for alias in METRIC_ALIASES[metric]):
            return metric
    raise EngineParamsError("metric", f"expected one of {', '.join(METRICS)}, got {name!r}")


def _read(params: Mapping[str, Any]) -> tuple[Counts, str | None]:
    params = as_mapping(params)
    reject_unknown(params, (*_COUNTS, "metric"))
    tp, fp, tn, fn = (read_int(params, name, minimum=0, maximum=_MAX_COUNT) for name in _COUNTS)
    counts = (tp, fp, tn, fn)
    metric = normalise_metric(params["metric"]) if params.get("metric") is not None else None
    for name in ([metric] if metric else METRICS):
        if _FORMULAS[name][1](*counts)[1] == 0:
            denominator = _FORMULAS[name][0].partition(" / ")[2].strip("()")   # TP + FP, not the whole formula
            raise EngineParamsError("tp", f"{name} is undefined: its denominator {denominator} is 0")
    return counts, metric


def _fraction(metric: str, counts: Counts) -> tuple[int, int]:
    return _FORMULAS[metric][1](*counts)


def _generate(rng: Rng) -> Params:
    params: Params = {"tp": draw_int(rng, 1, 50), "fp": draw_int(rng, 1, 30),
                      "tn": draw_int(rng, 1, 50), "fn": draw_int(rng, 1, 30)}
    if rng.integers(4):
        params["metric"] = pick(rng, METRICS)
    return params


def _solve(params: Mapping[str, Any]) -> float | dict[str, float]:
    counts, metric = _read(params)
    values = {name: float(Fraction(*_fraction(name, counts))) for name in ([metric] if metric else METRICS)}
    return values[metric] if metric else values


def _answer_spec(params: Mapping[str, Any]) -> AnswerSpec:
    return _ONE if _read(params)[1] else _ALL


def _prompt(params: Mapping[str, Any]) -> str:
    (tp, fp, tn, fn), metric = _read(params)
    asked = f"What is the {_NAMES[metric]}?" if metric else (
        "Give TPR, FPR, precision, accuracy, F1 and specificity (as 'tpr: …, fpr: …').")
    return (f"A binary classifier's confusion matrix: TP = {tp}, FP = {fp}, TN = {tn}, FN = {fn}. "
            f"{asked} (A fraction, or a decimal or percentage to {DIGITS_ASKED} significant digits.)")


def _solution(params: Mapping[str, Any]) -> str:
    counts, metric = _read(params)
    lines = []
    for name in [metric] if metric else METRICS:
        numerator, denominator = _fraction(name, counts)
        formula = _FORMULAS[name][0]
        filled = formula
        for symbol, value in zip(("TP", "FP", "TN", "FN"), counts):
            filled = filled.replace(symbol, str(value))
        lines.append(f"{_NAMES[name]} = {formula} = {filled} = {format_fraction(numerator, denominator)}")
    answer = _solve(params)
    stated = format_number(answer) if isinstance(answer, float) else _ALL.format(answer)
    return "\n".join(lines) + f"\n\nAnswer: {stated}"


CONFUSION_METRICS = Family(
    name="confusion_metrics", title="TPR / FPR / precision / accuracy / F1", integral=False,
    answer_spec=_answer_spec, generate=_generate, solve=_solve, prompt=_prompt, solution=_solution,
    topic_params=("metric",))

FAMILIES = (CONFUSION_METRICS,)
