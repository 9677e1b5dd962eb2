"""Is a value a numpy one? Asked without importing numpy, which costs a command ~90 ms.

No value can be a numpy array or scalar before something has imported numpy, so these look numpy
up in `sys.modules` and answer False while it is absent. Params typed by a person or read from a
deck are plain Python; numpy values come from the array families' solving of float params and
from callers (tests, benchmarks) that pass their own.
"""

from __future__ import annotations

import sys
from typing import Any


def is_ndarray(value: Any) -> bool:
    np = sys.modules.get("numpy")
    return np is not None and isinstance(value, np.ndarray)


def is_integer(value: Any) -> bool:
    """A Python int (bool included, as `isinstance` has it) or a numpy integer."""
    if isinstance(value, int):
        return True
    np = sys.modules.get("numpy")
    return np is not None and isinstance(value, np.integer)


def is_floating(value: Any) -> bool:
    """A Python float or a numpy floating scalar (float32 is not a `float`)."""
    if isinstance(value, float):
        return True
    np = sys.modules.get("numpy")
    return np is not None and isinstance(value, np.floating)


def is_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return True
    np = sys.modules.get("numpy")
    return np is not None and isinstance(value, np.bool_)
