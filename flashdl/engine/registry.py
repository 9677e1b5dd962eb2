"""All families by name, and the one call a study session needs: a variant from a seed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

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


def generate_variant(name: str, seed: int, *, like: Mapping[str, Any] | None = None) -> Variant:
    """Same family, seed (and `like`) → the same variant on every machine.

    `like` is a card's own params: the family's topic params (`Family.topic_params`, e.g. the
    metric of a "What is the FPR?" card) are carried over from it, so fresh variants keep
    asking the card's question; when the combination is invalid they are left as drawn.
    """
    family = get_family(name)
    params = family.generate(np.random.default_rng(seed))
    if like is not None:
        pinned = {key: like[key] for key in family.topic_params if isinstance(like, Mapping) and key in like}
        if pinned:
            candidate = {**params, **pinned}
            try:
                family.solve(candidate)
                params = candidate
            except EngineParamsError:
                pass
    return Variant(family=name, seed=seed, params=params, prompt=family.prompt(params),
                   answer=family.solve(params), solution=family.solution(params))
