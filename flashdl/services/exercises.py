"""Computed cards in a study session: the exercise shown and the check of a typed answer.

Which cards get a typed answer: every card with an ``engine`` block, with
the exercise always stated by the engine (``family.prompt(params)``) under
the card's front. The bundled decks show why: many engine blocks sit on a
conceptual card ("how is the kernel's gradient computed?") whose front holds
no numbers, so a typed answer is only possible with the exercise on screen;
and typing the number, checked, with the worked solution next to it, is
what serves a student on any computational card.

- ``vary: true``: a fresh variant of the family at each review (a new seed
  per review), so the student practises the method, not one number.
- no ``vary``: the card's own example (its ``params``).

The card's back is shown with the verdict and the worked solution. A card
whose family or params the engine cannot use is studied as a plain,
self-graded card (``exercise_for`` returns None), so a bad deck never blocks
a session. The engine (numpy) is imported on first use, not at start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flashdl.deck.model import EngineSpec
    from flashdl.engine import Verdict
    from flashdl.services.views import ComputedAnswer, StudyCard


@dataclass(frozen=True)
class ComputedExercise:
    card_id: int
    family: str
    seed: int | None  # None: the card's own params
    params: dict[str, Any]
    prompt: str  # the exercise, in the engine's words (plain text, matrices aligned)
    answer: Any  # the engine's value: a number, a vector or a matrix
    solution: str

    @property
    def varies(self) -> bool:
        return self.seed is not None

    def check(self, text: str) -> Verdict:
        """The engine's ``Verdict`` for ``text`` (never raises for a bad answer)."""
        from flashdl.engine import EngineError, Verdict, get_family

        try:
            return get_family(self.family).check(self.params, text)
        except EngineError as error:
            return Verdict(correct=False, expected="", given=text, feedback=f"could not check: {error}")

    @property
    def part_labels(self) -> dict[str, str]:
        """How the exercise names each part of a several-part answer (``grad_input`` is "dX",
        as the prompt asks and the feedback says); empty for a one-part answer."""
        from flashdl.engine import EngineError, get_family
        from flashdl.engine.answer_specs import PartsAnswer

        try:
            spec = get_family(self.family).answer_spec(self.params)
        except EngineError:
            return {}
        return {part.key: part.label for part in spec.parts} if isinstance(spec, PartsAnswer) else {}

    def logged_answer(self, text: str, verdict: Verdict) -> ComputedAnswer:
        """What the review log keeps of a checked answer: the variant, the text typed (empty
        for an empty answer, "I don't know", whatever blanks were typed) and the verdict."""
        from flashdl.services.views import ComputedAnswer

        return ComputedAnswer(params=self.params, typed="" if verdict.skipped else text,
                              correct=bool(verdict.correct))


def exercise_for(card: StudyCard, next_seed: Callable[[], int]) -> ComputedExercise | None:
    """The exercise for a ``StudyCard`` with an engine block (see the module docstring).

    ``next_seed`` is called only for a varying card: one seed per review.
    """
    spec = card.engine
    if spec is None:
        return None
    if spec.vary:
        return fresh_exercise(spec, next_seed(), card_id=card.id, fallback=False)
    return own_example(spec, card_id=card.id)


def fresh_exercise(spec: EngineSpec, seed: int, *, card_id: int = 0,
                   fallback: bool = True) -> ComputedExercise | None:
    """A fresh variant of ``spec``'s family keeping the card's topic (``like=`` its params).

    If the engine cannot draw one: the card's own example with ``fallback``
    (practice), else None (a study session shows the card self-graded).
    """
    from flashdl.engine import EngineError, generate_variant

    try:
        variant = generate_variant(spec.family, seed, like=spec.params)
    except (EngineError, ValueError, TypeError, KeyError):
        return own_example(spec, card_id=card_id) if fallback else None
    return ComputedExercise(
        card_id=card_id, family=spec.family, seed=seed, params=variant.params,
        prompt=variant.prompt, answer=variant.answer, solution=variant.solution,
    )


def own_example(spec: EngineSpec, *, card_id: int = 0) -> ComputedExercise | None:
    """The exercise of a card's own ``params`` (even when it varies), or None if the engine
    cannot use them: the non-varying study exercise, and what ``flashdl show`` prints."""
    from flashdl.engine import EngineError, get_family

    try:
        family = get_family(spec.family)
        params = dict(spec.params)
        return ComputedExercise(
            card_id=card_id, family=spec.family, seed=None, params=params, prompt=family.prompt(params),
            answer=family.solve(params), solution=family.solution(params),
        )
    except (EngineError, ValueError, TypeError, KeyError):
        return None


def preload_engine() -> None:
    """Import the engine ahead of the first computed card (from a worker)."""
    import flashdl.engine  # noqa: F401


def random_seeds() -> Iterator[int]:
    """A fresh variant seed per review (not reproducible on purpose)."""
    import random  # here: `show` and `check` draw no seeds and need not import it

    system = random.SystemRandom()
    while True:
        yield system.randrange(2**32)
