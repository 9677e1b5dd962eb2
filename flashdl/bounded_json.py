"""JSON from outside, read with a bound on its nesting depth.

``json.loads`` recurses once per nesting level: ``'[' * 50_000`` raises
``RecursionError`` (not ``ValueError``), which no caller expects, and a
deeply nested value breaks every recursive function it is handed next. So
text from a user, a deck, a package or a side file is measured first, in one
linear pass (strings skipped), and refused when it nests deeper than the
caller allows. Pure: no I/O.
"""

from __future__ import annotations

import json
import re
from typing import Any

PARAMS_MAX_DEPTH = 16  # engine params, in deck files and typed on the command line alike

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


class JSONTooDeepError(ValueError):
    """JSON text nested deeper than its reader allows."""


def check_depth(text: str, limit: int) -> None:
    """Raise ``JSONTooDeepError`` when ``text`` opens more than ``limit`` nested arrays/objects."""
    if text.count("[") + text.count("{") <= limit:
        return  # the usual case: too few brackets to nest that deep, no scan needed
    depth = 0
    for bracket in _BRACKET.findall(_STRING.sub("", text)):
        if bracket in "[{":
            depth += 1
            if depth > limit:
                raise JSONTooDeepError(f"nested more than {limit} levels deep")
        else:
            depth -= 1


def loads(text: str, *, max_depth: int) -> Any:
    """``json.loads`` of ``text`` nested at most ``max_depth`` levels; every failure is a ``ValueError``."""
    check_depth(text, max_depth)
    return json.loads(text)
