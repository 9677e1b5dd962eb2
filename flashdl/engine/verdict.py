"""The result of checking one typed answer; maps 1:1 to `flashdl engine check --json`."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Verdict:
    correct: bool
    expected: str
    given: str
    feedback: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)
