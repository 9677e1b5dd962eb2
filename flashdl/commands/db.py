"""``flashdl db check | backup [PATH] | restore PATH``: the database file itself (DESIGN §3).

``check`` runs SQLite's ``integrity_check`` (exit 1 when it finds problems);
``backup`` writes a consistent copy (default: into ``<db>.backups/``, where
the automatic daily backups are); ``restore`` replaces the database with a
copy, atomically, after checking the copy (``flashdl.store.backup``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from flashdl.commands.context import Context
from flashdl.commands.output import emit_line
from flashdl.errors import UsageError


def check(args: argparse.Namespace, ctx: Context) -> int:
    from flashdl.store.backup import automatic_backups, check_file
    from flashdl.store.errors import recovery_advice

    found = check_file(ctx.db_path)
    if not found:
        emit_line(ctx, f"{ctx.db_path}: ok")
        return 0
    for problem in found:
        emit_line(ctx, f"{ctx.db_path}: {problem}")
    backups = automatic_backups(ctx.db_path)
    latest = f"; the newest backup is {backups[-1]}" if backups else ""
    print(f"flashdl: {ctx.db_path}: the database is damaged: {recovery_advice(str(ctx.db_path))}"
          f"{latest}", file=ctx.stderr)
    return 1


def backup(args: argparse.Namespace, ctx: Context) -> int:
    from flashdl.store.backup import backup_now

    target = backup_now(ctx.db_path, Path(args.path) if args.path else None)
    emit_line(ctx, f"backed up {ctx.db_path} to {target}")
    return 0


def restore(args: argparse.Namespace, ctx: Context) -> int:
    from flashdl.store.backup import restore as restore_file
    from flashdl.store.schema import SCHEMA_VERSION

    source = Path(args.path)
    if not ctx.db_path.parent.is_dir():
        raise UsageError(f"{ctx.db_path}: folder {ctx.db_path.parent} does not exist")
    restore_file(source, ctx.db_path, SCHEMA_VERSION)
    emit_line(ctx, f"restored {ctx.db_path} from {source}")
    return 0
