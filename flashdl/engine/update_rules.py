"""What the optimiser families' update rules share (``adam``, ``optimizers``)."""

from __future__ import annotations

import math

from flashdl.engine.errors import EngineParamsError


def adaptive_denominator(state: float, eps: float) -> float:
    """√state + eps, the divisor of an adaptive step; 0 (every g² so far 0, or too small for a
    float, and eps 0) is refused: the step would be g/0, NaN or infinite in torch."""
    denominator = math.sqrt(state) + eps
    if denominator == 0:
        raise EngineParamsError("eps", "is 0 while the squared gradients are still 0: the step "
                                       "would divide by 0; give eps > 0 or a non-zero first gradient")
    return denominator
