"""Delimited text in Anki's plain-text format (INTEROP §3b), both ways.

Reading: optional ``#key:value`` header lines (``separator``, ``html``,
``tags``, ``columns``, ``notetype``, ``deck``, and the 1-based ``guid``,
``tags``, ``deck`` and ``notetype column``), then one note per record, quoted
the CSV way. Without headers the file is the plain two-column front/back
layout Quizlet and Brainscape export: exactly two fields a row, so that a
separator inside an unquoted definition (``term,definition, with a comma``)
is an error naming its line, never the rest of the definition read as tags
(a tags column is declared with ``#tags column:``). Rows must all have the
same number of fields: a ragged row is an error naming its line, never a
silently shifted card. The separator is the ``#separator:`` header's, else
the one the user chose (``chosen``), else the format's default; a chosen one
that differs from the header's is an error, since Anki's import dialog greys
its separator choice out when the file names one (the file wins).

Writing: the columns of flashdl's Anki note type (see ``anki_notetype``), so
a file written here imports into Anki onto the notes a flashdl .apkg made
(same GUIDs), and back into flashdl without loss (``#html:false``: the text
is the Markdown itself). Spreadsheets run a cell starting with ``=``, ``+``,
``-``, ``@``, tab or CR as a formula, so such a cell is guarded, and reading a
file in flashdl's own layout (``is_own_layout``) takes the guard off again: in
an HTML field (``#html:true``) the first character becomes its numeric entity
(``&#45;``), which Anki shows as the character itself, so the note imported
into Anki is unchanged (a ``'`` in front, OWASP's usual advice, showed in Anki);
any other cell gets a ``'`` in front (as does one starting with ``'``, so that
reading strips exactly one). The GUID cell of an HTML file is written as it is:
Anki matches notes by it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from flashdl.errors import InputError, SourcePosition

SEPARATOR_NAMES = {"comma": ",", "semicolon": ";", "tab": "\t", "space": " ", "pipe": "|",
                   "colon": ":"}
SEPARATOR_WORDS = {value: key.capitalize() for key, value in SEPARATOR_NAMES.items()}
COLUMN_KEYS = {"guid column": "guid", "tags column": "tags", "deck column": "deck",
               "notetype column": "notetype"}
MAX_FIELDS = 64
FORMULA_STARTS = frozenset("=+-@\t\r'")  # the first characters guarded on export
_ENTITY_GUARDS = {f"&#{ord(char)};": char for char in "=+-@\t\r"}  # in HTML fields


@dataclass(frozen=True)
class TextNote:
    line: int
    fields: tuple[str, ...]  # the note's own fields, in column order
    tags: tuple[str, ...] = ()
    guid: str | None = None
    deck: str | None = None
    notetype: str | None = None


@dataclass(frozen=True)
class TextNotes:
    html: bool
    columns: tuple[str, ...]  # names of the note's fields ("" where unnamed)
    notes: tuple[TextNote, ...]
    deck: str | None = None
    notetype: str | None = None
    separator: str = "\t"
    tags: tuple[str, ...] = ()  # ``#tags:``, for every note


def parse_separator(value: str) -> str | None:
    """The character Anki's separator name (``Tab``, ``comma``...; any case), ``\\t`` or one
    literal character stands for; None for anything else (a quote or a line break cannot
    separate fields that are quoted and split into lines)."""
    named = SEPARATOR_NAMES.get(value.strip().lower())
    if named:
        return named
    if value in ("\t", "\\t"):
        return "\t"
    char = value if len(value) == 1 else value.strip()
    if len(char) != 1 or char in '"\r\n' or (not char.isprintable() and char != "\t"):
        return None
    return char


def parse_text_notes(text: str, filename: str, *, separator: str,
                     chosen: str | None = None, rows: str | None = None) -> TextNotes:
    """Parse a delimited file; ``separator`` is the default when neither a ``#separator:``
    header nor the user (``chosen``) names one; a ``chosen`` one the header contradicts is
    an error (module docstring). ``rows``: the character between records, for Quizlet's
    "Between rows: Semicolon/Custom" (``_unquoted_records``); by default, a new line."""
    lines = text.split("\n")
    headers, first = _headers(lines, filename)
    declared = _separator(headers.get("separator"), filename, _header_line(lines, first))
    if declared and chosen and declared != chosen:
        raise InputError(f"#separator:{headers['separator']} names the {_word(declared)}, but "
                         f"--separator gave the {_word(chosen)}; the file's header wins, as in "
                         "Anki's import (drop --separator, or edit the header)",
                         SourcePosition(filename, _header_line(lines, first)))
    separator = declared or chosen or separator
    html = headers.get("html", "false").strip().lower() == "true"
    special = {role: _column(headers[key], key, filename)
               for key, role in COLUMN_KEYS.items() if key in headers}
    named = _split_names(headers["columns"], separator) if "columns" in headers else None
    guarded = is_own_layout(named or ())
    body = "\n".join(lines[first:])
    records: list[tuple[int, list[str]]] = []
    for start, row in (_quoted_records(body, first, separator, filename) if rows is None
                       else _unquoted_records(body, first, separator, rows)):
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) > MAX_FIELDS:
            raise InputError(f"{len(row)} fields in one row (at most {MAX_FIELDS})",
                             SourcePosition(filename, start))
        records.append((start, _unguarded(row, html, special) if guarded else row))
    width = len(named) if named else (len(records[0][1]) if records else 2)
    advice = ("nothing is quoted with --row-separator: export with separators the text does not hold"
              if rows is not None else "quote that field" if "separator" in headers
              else "quote that field, or name the separator with --separator")
    if not headers and records and width != 2:
        raise InputError(_headerless_width(width, separator, advice),
                         SourcePosition(filename, records[0][0]))
    for role, column in special.items():
        if records and column > width:
            raise InputError(f"#{role} column:{column} but the rows have {width} columns",
                             SourcePosition(filename, records[0][0]))
    notes = tuple(_note(start, row, width, special, filename, separator, advice)
                  for start, row in records)
    field_columns = [i for i in range(1, width + 1) if i not in special.values()]
    columns = tuple(named[i - 1] if named else "" for i in field_columns)
    return TextNotes(html=html, columns=columns, notes=notes, deck=headers.get("deck"),
                     notetype=headers.get("notetype"), separator=separator,
                     tags=tuple(headers.get("tags", "").split()))


def _quoted_records(body: str, first: int, separator: str,
                    filename: str) -> Iterator[tuple[int, list[str]]]:
    """``(line, fields)`` of each record, one a line unless quoted the CSV way."""
    reader = csv.reader(io.StringIO(body), delimiter=separator, quotechar='"', doublequote=True,
                        strict=True, skipinitialspace=False)
    line = first + 1
    try:
        for row in reader:
            start, line = line, first + reader.line_num + 1
            yield start, row
    except csv.Error as error:
        raise InputError(f"malformed CSV record ({error})", SourcePosition(filename, line)) from None


def _unquoted_records(body: str, first: int, separator: str, rows: str) -> Iterator[tuple[int, list[str]]]:
    """``(line, fields)`` of each record ending in ``rows``, as Quizlet writes them with another
    "Between rows" than New line: nothing is quoted, so a field may hold line breaks (the
    reason to pick another one) but neither separator. Line breaks around a record are not
    part of it (a record per line with a ``;`` at its end reads as the user means)."""
    line = first + 1
    for chunk in body.split(rows):
        record = chunk.strip("\r\n")
        start = line + chunk[: len(chunk) - len(chunk.lstrip("\r\n"))].count("\n")
        line += chunk.count("\n")
        yield start, record.split(separator) if record.strip() else []


def _headers(lines: list[str], filename: str) -> tuple[dict[str, str], int]:
    headers: dict[str, str] = {}
    index = 0
    while index < len(lines) and lines[index].startswith("#"):
        key, colon, value = lines[index][1:].partition(":")
        if colon:
            headers[key.strip().lower()] = value.strip()
        index += 1
    return headers, index


def _header_line(lines: list[str], first: int) -> int:
    """The 1-based line of the ``#separator:`` header (the first line if there is none)."""
    return next((i + 1 for i in range(first)
                 if lines[i][1:].partition(":")[0].strip().lower() == "separator"), 1)


