"""``flashdl import`` and ``flashdl export``: decks and history in and out.

Formats are dispatched through ``IMPORTERS`` / ``EXPORTERS`` (format name ->
function) and ``SUFFIX_FORMATS`` (for ``--format auto``); adding a format
is adding an entry. An importer gets the paths, the parsed arguments and
the context; it parses and validates every input first, then opens the
store (``ctx.open_store()``) and writes in one transaction, returning a
``SyncReport``. So a bad input leaves the database as it was (not even
created).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from flashdl.commands.context import Context
from flashdl.commands.output import emit_json, emit_line, table
from flashdl.errors import UsageError

if TYPE_CHECKING:
    from flashdl.services.views import SyncReport

Importer = Callable[[list[Path], argparse.Namespace, Context], "SyncReport"]
Exporter = Callable[[argparse.Namespace, Context], int]  # opens the store itself


def _import_yaml(paths: list[Path], args: argparse.Namespace, ctx: Context) -> SyncReport:
    from flashdl.services.deck_sync import load_deck_files, sync_decks

    if args.deck:
        raise UsageError("--deck is for formats without deck ids; a YAML deck names its own id")
    decks = load_deck_files(paths)
    if not decks:
        raise UsageError("no deck files (*.yaml, *.yml) found in the paths given")
    with ctx.open_store() as store:
        return sync_decks(store, decks, ctx.now())


IMPORTERS: dict[str, Importer] = {"yaml": _import_yaml}
EXPORTERS: dict[str, Exporter] = {}
SUFFIX_FORMATS: dict[str, str] = {".yaml": "yaml", ".yml": "yaml"}
FOLDER_FORMAT = "yaml"


def detect_format(path: Path) -> str:
    if path.is_dir():
        return FOLDER_FORMAT
    fmt = SUFFIX_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UsageError(f"{path}: cannot tell its format from the name; use --format")
    return fmt


def import_(args: argparse.Namespace, ctx: Context) -> int:
    paths = [Path(p) for p in args.paths]
    if args.bundled:
        if paths:
            raise UsageError("give either --bundled or paths, not both")
        return _import_bundled(ctx, args.json)
    if not paths:
        raise UsageError("name deck files or folders to import, or use --bundled")
    fmt = args.format
    if fmt == "auto":
        found = {detect_format(p) for p in paths}
        if len(found) > 1:
            raise UsageError(f"paths of several formats ({', '.join(sorted(found))}); import them separately")
        fmt = found.pop()
    importer = IMPORTERS.get(fmt)
    if importer is None:
        raise UsageError(f"importing --format {fmt} is not supported yet")
    report = importer(paths, args, ctx)
    _print_report(ctx, report, args.json)
    return 0


def _import_bundled(ctx: Context, as_json: bool) -> int:
    from flashdl.deck.files import bundled_decks_dir
    from flashdl.services.deck_sync import load_deck_files, sync_decks

    folder = bundled_decks_dir()
    decks = load_deck_files([folder]) if folder.is_dir() else []  # parsed before any write
    if not decks:
        raise UsageError(f"no bundled decks found (looked in {folder})")
    with ctx.open_store() as store:
        report = sync_decks(store, decks, ctx.now())
    _print_report(ctx, report, as_json)
    return 0


def _print_report(ctx: Context, report: SyncReport, as_json: bool) -> None:
    if as_json:
        emit_json(ctx, {"decks": [
            {"deck": d.deck, "path": d.path, "added": d.added, "updated": d.updated,
             "retired": d.retired, "restored": d.restored, "unchanged": d.unchanged}
            for d in report.decks
        ]})
        return
    rows = [[d.deck, str(d.added), str(d.updated), str(d.retired), str(d.restored), str(d.unchanged)]
            for d in report.decks]
    emit_line(ctx, table(rows, ["deck", "added", "updated", "retired", "restored", "unchanged"],
                         right={1, 2, 3, 4, 5}))


def export(args: argparse.Namespace, ctx: Context) -> int:
    exporter = EXPORTERS.get(args.format)
    if exporter is None:
        raise UsageError(f"exporting --format {args.format} is not supported yet")
    return exporter(args, ctx)
