"""Printing results: data on stdout, messages on stderr (clig.dev)."""

from __future__ import annotations

import json
from collections.abc import Iterator
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
    return "\n".join(table_lines(rows, headers, right=right))


def table_lines(rows: list[list[str]], headers: list[str], *, right: set[int] | None = None) -> Iterator[str]:
    """The lines of `table`, one at a time, so `flashdl due` writes 100,000 of them without
    joining them first; rows as long as the headers (every caller's) are filled by one format
    string made from the column widths, a quarter of the time of a join of padded cells."""
    right = right or set()
    if any(len(row) != len(headers) for row in rows):
        yield from _ragged_lines(rows, headers, right)
        return
    widths = [max(len(header), max(map(len, column), default=0))
              for header, column in zip(headers, zip(*rows))] if rows else [len(h) for h in headers]
    line = "  ".join(f"{{:{'>' if i in right else '<'}{w}}}" for i, w in enumerate(widths))
    yield line.format(*headers).rstrip()
    yield line.format(*["-" * w for w in widths]).rstrip()
    for row in rows:
        yield line.format(*row).rstrip()


def _ragged_lines(rows: list[list[str]], headers: list[str], right: set[int]) -> Iterator[str]:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row)]

    def fmt(row: list[str]) -> str:
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))]
        return "  ".join(cells).rstrip()

    yield from [fmt(headers), fmt(["-" * w for w in widths]), *map(fmt, rows)]
