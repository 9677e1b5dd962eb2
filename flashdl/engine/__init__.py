"""flashdl's numeric engine: fresh variants of computational cards, answer checking, audits.

Pure: no I/O, no clock; randomness comes in as a seeded generator drawing numpy's own stream
(`pcg_random`) and integer arrays are solved in plain Python (`array_ops`), so numpy is imported
only when an array family solves params holding a float.
"""

from flashdl.engine.errors import AnswerParseError, EngineError, EngineParamsError, UnknownFamilyError
from flashdl.engine.family import Family
from flashdl.engine.registry import FAMILIES, Variant, generate_variant, get_family
from flashdl.engine.verdict import Verdict

__all__ = [
    "FAMILIES",
    "AnswerParseError",
    "EngineError",
    "EngineParamsError",
    "Family",
    "UnknownFamilyError",
    "Variant",
    "Verdict",
    "generate_variant",
    "get_family",
]
