"""`table` / `table_lines` / `column_table` against the plain padded-cell layout they replaced (a slow reference)."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st

from flashdl.commands.output import column_table, table, table_lines


def _screen_width(text: str) -> int:
    """The reference: East Asian wide and fullwidth characters take two columns, others one."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def reference(rows: list[list[str]], headers: list[str], right: set[int],
              width: Callable[[str], int] = _screen_width) -> str:
    """Cells padded to the widest in their column, widths as on screen (``_screen_width``), or
    as ``width`` says (``column_table`` pads by characters: its padded columns are ids and days)."""
    widths = [width(h) for h in headers]
    for row in rows:
        widths = [max(w, width(cell)) for w, cell in zip(widths, row)]

    def fmt(row: list[str]) -> str:
        cells = [" " * (w - width(c)) + c if i in right else c + " " * (w - width(c))
                 for i, (c, w) in enumerate(zip(row, widths))]
        return "  ".join(cells).rstrip()

    return "\n".join([fmt(headers), fmt(["-" * w for w in widths]), *map(fmt, rows)])


# ASCII, Latin letters and the common wide scripts (CJK ideographs, Hangul): characters whose
# width on screen every table agrees on (Python's and Rich's disagree on some rarer code points).
cells = st.text(st.one_of(st.characters(min_codepoint=32, max_codepoint=126),
                          st.characters(min_codepoint=0xC0, max_codepoint=0x17F),
                          st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
                          st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3)), max_size=12)


@given(data=st.data(), columns=st.integers(1, 5))
def test_table_matches_the_padded_cell_layout(data: st.DataObject, columns: int) -> None:
    headers = data.draw(st.lists(cells, min_size=columns, max_size=columns))
    ragged = data.draw(st.booleans())
    row = st.lists(cells, min_size=1, max_size=columns + 1) if ragged else st.lists(cells, min_size=columns,
                                                                                       max_size=columns)
    rows = data.draw(st.lists(row, max_size=8))
    right = data.draw(st.sets(st.integers(0, columns - 1)))
    assert table(rows, headers, right=right) == reference(rows, headers, right)
    assert "\n".join(table_lines(rows, headers, right=right)) == reference(rows, headers, right)


# Any text, newlines and lone surrogates too: column_table packs a chunk's column into one UTF-8 string.
# (lists joined: st.text would drop the lone surrogates of its alphabet)
any_cells = st.lists(st.one_of(st.characters(exclude_categories=()),
                               st.sampled_from(["\n", "\ud800", " ", "\t", "…", "%", "{", "}", "s"])),
                     max_size=12).map("".join)


@given(data=st.data(), columns=st.integers(1, 5))
def test_column_table_matches_the_padded_cell_layout(data: st.DataObject, columns: int) -> None:
    """The rows given column by column, in chunks of any sizes, with any columns kept unpacked."""
    headers = data.draw(st.lists(any_cells, min_size=columns, max_size=columns))
    rows = data.draw(st.lists(st.lists(any_cells, min_size=columns, max_size=columns), max_size=12))
    cuts = sorted(data.draw(st.lists(st.integers(0, len(rows)), max_size=4)))
    chunks = [rows[start:end] for start, end in zip([0, *cuts], [*cuts, len(rows)])]
    repeats = data.draw(st.sets(st.integers(0, columns - 1)))
    by_column = [[[row[i] for row in chunk] for i in range(columns)] for chunk in chunks]
    text = "".join(column_table(by_column, headers, repeats=repeats))
    assert text == reference(rows, headers, set(), width=len) + "\n"



@given(st.lists(st.tuples(st.text(st.sampled_from("ab中文字카드"), min_size=1, max_size=8),
                          st.integers(0, 10**6)), min_size=1, max_size=6))
def test_wide_characters_keep_the_columns_aligned_on_screen(rows: list[tuple[str, int]]) -> None:
    """A deck named in Chinese pushed its numbers 16 columns right of their heading: padding
    counted characters, not the columns a wide character takes."""
    lines = list(table_lines([[name, str(count), "x"] for name, count in rows], ["name", "count", "end"],
                             right={1}))
    ends = {_screen_width(line) for line in lines[2:]}
    assert len(ends) == 1  # every row as wide on screen, the last column starting at one place
    count_end = _screen_width(lines[0].split("count")[0]) + len("count")
    for line, (_name, count) in zip(lines[2:], rows):
        head = line[: line.rindex(str(count)) + len(str(count))]
        assert _screen_width(head) == count_end  # right-aligned under its heading
