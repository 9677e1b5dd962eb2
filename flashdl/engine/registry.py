"""All families by name, and the one call a study session needs: a variant from a seed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flashdl.engine.errors import EngineParamsError, UnknownFamilyError
from flashdl.engine.families import (
    activation_memory,
    adam,
    binary_cross_entropy,
    box_iou,
    confusion_metrics,
    conv_backward,
    conv_forward,
    conv_macs,
    conv_transpose,
    dropout,
    init_scale,
    maxpool,
    optimizers,
    output_sizes,
    param_counts,
    receptive_field,
    roc_points,
    sequence_params,
    softmax,
)
from flashdl.engine.family import Family
from flashdl.engine.pcg_random import default_rng

_MODULES = (output_sizes, param_counts, activation_memory, receptive_field, conv_forward, conv_backward,
            maxpool, conv_transpose, confusion_metrics, roc_points, init_scale, softmax, adam, dropout,
            sequence_params, conv_macs, box_iou, optimizers, binary_cross_entropy)

FAMILIES: Mapping[str, Family] = {family.name: family for module in _MODULES for family in module.FAMILIES}


def get_family(name: str) -> Family:
    try:
        return FAMILIES[name]
    except (KeyError, TypeError):
        raise UnknownFamilyError(str(name), sorted(FAMILIES)) from None


@dataclass(frozen=True)
class Variant:
    """One concrete exercise; `params` and `answer` are plain JSON-ready Python values."""

    family: str
    seed: int
    params: dict[str, Any]
    prompt: str
    answer: Any
    solution: str

    def to_dict(self) -> dict[str, Any]:
        return {"family": self.family, "seed": self.seed, "params": self.params, "prompt": self.prompt,
                "answer": self.answer, "solution": self.solution}


LIKE_ATTEMPTS = 20  # draws tried for a variant shaped like its card (most take the first)


def _shaped_like(drawn: Mapping[str, Any], like: Mapping[str, Any], topic: tuple[str, ...]) -> dict[str, Any]:
    """The drawn numbers under the card's question: the card's keys, its words, switches and topic."""
    shaped = {key: drawn.get(key, like[key]) for key in like}
    shaped.update({key: like[key] for key in like if isinstance(like[key], (bool, str)) or key in topic})
    return shaped


def generate_variant(name: str, seed: int, *, like: Mapping[str, Any] | None = None) -> Variant:
    """Same family, seed (and `like`) → the same variant on every machine.

    `like` is a card's own params, and its variants ask the card's question with fresh numbers:
    a variant has exactly the card's params (an optional param the card leaves out stays out, one
    it sets is set), and the card's words and switches — its text and true/false params, e.g. the
    metric of a "What is the FPR?" card, `bias: true` of a count its back works with biases — and
    the family's topic params (`Family.topic_params`) are the card's. A draw that cannot take them
    is drawn again from the next seeds (deterministically); after `LIKE_ATTEMPTS` the plain draw stands.
    """
    family = get_family(name)
    params = family.generate(default_rng(seed))
    if isinstance(like, Mapping) and like:
        for attempt in range(LIKE_ATTEMPTS):
            drawn = params if attempt == 0 else family.generate(default_rng([seed, attempt]))
            candidate = _shaped_like(drawn, like, family.topic_params)
            try:
                family.solve(candidate)
            except EngineParamsError:
                continue
            params = candidate
            break
    return Variant(family=name, seed=seed, params=params, prompt=family.prompt(params),
                   answer=family.solve(params), solution=family.solution(params))
