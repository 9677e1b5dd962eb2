"""What the optimiser families' update rules share (``adam``, ``optimizers``)."""

from __future__ import annotations

import math

from flashdl.engine.errors import EngineParamsError
from flashdl.engine.precision import NOISE_DIGITS

_NOISE = 10.0 ** -NOISE_DIGITS


def adaptive_denominator(state: float, eps: float) -> float:
    """√state + eps, the divisor of an adaptive step; 0 (every g² so far 0, or too small for a
    float, and eps 0) is refused: the step would be g/0, NaN or infinite in torch."""
    denominator = math.sqrt(state) + eps
    if denominator == 0:
        raise EngineParamsError("eps", "is 0 while the squared gradients are still 0: the step "
                                       "would divide by 0; give eps > 0 or a non-zero first gradient")
    return denominator


def settled(total: float, *terms: float) -> float:
    """`total`, a sum of `terms`, or 0 when it is smaller than the terms' rounding noise at the
    12 significant digits answers are read to: 0.1 − 0.1·1 after 0.3 − 0.1 − 0.1 is 0, not the
    float's −2.8e-17, which a worked solution would print and the checker would ask for."""
    return 0.0 if abs(total) <= _NOISE * max(map(abs, terms), default=0.0) else total
