"""All families by name, and the one call a study session needs: a variant from a seed."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from flashdl.engine.errors import EngineParamsError, UnknownFamilyError
from flashdl.engine.family import Family
from flashdl.engine.pcg_random import default_rng

# Which module of `flashdl.engine.families` defines each family, in the order `engine families`
# has always listed them. A command about one card (`show`, `check`, a study session) then
# imports one module, not all nineteen (issue 17: ~5 ms of a 35 ms start-up); the test
# `tests/engine/test_registry.py` holds this table to the modules' own `FAMILIES`.
MODULE_OF: Mapping[str, str] = {
    "conv2d_output_size": "output_sizes",
    "pool_output_size": "output_sizes",
    "conv_transpose2d_output_size": "output_sizes",
    "conv2d_param_count": "param_counts",
    "linear_param_count": "param_counts",
    "batchnorm2d_param_count": "param_counts",
    "activation_memory": "activation_memory",
    "receptive_field": "receptive_field",
    "conv2d_forward": "conv_forward",
    "true_conv2d_forward": "conv_forward",
    "conv2d_backward": "conv_backward",
    "maxpool2d_forward": "maxpool",
    "maxpool2d_backward": "maxpool",
    "conv_transpose2d_forward": "conv_transpose",
    "confusion_metrics": "confusion_metrics",
    "roc_points": "roc_points",
    "init_scale": "init_scale",
    "softmax": "softmax",
    "cross_entropy": "softmax",
    "adam_step": "adam",
    "dropout_scaling": "dropout",
    "rnn_param_count": "sequence_params",
    "embedding_param_count": "sequence_params",
    "multihead_attention_param_count": "sequence_params",
    "transformer_encoder_layer_param_count": "sequence_params",
    "conv2d_macs": "conv_macs",
    "box_iou": "box_iou",
    "optimizer_step": "optimizers",
    "binary_cross_entropy": "binary_cross_entropy",
}


class _Families(Mapping[str, Family]):
    """Every family by name; a family's module is imported when one of its families is first asked for."""

    def __init__(self) -> None:
        self._loaded: dict[str, Family] = {}

    def __getitem__(self, name: str) -> Family:
        family = self._loaded.get(name)
        if family is None:
            module = importlib.import_module(f"flashdl.engine.families.{MODULE_OF[name]}")
            self._loaded.update((f.name, f) for f in module.FAMILIES)
            family = self._loaded[name]
        return family

    def __contains__(self, name: object) -> bool:
        return name in MODULE_OF

    def __iter__(self) -> Iterator[str]:
        return iter(MODULE_OF)

    def __len__(self) -> int:
        return len(MODULE_OF)

    def __repr__(self) -> str:
        return f"<{len(self)} engine families>"


FAMILIES: Mapping[str, Family] = _Families()


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
