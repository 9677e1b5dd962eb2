"""`table` / `table_lines` / `column_table` against the plain padded-cell layout they replaced (a slow reference)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from flashdl.commands.output import column_table, table, table_lines


def reference(rows: list[list[str]], headers: list[str], right: set[int]) -> str:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row)]

    def fmt(row: list[str]) -> str:
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))]
        return "  ".join(cells).rstrip()

    return "\n".join([fmt(headers), fmt(["-" * w for w in widths]), *map(fmt, rows)])


cells = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"), max_size=12)


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
    assert text == reference(rows, headers, set()) + "\n"
