"""``flashdl check``: validate deck files and audit the answers they state.

Nothing here touches the database: check is what an author runs in a loop
while editing decks, and what CI runs over ``cards/``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, NamedTuple

from flashdl.commands.context import Context
from flashdl.commands.output import emit_json, emit_line
from flashdl.deck.engine_families import ENGINE_FAMILIES
from flashdl.deck.files import bundled_decks_dir, deck_paths, read_text_file
from flashdl.deck.model import Deck
from flashdl.deck.yaml_deck import parse_deck
from flashdl.deck.yaml_syntax import locate
from flashdl.errors import InputError

EXIT_OK = 0
EXIT_PROBLEMS = 1


# A named tuple and a plain class, not dataclasses: making a dataclass costs ~0.4 ms at every
# start of `check` (issue 17), and these are records no one compares or copies.
class CheckError(NamedTuple):
    file: str
    line: int | None
    message: str
    column: int | None = None  # where the parser knows it, as import names it (file:line:column)


class CheckReport:
    def __init__(self) -> None:
        self.decks = 0
        self.cards = 0
        self.errors: list[CheckError] = []
        self.audit: list[dict[str, Any]] = []

    @property
    def wrong(self) -> list[dict[str, Any]]:
        return [entry for entry in self.audit if entry["verdict"] == "wrong"]

    def to_json(self) -> dict[str, Any]:
        return {
            "decks": self.decks,
            "cards": self.cards,
            "errors": [error._asdict() for error in self.errors],
            "audit": self.audit,
        }


def check_paths(paths: list[Path]) -> CheckReport:
    """Validate every deck file under ``paths`` and audit its computed cards."""
    families = ENGINE_FAMILIES
    report = CheckReport()
    seen_ids: dict[str, str] = {}
    files = deck_paths(paths)
    if not files:
        report.errors.append(CheckError(", ".join(map(str, paths)), None, "no deck files found"))
    for path in files:
        try:
            text = read_text_file(path)
            deck = parse_deck(text, str(path), known_families=families)
        except InputError as error:
            column = error.position.column if error.position is not None else None
            report.errors.append(CheckError(error.file or str(path), error.line, error.message, column))
            continue
        if deck.id in seen_ids:
            where = locate(text, ("id",))
            report.errors.append(
                CheckError(str(path), where[0] if where else None,
                           f"deck id {deck.id!r} is also used by {seen_ids[deck.id]}")
            )
            continue
        seen_ids[deck.id] = str(path)
        report.decks += 1
        report.cards += len(deck.cards)
        _audit_deck(deck, text, str(path), report)
    return report


def _audit_deck(deck: Deck, text: str, filename: str, report: CheckReport) -> None:
    for index, card in enumerate(deck.cards):
        if card.engine is None:
            continue
        from flashdl.engine.audit import audit_card  # the engine only for a computed card
        from flashdl.engine.errors import EngineParamsError

        try:
            entry = audit_card(deck.full_id(card), card.engine.family, dict(card.engine.params), card.back)
        except EngineParamsError as error:
            where = locate(text, ("cards", index, "engine", "params"))
            report.errors.append(CheckError(filename, where[0] if where else None, str(error)))
            continue
        report.audit.append(
            {
                "card": entry.card,
                "family": entry.family,
                "stated": entry.stated,
                "computed": entry.computed,
                "verdict": entry.verdict,
            }
        )


def default_paths() -> list[Path]:
    local = Path("cards")
    return [local] if local.is_dir() else [bundled_decks_dir()]


def check(args: argparse.Namespace, ctx: Context) -> int:
    paths = [Path(p) for p in args.paths] or default_paths()
    report = check_paths(paths)
    if args.json:
        emit_json(ctx, report.to_json())
    else:
        _print_report(ctx, report)
    return EXIT_PROBLEMS if report.errors or report.wrong else EXIT_OK


def _print_report(ctx: Context, report: CheckReport) -> None:
    for error in report.errors:
        where = f"{error.file}:{error.line}" if error.line else error.file
        if error.line and error.column:
            where += f":{error.column}"
        emit_line(ctx, f"error  {where}: {error.message}")
    for entry in report.audit:
        if entry["verdict"] == "wrong":
            emit_line(ctx, f"wrong     {entry['card']} ({entry['family']}): "
                           f"the back says {entry['stated']}, the engine computes {entry['computed']}")
        elif entry["verdict"] == "unparsed":
            emit_line(ctx, f"unparsed  {entry['card']} ({entry['family']}): no answer found on the back "
                           f"to compare with {entry['computed']}")
    ok = sum(1 for entry in report.audit if entry["verdict"] == "ok")
    emit_line(
        ctx,
        f"{report.decks} decks, {report.cards} cards, {len(report.errors)} errors; "
        f"audit: {ok} ok, {len(report.wrong)} wrong, "
        f"{len(report.audit) - ok - len(report.wrong)} unparsed",
    )