def _separator(value: str | None, filename: str, line: int) -> str | None:
    if value is None:
        return None
    separator = parse_separator(value)
    if separator is None:
        raise InputError(f"unknown #separator:{value} (Comma, Semicolon, Tab, Space, Pipe, Colon "
                         "or one character)", SourcePosition(filename, line))
    return separator


def _headerless_width(width: int, separator: str, advice: str) -> str:
    """Why a file without headers whose first row is not front, back is refused, and what to do."""
    word = _word(separator)
    if width < 2:
        return (f"expected 2 columns (front, back), found {width}: is the separator not a {word}? "
                "Name it with --separator")
    tags = " (a third column of tags needs a '#tags column:3' line at the top)" if width == 3 else ""
    return (f"{width} fields where a file without headers has 2 (front, back): a {word} inside an "
            f"unquoted field? {advice[0].upper()}{advice[1:]}{tags}")


def _column(value: str, key: str, filename: str) -> int:
    try:
        column = int(value)
    except ValueError:
        column = 0
    if not 1 <= column <= MAX_FIELDS:
        raise InputError(f"#{key}:{value} is not a column number (1-based)",
                         SourcePosition(filename))
    return column


def _split_names(value: str, separator: str) -> list[str]:
    return next(csv.reader([value], delimiter=separator)) if value else []


