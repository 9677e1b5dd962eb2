"""Printing results: data on stdout, messages on stderr (clig.dev)."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from itertools import starmap
from json.encoder import encode_basestring  # what json.dumps(..., ensure_ascii=False) writes for a str
from typing import Any

from flashdl.commands.context import Context


def emit_json(ctx: Context, data: Any) -> None:
    """One JSON document on stdout, flushed (scripts may read it line by line)."""
    ctx.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    ctx.stdout.flush()


def emit_json_objects(ctx: Context, keys: Sequence[str], chunks: Iterable[Sequence[Sequence[str]]]) -> None:
    """What ``emit_json`` writes for a list of objects with ``keys`` and string values, byte for
    byte, written as the values come: column by column (one sequence per key), a chunk of
    objects at a time. A listing of 100,000 is never held whole, as a list of dicts or as text."""
    names = (json.dumps(key, ensure_ascii=False).replace("{", "{{").replace("}", "}}") for key in keys)
    template = "{{" + ", ".join(f"{name}: {{}}" for name in names) + "}}"
    opening = "["
    for columns in chunks:
        if not columns or not columns[0]:
            continue
        encoded = [map(encode_basestring, column) for column in columns]
        ctx.stdout.write(opening + ", ".join(starmap(template.format, zip(*encoded))))
        opening = ", "
    ctx.stdout.write("[]\n" if opening == "[" else "]\n")
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
    if any(len(row) != len(headers) for row in rows) or not (
            "".join(headers) + "".join(map("".join, rows))).isascii():
        yield from _padded_lines(rows, headers, right)
        return
    widths = [max(len(header), max(map(len, column), default=0))
              for header, column in zip(headers, zip(*rows))] if rows else [len(h) for h in headers]
    line = "  ".join(f"{{:{'>' if i in right else '<'}{w}}}" for i, w in enumerate(widths))
    yield line.format(*headers).rstrip()
    yield line.format(*["-" * w for w in widths]).rstrip()
    for row in rows:
        yield line.format(*row).rstrip()


def column_table(chunks: Iterable[Sequence[Sequence[str]]], headers: Sequence[str], *,
                 repeats: Collection[int] = ()) -> Iterator[str]:
    """The text of ``table`` (left-aligned), for rows given column by column (one sequence per
    header), a chunk of rows at a time; it comes a chunk of lines at a time, each line ending in
    a newline.

    The widths need every row before the first line: meanwhile each column of a chunk is kept
    packed, its cells joined by newlines in one UTF-8 string (a byte per cell besides its text,
    where a string per cell costs some 60), and unpacked when its lines are written. The
    columns in ``repeats`` hold a few strings over and over (a kind, a day): a list of them
    costs 8 bytes a cell already, so they are kept as they come.
    """
    widths = [len(header) for header in headers]
    kept: deque[list[Sequence[str] | bytes]] = deque()
    for columns in chunks:
        widths = [max(width, max(map(len, column), default=0)) for width, column in zip(widths, columns)]
        kept.append([column if i in repeats else _packed(column) for i, column in enumerate(columns)])
    line = "  ".join(f"{{:<{width}}}" for width in widths)
    yield f"{line.format(*headers).rstrip()}\n{line.format(*['-' * w for w in widths]).rstrip()}\n"
    # the rows: the last cell unpadded (rstrip takes off what padding would add, and more: an
    # empty last cell takes the spaces before it too, as in ``table``)
    row = "  ".join([*(f"%-{width}s" for width in widths[:-1]), "%s"])
    while kept:
        columns = [_unpacked(column) if isinstance(column, bytes) else column for column in kept.popleft()]
        if columns and columns[0]:
            yield "\n".join(map(str.rstrip, map(row.__mod__, zip(*columns)))) + "\n"


def _packed(column: Sequence[str]) -> bytes | list[str]:
    """The cells joined by newlines, as UTF-8 ("surrogatepass": any str comes back as it was),
    or a list of them when a cell holds a newline itself."""
    text = "\n".join(column)
    return text.encode("utf-8", "surrogatepass") if text.count("\n") == len(column) - 1 else list(column)


def _unpacked(packed: bytes) -> list[str]:
    return packed.decode("utf-8", "surrogatepass").split("\n")


def _padded_lines(rows: list[list[str]], headers: list[str], right: set[int]) -> Iterator[str]:
    """``table_lines`` cell by cell: for rows of other lengths than the headers, and for text
    that is not ASCII, padded by the columns each cell takes on screen (a CJK character or an
    emoji takes two: padding by characters pushed the numbers after a deck name in Chinese 16
    columns right of their headings). Rich's cell widths, Textual's own."""
    width_of: Callable[[str], int] = len
    if not ("".join(headers) + "".join(map("".join, rows))).isascii():
        from rich.cells import cell_len as width_of

    widths = list(map(width_of, headers))
    for row in rows:
        widths = [max(w, width_of(cell)) for w, cell in zip(widths, row)]

    def fmt(row: list[str]) -> str:
        cells = [" " * (w - width_of(c)) + c if i in right else c + " " * (w - width_of(c))
                 for i, (c, w) in enumerate(zip(row, widths))]
        return "  ".join(cells).rstrip()

    yield from [fmt(headers), fmt(["-" * w for w in widths]), *map(fmt, rows)]
