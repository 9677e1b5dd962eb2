"""Points of a ROC curve: (FPR, TPR) at each threshold, positive when score >= threshold."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flashdl.engine.answer_specs import ArrayAnswer
from flashdl.engine.errors import EngineParamsError
from flashdl.engine.family import Family, Params, Rng, constant_spec, draw_int, pick
from flashdl.engine.params import (
    as_mapping,
    read_int_list,
    read_number_list,
    reject_unknown,
)
from flashdl.engine.precision import DIGITS_ASKED
from flashdl.engine.text_format import exact_numbers, format_fraction, format_number

_SCORES = tuple(round(0.1 * step, 1) for step in range(1, 10))


def _read(params: Mapping[str, Any]) -> tuple[tuple[float | int, ...], tuple[int, ...], tuple[float | int, ...]]:
    params = as_mapping(params)
    reject_unknown(params, ("scores", "labels", "thresholds"))
    scores = read_number_list(params, "scores")
    labels = read_int_list(params, "labels", minimum=0, maximum=1)
    thresholds = read_number_list(params, "thresholds")
    if len(labels) != len(scores):
        raise EngineParamsError("labels", f"needs one label per score ({len(scores)}), got {len(labels)}")
    if 0 in labels and 1 in labels:
        return tuple(scores), tuple(labels), tuple(thresholds)
    raise EngineParamsError("labels", "need at least one positive (1) and one negative (0)")


def _generate(rng: Rng) -> Params:
    count = draw_int(rng, 4, 8)
    positives = draw_int(rng, 1, count - 1)
    labels = [int(label) for label in rng.permutation([1] * positives + [0] * (count - positives))]
    scores = [pick(rng, _SCORES) for _ in range(count)]
    thresholds = sorted({pick(rng, _SCORES) for _ in range(draw_int(rng, 2, 4))}, reverse=True)
    return {"scores": scores, "labels": labels, "thresholds": thresholds}


def _counts(scores: tuple[float | int, ...], labels: tuple[int, ...],
            threshold: float | int) -> tuple[int, int, int, int]:
    predicted = [score >= threshold for score in scores]
    tp = sum(1 for p, y in zip(predicted, labels) if p and y == 1)
    fp = sum(1 for p, y in zip(predicted, labels) if p and y == 0)
    return tp, fp, labels.count(1), labels.count(0)


def _points(params: Mapping[str, Any]) -> tuple[tuple[float, float], ...]:
    scores, labels, thresholds = _read(params)
    points = []
    for threshold in thresholds:
        tp, fp, positives, negatives = _counts(scores, labels, threshold)
        points.append((fp / negatives, tp / positives))
    return tuple(points)


def _solve(params: Mapping[str, Any]) -> list[list[float]]:
    return [list(point) for point in _points(params)]


def _prompt(params: Mapping[str, Any]) -> str:
    scores, labels, thresholds = _read(params)
    rows = ", ".join(f"{format_number(s)}→{y}" for s, y in zip(scores, labels))
    return (f"Scores with their true labels (score→label): {rows}. An example is predicted positive "
            f"when score ≥ threshold. Give the ROC point [FPR, TPR] for "
            + (f"threshold {format_number(thresholds[0])}" if len(thresholds) == 1 else
               f"each threshold {', '.join(format_number(t) for t in thresholds)}, in that order")
            + f" (fractions, or decimals to {DIGITS_ASKED} significant digits).")


def _solution(params: Mapping[str, Any]) -> str:
    scores, labels, thresholds = _read(params)
    positives, negatives = labels.count(1), labels.count(0)
    lines = [f"{positives} positives (P) and {negatives} negatives (N); TPR = TP/P, FPR = FP/N."]
    for threshold in thresholds:
        tp, fp, _, _ = _counts(scores, labels, threshold)
        with exact_numbers():   # as the prompt gives it: a threshold of 0.4999999 is not 0.5
            shown = format_number(threshold)
        lines.append(f"threshold {shown}: TP = {tp}, FP = {fp} → "
                     f"FPR = {format_fraction(fp, negatives)}, TPR = {format_fraction(tp, positives)}")
    answer = ", ".join(f"[{format_number(fpr)}, {format_number(tpr)}]" for fpr, tpr in _solve(params))
    return "\n".join(lines) + f"\n\nAnswer: {answer}"


ROC_POINTS = Family(
    name="roc_points", title="ROC curve points", integral=False,
    answer_spec=constant_spec(ArrayAnswer(
        integral=False, hint="one [FPR, TPR] pair per threshold, e.g. [0, 0.5], [0.25, 1]")),
    generate=_generate, solve=_solve, prompt=_prompt, solution=_solution)

FAMILIES = (ROC_POINTS,)
