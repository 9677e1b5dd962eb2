"""Printing results: data on stdout, messages on stderr (clig.dev)."""

from __future__ import annotations

import json
from typing import Any

from flashdl.commands.context import Context


def emit_json(ctx: Context, data: Any) -> None:
    """One JSON document on stdout, flushed (scripts may read it line by line)."""
    ctx.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    ctx.stdout.flush()


def emit_line(ctx: Context, text: str = "") -> None:
    ctx.stdout.write(text + "\n")


def warn(ctx: Context, text: str) -> None:
    ctx.stderr.write(f"flashdl: {text}\n")


def table(rows: list[list[str]], headers: list[str], *, right: set[int] | None = None) -> str:
    """A plain-text table with aligned columns (numbers right-aligned)."""
    right = right or set()
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row)]

    def fmt(row: list[str]) -> str:
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))]
        return "  ".join(cells).rstrip()

    return "\n".join([fmt(headers), fmt(["-" * w for w in widths]), *map(fmt, rows)])
