"""The chart arithmetic both stats front ends use, against slow references and hand-computed cases."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from flashdl.presentation.charts import (
    LEVELS,
    bar_length,
    column_rows,
    ease_label,
    fit_columns,
    interval_label,
    trim_empty,
)

counts = st.lists(st.integers(min_value=0, max_value=10_000), max_size=400)


@given(counts, st.integers(min_value=1, max_value=120))
def test_fit_columns_sums_neighbours_into_at_most_room_columns(values: list[int], room: int) -> None:
    labels = [f"d{i}" for i in range(len(values))]
    fitted, kept = fit_columns(values, labels, room)
    assert len(fitted) <= room and len(fitted) == len(kept)
    assert sum(fitted) == sum(values)
    # Reference: the smallest group size that fits, groups taken in order.
    group = 1
    while len(values) > group * room:
        group += 1
    expected = []
    for start in range(0, len(values), group):
        expected.append((sum(values[start:start + group]), labels[start]))
    assert list(zip(fitted, kept)) == expected


@given(counts, st.integers(min_value=1, max_value=120))
def test_a_historys_short_group_is_its_oldest(values: list[int], room: int) -> None:
    # Reference: the same groups counted back from the newest day (today's column is whole).
    labels = [f"d{i}" for i in range(len(values))]
    fitted, kept = fit_columns(values, labels, room, partial_first=True)
    group = 1
    while len(values) > group * room:
        group += 1
    expected = []
    for end in range(len(values), 0, -group):
        start = max(0, end - group)
        expected.insert(0, (sum(values[start:end]), labels[start]))
    assert list(zip(fitted, kept)) == expected


def test_365_days_in_64_columns_keep_todays_column_whole() -> None:
    fitted, kept = fit_columns([1] * 365, [str(day) for day in range(365)], 64, partial_first=True)
    assert fitted == [5] + [6] * 60 and kept[0] == "0" and kept[-1] == "359"


@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=80),
       st.integers(min_value=1, max_value=8), st.integers(min_value=1, max_value=3))
def test_column_rows_stack_each_value_in_eighths(values: list[int], height: int, step: int) -> None:
    rows = column_rows(values, height, step=step)
    top = max(values)
    if top == 0:
        assert rows == []
        return
    assert len(rows) == height and all(len(row) == len(values) * step for row in rows)
    for column, value in enumerate(values):
        cells = [row[column * step] for row in rows]
        eighths = sum(LEVELS.index(cell) for cell in cells)
        exact = value * height * 8 / top
        assert abs(eighths - exact) <= 0.5 or (value and eighths == 1)  # rounded; never hidden
        assert (eighths == 0) == (value == 0)
        filled = [LEVELS.index(cell) for cell in cells]
        assert filled == sorted(filled)  # stacked from the bottom up
    assert sum(LEVELS.index(row[values.index(top) * step]) for row in rows) == height * 8


def test_column_rows_by_hand() -> None:
    # 4 is the top: 16 eighths. 2 -> 8 eighths (one full lower row), 1 -> 4 eighths.
    assert column_rows([0, 1, 2, 4], 2) == ["   █", " ▄██"]


def test_bar_length() -> None:
    assert bar_length(0, 10, 40) == 0
    assert bar_length(1, 1000, 40) == 1  # a count above zero is never hidden
    assert bar_length(10, 10, 40) == 40
    assert bar_length(5, 10, 40) == 20


def test_trim_empty_keeps_the_span_with_counts() -> None:
    rows = [("a", 0), ("b", 3), ("c", 0), ("d", 1), ("e", 0)]
    assert trim_empty(rows) == [("b", 3), ("c", 0), ("d", 1)]
    assert trim_empty([("a", 0)]) == []


def test_bucket_labels() -> None:
    assert interval_label(1, 2) == "1 d"
    assert interval_label(2, 4) == "2–3 d"
    assert interval_label(2, 4, dash="-") == "2-3 d"
    assert interval_label(365, None) == "365+ d"
    assert ease_label(2.5, 2.6) == "2.5–2.6"
    assert ease_label(3.0, None) == "3.0+"


def test_axis_labels_name_the_first_and_last_value_at_least_a_space_apart() -> None:
    from flashdl.presentation.charts import axis_labels

    assert axis_labels(["01-10", "01-11", "01-12"], 20) == "01-10          01-12"
    assert axis_labels(["01-10", "01-11", "01-12"], 6) == "01-10 01-12"  # no room: still apart
    assert axis_labels(["01-12"], 2) == "01-12"  # one value, one label


def test_the_screen_chart_of_grouped_days_ends_on_the_last_day() -> None:
    from rich.style import Style

    from flashdl.tui.widgets.charts import column_chart

    labels = [f"d{i:02d}" for i in range(90)]  # two a column on an 80-column screen
    text = column_chart(list(range(90)), labels, width=80, height=3, bar=Style(), axis=Style())
    assert text.plain.splitlines()[-1].split() == ["d00", "d89"]