def _note(line: int, row: list[str], width: int, special: dict[str, int], filename: str,
          separator: str, advice: str) -> TextNote:
    if len(row) != width:
        raise InputError(f"ragged row: {len(row)} fields where the file has {width} "
                         f"(a {_word(separator)} inside an unquoted field? {advice})",
                         SourcePosition(filename, line))

    def cell(role: str) -> str | None:
        column = special.get(role)
        return row[column - 1] if column else None

    columns = set(special.values())
    fields = tuple(value for i, value in enumerate(row, start=1) if i not in columns)
    tags = tuple((cell("tags") or "").split())
    return TextNote(line=line, fields=fields, tags=tags, guid=cell("guid") or None,
                    deck=cell("deck") or None, notetype=cell("notetype") or None)


def _word(separator: str) -> str:
    word = SEPARATOR_WORDS.get(separator)
    return word.lower() if word else repr(separator)


def write_text_notes(columns: Sequence[str], rows: Iterable[Sequence[str]], *, separator: str,
                     deck: str | None = None, notetype: str | None = None,
                     guid_column: int | None = None, tags_column: int | None = None,
                     html: bool = False) -> str:
    """Anki plain text: headers then rows (fields with separators, quotes or newlines quoted)."""
    out = io.StringIO()
    out.write(f"#separator:{SEPARATOR_WORDS.get(separator, separator)}\n")
    out.write(f"#html:{'true' if html else 'false'}\n")
    if notetype:
        out.write(f"#notetype:{notetype}\n")
    if deck:
        out.write(f"#deck:{deck}\n")
    if guid_column:
        out.write(f"#guid column:{guid_column}\n")
    if tags_column:
        out.write(f"#tags column:{tags_column}\n")
    writer = csv.writer(out, delimiter=separator, quotechar='"', doublequote=True,
                        lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    quoted = csv.writer(out, delimiter=separator, quotechar='"', doublequote=True,
                        lineterminator="\n", quoting=csv.QUOTE_ALL)
    out.write("#columns:")
    writer.writerow(columns)
    guid_index = guid_column - 1 if guid_column and html else None
    tags_index = tags_column - 1 if tags_column else None
    for row in rows:
        row = [cell if i == guid_index else _guard(cell, html=html and i != tags_index)
               for i, cell in enumerate(row)]
        # a record starting with "#" would read as a header line, and the csv module leaves a
        # lone CR unquoted (it quotes only the line terminator, LF): quote those records
        (quoted if row and (row[0].startswith("#") or any("\r" in cell for cell in row))
         else writer).writerow(row)
    return out.getvalue()


def is_own_layout(columns: Sequence[str]) -> bool:
    """flashdl's own export: its ``#columns:`` header names the note type's Card and flashdl."""
    return "Card" in columns and "flashdl" in columns


def _guard(cell: str, *, html: bool = False) -> str:
    """A cell a spreadsheet would run as a formula, guarded (module docstring): an HTML field's
    first character as its entity, any other cell with a ``'`` in front."""
    if not isinstance(cell, str) or cell[:1] not in FORMULA_STARTS:
        return cell
    if html:
        return cell if cell[0] == "'" else f"&#{ord(cell[0])};{cell[1:]}"
    return "'" + cell


def _unguarded(row: list[str], html: bool, special: dict[str, int]) -> list[str]:
    """A row of flashdl's own layout as written before ``write_text_notes`` guarded it."""
    guid, tags = (special.get(role, 0) - 1 for role in ("guid", "tags"))
    return [cell if html and i == guid else _unguard(cell, html=html and i != tags)
            for i, cell in enumerate(row)]


def _unguard(cell: str, *, html: bool = False) -> str:
    if html:
        head, semicolon, rest = cell.partition(";")
        char = _ENTITY_GUARDS.get(head + semicolon) if cell[:2] == "&#" else None
        return cell if char is None else char + rest
    return cell[1:] if cell[:1] == "'" else cell
