"""`table` / `table_lines` against the plain padded-cell layout they replaced (a slow reference)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from flashdl.commands.output import table, table_lines


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
