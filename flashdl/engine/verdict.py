"""The result of checking one typed answer; maps 1:1 to `flashdl engine check --json`."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Verdict:
    """`skipped`: the answer was empty — "I don't know", not a mistake: no feedback is given,
    and a study session shows the worked solution and records grade 1 (wrong, familiar on seeing it)."""

    correct: bool
    expected: str
    given: str
    feedback: str
    skipped: bool = False

    def to_dict(self) -> dict[str, object]:
        return asdict(self)
