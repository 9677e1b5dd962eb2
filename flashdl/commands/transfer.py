"""``flashdl import`` and ``flashdl export``: decks and history in and out.

Formats are dispatched through ``IMPORTERS`` / ``EXPORTERS`` (format name ->
function) and ``SUFFIX_FORMATS`` (for ``--format auto``); adding a format
is adding an entry. An importer gets the paths, the parsed arguments and
the context; it parses and validates every input first, then opens the
store (``ctx.open_store()``) and writes in one transaction, returning a
``SyncReport`` (or an ``ImportReport`` that adds review history and
notes). So a bad input leaves the database as it was (not even created).
The use cases behind the formats other than YAML live in
``flashdl.services.exchange``.

``--dry-run`` runs the same importer against a throwaway copy of the database
(``store.scratch``, through ``_ScratchContext``), so it checks and counts
exactly what the import would, then prints that and the first cards; the
database, its folder, deck files and media are left as they were.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from flashdl.commands.context import Context
from flashdl.commands.output import emit_json, emit_line, table, warn
from flashdl.errors import InputError, SourcePosition, UsageError

if TYPE_CHECKING:
    from flashdl.deck.yaml_syntax import Progress
    from flashdl.store import Store
    from flashdl.services.exchange.imports import ImportReport, PreparedImport
    from flashdl.services.views import SyncReport

Importer = Callable[[list[Path], argparse.Namespace, Context], "SyncReport | ImportReport"]
Exporter = Callable[[argparse.Namespace, Context], int]  # opens the store itself

MAX_NOTES_SHOWN = 8  # a lecture-notes file can skip dozens of lines; stderr shows a sample
PREVIEW_CARDS = 5  # cards a dry run shows
SEPARATED_FORMATS = ("csv", "tsv", "txt")  # the formats --separator is for


def _import_yaml(paths: list[Path], args: argparse.Namespace, ctx: Context) -> SyncReport | ImportReport:
    from flashdl.services.deck_sync import load_deck_files, sync_decks

    if args.deck:
        raise UsageError("--deck is for formats without deck ids; a YAML deck names its own id")
    decks = load_deck_files(paths, progress_line(ctx.stderr))
    if not decks:
        raise UsageError("no deck files (*.yaml, *.yml) found in the paths given")
    if getattr(args, "with_history", False):
        return _apply(ctx, _with_side_files(decks, ctx))
    with ctx.open_store(session=True) as store:
        return sync_decks(store, decks, ctx.now())


PROGRESS_FROM_CHARS = 8_000_000  # files smaller than this (about 40,000 cards) read in well under a second
PROGRESS_STEP = 0.05  # a new line each 5 %


def progress_line(stream: TextIO) -> Callable[[Path], Progress | None] | None:
    """On a terminal, a ``\r``-rewritten line saying how far a large deck file has been read (a
    million-card flow-style deck takes about 40 s); off a terminal (scripts, pipes), nothing."""
    if not stream.isatty():
        return None

    def for_path(path: Path) -> Progress:
        shown = -1.0

        def report(done: int, total: int) -> None:
            nonlocal shown
            if total < PROGRESS_FROM_CHARS:
                return
            share = done / total
            if share >= 1.0:
                stream.write(f"\rreading {path.name}: done{' ' * 8}\n")
            elif share - shown >= PROGRESS_STEP:
                stream.write(f"\rreading {path.name}: {share:.0%}")
            else:
                return
            shown = share
            stream.flush()

        return report

    return for_path


def _with_side_files(decks: list, ctx: Context) -> PreparedImport:  # type: ignore[type-arg]
    """YAML decks plus the ``.history.json`` written next to each by ``export --with-history``."""
    from flashdl.services.exchange.exports import history_path_for
    from flashdl.services.exchange.imports import PreparedImport, load_history_side_file

    prepared = PreparedImport(decks=list(decks))
    for _deck, path in decks:
        side = history_path_for(Path(path))
        if side.is_file():
            prepared.saved.append(load_history_side_file(side, now=ctx.now()))
        else:
            prepared.notes.append(f"{path}: no history file {side.name} next to it")
    return prepared


def _apply(ctx: Context, prepared: PreparedImport) -> ImportReport:
    from flashdl.services.exchange.imports import apply_import

    if isinstance(ctx, _ScratchContext) and prepared.media:  # a dry run extracts no media
        from flashdl.formats.anki_media import media_dir_for

        files = len({name for media in prepared.media for _member, name in media.files})
        prepared.notes.append(f"{files} media file(s) the cards refer to would go into "
                              f"{media_dir_for(ctx.real_db)} (those not there already)")
        prepared.media = []

    # without --now, history days follow local (summer) time
    with ctx.open_store(session=True) as store:
        return apply_import(store, prepared, ctx.now(), local_time=not ctx.now_given)


def _import_sources(paths: list[Path], args: argparse.Namespace, ctx: Context) -> ImportReport:
    from flashdl.services.exchange.imports import load_sources

    return _apply(ctx, load_sources(paths, args.format, args.deck))


def _import_apkg(paths: list[Path], args: argparse.Namespace, ctx: Context) -> ImportReport:
    from flashdl.services.exchange.imports import load_apkg

    return _apply(ctx, load_apkg(paths, args.deck, with_history=args.with_history, now=ctx.now()))


def _import_text(paths: list[Path], args: argparse.Namespace, ctx: Context) -> ImportReport:
    from flashdl.services.exchange.imports import load_revlog, load_text

    chosen, rows = getattr(args, "separator", None), getattr(args, "row_separator", None)
    if all(_looks_like_revlog(path) for path in paths):
        if chosen not in (None, ",") or rows is not None:
            raise UsageError(f"{paths[0]}: a review log (its header names review columns), which is "
                             "comma-separated, a row a line; drop --separator and --row-separator")
        return _apply(ctx, load_revlog(paths, args.deck, now=ctx.now()))
    default = "\t" if args.format == "tsv" else ","
    if rows is not None and rows == (chosen or default):
        raise UsageError(f"--row-separator {rows!r} is also the separator between fields; name "
                         "another with --separator")
    return _apply(ctx, load_text(paths, args.deck, default, chosen, rows))


def _import_revlog(paths: list[Path], args: argparse.Namespace, ctx: Context) -> ImportReport:
    from flashdl.services.exchange.imports import load_revlog

    return _apply(ctx, load_revlog(paths, args.deck, now=ctx.now()))


def _import_txt(paths: list[Path], args: argparse.Namespace, ctx: Context) -> ImportReport:
    """``.txt``: Anki plain text when it starts with ``#`` headers, when ``--separator`` or
    ``--row-separator`` is given, or when its first line is ``term<TAB>definition`` with one
    tab (Quizlet's export with its default separators, pasted into a file); else a source
    document."""
    chosen = (getattr(args, "separator", None), getattr(args, "row_separator", None))
    if chosen != (None, None) or all(
            _first_line(path).startswith(("#separator:", "#html:", "#columns:"))
            or _first_line(path).count("\t") == 1 for path in paths):
        args.format = "tsv"
        return _import_text(paths, args, ctx)
    args.format = "auto"
    return _import_sources(paths, args, ctx)


def _first_line(path: Path) -> str:
    if not path.is_file():
        return ""  # a FIFO or device could block here; the importer refuses it by name
    try:
        with path.open("rb") as handle:
            return handle.readline(4096).decode("utf-8-sig", "replace").strip()
    except OSError:
        return ""  # the importer reports the problem with the file


def _looks_like_revlog(path: Path) -> bool:
    header = {name.strip() for name in _first_line(path).split(",")}
    return {"review_time", "review_rating"} <= header or {"id", "cid", "ease", "ivl"} <= header


IMPORTERS: dict[str, Importer] = {
    "yaml": _import_yaml, "brainscape": _import_sources, "notes": _import_sources,
    "apkg": _import_apkg, "csv": _import_text, "tsv": _import_text, "revlog": _import_revlog,
    "txt": _import_txt,
}
SUFFIX_FORMATS: dict[str, str] = {
    ".yaml": "yaml", ".yml": "yaml", ".apkg": "apkg", ".colpkg": "apkg", ".csv": "csv",
    ".tsv": "tsv", ".txt": "txt",
}
FOLDER_FORMAT = "yaml"


def detect_format(path: Path) -> str:
    """The format a path's name says; a missing path is named as missing, not as a riddle."""
    if path.is_dir():
        return FOLDER_FORMAT
    if not path.exists():
        raise InputError("no such file or folder", SourcePosition(str(path)))
    fmt = SUFFIX_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UsageError(f"{path}: cannot tell its format from the name; use --format")
    return fmt


def import_(args: argparse.Namespace, ctx: Context) -> int:
    paths = [Path(p) for p in args.paths]
    if args.bundled:
        if paths:
            raise UsageError("give either --bundled or paths, not both")
        if getattr(args, "dry_run", False):
            raise UsageError("--dry-run is for importing files; --bundled has none")
        return _import_bundled(ctx, args.json)
    if not paths:
        raise UsageError("name deck files or folders to import, or use --bundled")
    from flashdl.services.exchange.files import require_regular_file

    for path in paths:
        require_regular_file(path)  # before anything opens it: a FIFO blocks, /dev/zero never ends
    fmt = args.format
    if fmt == "auto":
        found = {detect_format(p) for p in paths}
        if len(found) > 1:
            raise UsageError(f"paths of several formats ({', '.join(sorted(found))}); import them separately")
        fmt = found.pop()
    args = argparse.Namespace(**{**vars(args), "format": fmt,  # importers see what was found
                                 "separator": _chosen_separator(args, "separator", fmt),
                                 "row_separator": _chosen_separator(args, "row_separator", fmt)})
    importer = IMPORTERS.get(fmt)
    if importer is None:
        raise UsageError(f"importing --format {fmt} is not supported yet")
    if getattr(args, "dry_run", False):
        return _dry_run(importer, paths, args, ctx)
    report = importer(paths, args, ctx)
    _print_report(ctx, report, args.json)
    return 0


def _chosen_separator(args: argparse.Namespace, option: str, fmt: str) -> str | None:
    """The character ``--separator`` or ``--row-separator`` names (Anki's names, ``\\t`` or one
    character), for the delimited-text formats only."""
    value = getattr(args, option, None)
    if value is None:
        return None
    flag = "--" + option.replace("_", "-")
    if fmt not in SEPARATED_FORMATS:
        raise UsageError(f"{flag} is for csv, tsv and txt files, not --format {fmt}")
    from flashdl.formats.anki_text import parse_separator

    separator = parse_separator(value)
    if separator is None:
        raise UsageError(f"{flag} {value!r}: name tab, comma, semicolon, space, pipe or colon, "
                         "or give one character (not a quote or a line break)")
    return separator


class _ScratchContext(Context):
    """The import's context with its database a throwaway copy (``store.scratch``): opened
    without the session's backup, and an error about it naming the user's database."""

    def __init__(self, ctx: Context, copy: Path) -> None:
        super().__init__(ctx.clock, copy, ctx.stdout, ctx.stderr, now_given=ctx.now_given)
        self.real_db = ctx.db_path

    def open_store(self, *, session: bool = False) -> Store:
        from flashdl.store import StoreError, open_store

        try:
            return open_store(self.db_path, create_folder=False, backup=False)
        except StoreError as error:
            message = str(error).replace(str(self.db_path), str(self.real_db))
            try:
                raise type(error)(message) from None
            except TypeError:
                raise StoreError(message) from None


def _dry_run(importer: Importer, paths: list[Path], args: argparse.Namespace, ctx: Context) -> int:
    """What the import would do, and its first cards, from the import run on a copy."""
    from flashdl.services.exchange.imports import ImportReport, preview_cards
    from flashdl.store.scratch import scratch_copy

    with scratch_copy(ctx.db_path, create_folder=ctx.db_is_default) as copy:
        scratch = _ScratchContext(ctx, copy)
        report = importer(paths, args, scratch)
        sync = report.sync if isinstance(report, ImportReport) else report
        with scratch.open_store() as store:
            preview = preview_cards(store, [d.deck for d in sync.decks], PREVIEW_CARDS)  # type: ignore[attr-defined]
    _print_report(ctx, report, args.json, extra_json={
        "dry_run": True, "preview": [{"card": card, "front": front, "back": back}
                                     for card, front, back in preview]})
    if preview and not args.json:
        from flashdl.commands.decks import _one_lines

        rows = [list(row) for row in zip([card for card, _f, _b in preview],
                                         _one_lines([front for _c, front, _b in preview]),
                                         _one_lines([back for _c, _f, back in preview]))]
        emit_line(ctx, f"first {len(rows)} card(s):")
        emit_line(ctx, table(rows, ["card", "front", "back"]))
    warn(ctx, f"dry run: nothing was written (not {ctx.db_path}, not its folder)")
    return 0


def _import_bundled(ctx: Context, as_json: bool) -> int:
    from flashdl.services.bundled_copies import COPIED, MERGED, sync_bundled_decks

    with ctx.open_store(session=True) as store:
        bundled = sync_bundled_decks(store, ctx.now())  # every file read and merged before a write
    _print_report(ctx, bundled.sync, as_json, extra_json={
        "copied": bundled.slugs(COPIED), "merged": bundled.slugs(MERGED),
        "conflicts": [{"deck": d.deck, "card": c.card, "field": c.field, "kind": c.kind,
                       "message": c.message(d.deck)} for d in bundled.decks for c in d.conflicts],
        "changed": [{"deck": d.deck, "card": c.card, "fields": list(c.fields), "message": c.message(d.deck)}
                    for d in bundled.decks for c in d.changed],
    })
    if not as_json:
        for deck in bundled.decks:
            if deck.action != "unchanged":
                emit_line(ctx, f"{deck.deck}: {deck.action} to {deck.path}")
    for line in bundled.conflict_lines():
        warn(ctx, f"conflict: {line}")
    for line in bundled.changed_lines():
        warn(ctx, f"changed: {line}")
    return 0


def _print_report(ctx: Context, report: SyncReport | ImportReport, as_json: bool,
                  extra_json: dict[str, object] | None = None) -> None:
    from flashdl.services.exchange.imports import ImportReport

    extra = report if isinstance(report, ImportReport) else None
    sync: SyncReport = extra.sync if extra else report  # type: ignore[assignment]
    history = extra.history if extra else None
    if as_json:
        data: dict[str, object] = {"decks": [
            {"deck": d.deck, "path": d.path, "added": d.added, "updated": d.updated,
             "retired": d.retired, "restored": d.restored, "unchanged": d.unchanged}
            for d in sync.decks
        ]}
        if history is not None:
            data["reviews"] = {"cards": history.cards, "added": history.added,
                               "duplicates": history.duplicates}
        if extra is not None:
            data["notes"] = list(extra.notes)
        data.update(extra_json or {})
        emit_json(ctx, data)
    else:
        if sync.decks:
            rows = [[d.deck, str(d.added), str(d.updated), str(d.retired), str(d.restored),
                     str(d.unchanged)] for d in sync.decks]
            emit_line(ctx, table(rows, ["deck", "added", "updated", "retired", "restored",
                                        "unchanged"], right={1, 2, 3, 4, 5}))
        if history is not None:
            emit_line(ctx, f"review history: {history.added} reviews added to {history.cards} cards"
                           f" ({history.duplicates} already there)")
    notes = list(extra.notes) if extra else []
    for note in notes[:MAX_NOTES_SHOWN]:
        warn(ctx, note)
    if len(notes) > MAX_NOTES_SHOWN:
        warn(ctx, f"... and {len(notes) - MAX_NOTES_SHOWN} more notes like these "
                  "(all of them are in the output of --json)")


def _export_yaml(args: argparse.Namespace, ctx: Context) -> int:
    from flashdl.services.exchange.exports import export_yaml

    with ctx.open_store() as store:
        result = export_yaml(store, args.deck, Path(args.out), with_history=args.with_history)
    return _exported(ctx, result)


def _export_apkg(args: argparse.Namespace, ctx: Context) -> int:
    from flashdl.services.exchange.exports import export_apkg

    with ctx.open_store() as store:
        return _exported(ctx, export_apkg(store, args.deck, Path(args.out), ctx.now(),
                                          with_history=args.with_history))


def _export_text(args: argparse.Namespace, ctx: Context) -> int:
    from flashdl.services.exchange.exports import export_text

    with ctx.open_store() as store:
        separator = "\t" if args.format == "tsv" else ","
        return _exported(ctx, export_text(store, args.deck, Path(args.out), separator))


def _export_revlog(args: argparse.Namespace, ctx: Context) -> int:
    from flashdl.services.exchange.exports import export_revlog

    with ctx.open_store() as store:
        return _exported(ctx, export_revlog(store, args.deck, Path(args.out)))


def _exported(ctx: Context, result: object) -> int:
    from flashdl.services.exchange.exports import ExportResult

    assert isinstance(result, ExportResult)
    line = f"exported {result.deck}: {result.cards} cards"
    if result.reviews:
        line += f", {result.reviews} review{'' if result.reviews == 1 else 's'}"
    if result.manual:
        line += f" (and {result.manual} Forget/Set due date row{'' if result.manual == 1 else 's'})"
    if result.media:
        line += f", {result.media} media file(s)"
    line += f" to {result.path}"
    if result.history_path:
        line += f" (history: {result.history_path})"
    emit_line(ctx, line)
    if result.missing_media:
        warn(ctx, f"{len(result.missing_media)} media file(s) the cards refer to are not in the media "
                  f"folder and were left out (e.g. {result.missing_media[0]!r})")
    return 0


EXPORTERS: dict[str, Exporter] = {
    "yaml": _export_yaml, "apkg": _export_apkg, "csv": _export_text, "tsv": _export_text,
    "revlog": _export_revlog,
}


def export(args: argparse.Namespace, ctx: Context) -> int:
    exporter = EXPORTERS.get(args.format)
    if exporter is None:
        raise UsageError(f"exporting --format {args.format} is not supported yet")
    if getattr(args, "with_history", False) and args.format not in ("yaml", "revlog", "apkg"):
        warn(ctx, f"--with-history has no effect on --format {args.format} "
                  "(history goes out with --format yaml or apkg --with-history, or --format revlog)")
    return exporter(args, ctx)
