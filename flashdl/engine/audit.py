"""Audit of a computed card: does the answer stated on its back match the engine's?"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, NamedTuple

from flashdl.engine.answer_specs import for_audit
from flashdl.engine.registry import get_family
from flashdl.engine.stated_answers import find_stated

AuditVerdict = Literal["ok", "wrong", "unparsed"]


class AuditEntry(NamedTuple):
    card: str
    family: str
    stated: str | None      # the answer found on the back, normalised; None when none was found
    computed: str           # the engine's answer for the card's params
    verdict: AuditVerdict


def audit_card(card_id: str, family: str, params: Mapping[str, Any], back_text: str) -> AuditEntry:
    """Raises `UnknownFamilyError` / `EngineParamsError` for a broken engine block."""
    problem_family = get_family(family)
    spec = for_audit(problem_family.answer_spec(params))
    computed = problem_family.solve(params)
    stated = find_stated(spec, back_text, computed)
    if stated is None:
        return AuditEntry(card_id, family, None, spec.format(computed), "unparsed")
    verdict: AuditVerdict = "ok" if not spec.compare(computed, stated) else "wrong"
    return AuditEntry(card_id, family, spec.format(stated), spec.format(computed), verdict)
