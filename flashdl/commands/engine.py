"""``flashdl engine families|generate|solve|check`` (DESIGN §3).

The engine is imported only inside the handlers, so ``flashdl --help`` stays light; numpy only
when an array family solves float params (flashdl/engine/array_ops.py).
"""

from __future__ import annotations

import argparse
import json
import secrets
from typing import TYPE_CHECKING, Any

from flashdl.commands.output import emit_json, emit_line, table
from flashdl.errors import UsageError

if TYPE_CHECKING:
    from flashdl.commands.context import Context
    from flashdl.engine.family import Family

EXIT_OK = 0
EXIT_WRONG = 1   # `engine check` on a wrong (or empty) answer, as `check` on problems
MAX_SEED = 2**31 - 1   # random seeds stay short enough to read back and retype


def families(args: argparse.Namespace, ctx: Context) -> int:
    from flashdl.engine import FAMILIES

    rows = [{"family": name, "title": family.title, "integral": family.integral}
            for name, family in sorted(FAMILIES.items())]
    if args.json:
        emit_json(ctx, rows)
    else:
        emit_line(ctx, table([[name, family.title] for name, family in sorted(FAMILIES.items())],
                             ["family", "exercise"]))
    return EXIT_OK


def generate(args: argparse.Namespace, ctx: Context) -> int:
    from flashdl.engine import generate_variant

    _family(args.family)
    seed = args.seed if args.seed is not None else secrets.randbelow(MAX_SEED)
    if seed < 0:
        raise UsageError(f"--seed must be a non-negative integer, got {seed}")
    variant = generate_variant(args.family, seed)
    if args.json:
        emit_json(ctx, variant.to_dict())
        return EXIT_OK
    family = _family(args.family)
    emit_line(ctx, f"{family.title} — family {variant.family}, seed {variant.seed}")
    emit_line(ctx, f"params: {json.dumps(variant.params)}")
    emit_line(ctx)
    emit_line(ctx, variant.prompt)
    emit_line(ctx)
    emit_line(ctx, f"Answer: {family.answer_spec(variant.params).format(variant.answer)}")
    emit_line(ctx)
    emit_line(ctx, "Worked solution:")
    emit_line(ctx, variant.solution)
    return EXIT_OK


def solve(args: argparse.Namespace, ctx: Context) -> int:
    family = _family(args.family)
    params = _params(args.params)
    answer = _engine_call(lambda: family.solve(params))
    if args.json:
        emit_json(ctx, {"family": family.name, "params": params, "answer": answer})
    else:
        emit_line(ctx, f"{family.title}: {family.answer_spec(params).format(answer)}")
        emit_line(ctx)
        emit_line(ctx, _engine_call(lambda: family.solution(params)))
    return EXIT_OK


def check(args: argparse.Namespace, ctx: Context) -> int:
    family = _family(args.family)
    params = _params(args.params)
    verdict = _engine_call(lambda: family.check(params, args.answer))
    if args.json:
        emit_json(ctx, verdict.to_dict())
    else:
        emit_line(ctx, "correct" if verdict.correct else "no answer" if verdict.skipped else "wrong")
        emit_line(ctx, f"expected: {verdict.expected}")
        emit_line(ctx, f"given:    {verdict.given}")
        if not verdict.correct and verdict.feedback:
            emit_line(ctx, f"feedback: {verdict.feedback}")
    return EXIT_OK if verdict.correct else EXIT_WRONG


def _family(name: str) -> Family:
    from flashdl.engine import UnknownFamilyError, get_family

    try:
        return get_family(name)
    except UnknownFamilyError as error:
        raise UsageError(str(error)) from None


def _params(text: str) -> dict[str, Any]:
    from flashdl.engine import EngineParamsError
    from flashdl.engine.params import load_params_json

    try:  # bounded nesting: plain json.loads raises RecursionError on '[' * 50_000
        return load_params_json(text)
    except EngineParamsError as error:
        raise UsageError(f"--params {error.detail}") from None


def _engine_call(call: Any) -> Any:
    from flashdl.engine import EngineParamsError

    try:
        return call()
    except EngineParamsError as error:
        raise UsageError(f"--params: {error}") from None
