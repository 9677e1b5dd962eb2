"""`emit_json_objects` writes what `emit_json` writes for the same list of dicts, byte for byte."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from flashdl.clock import FixedClock
from flashdl.commands.context import Context
from flashdl.commands.output import emit_json, emit_json_objects
from flashdl.scheduler.queue import QueueKind


def written(write: Callable[..., None], *args: object) -> str:
    out = io.StringIO()
    ctx = Context(clock=FixedClock(datetime(2024, 3, 1, tzinfo=UTC)), db_path=Path("unused"), stdout=out)
    write(ctx, *args)
    return out.getvalue()


# lone surrogates too (lists joined: st.text would drop them from its alphabet)
text = st.lists(st.one_of(st.characters(exclude_categories=()),
                          st.sampled_from(['"', "\\", "{", "}", "0", "\n", "\x00", "\ud800", "…", "\u2028"]))
                ).map("".join)
values = st.one_of(text, st.sampled_from(list(QueueKind)))


@given(data=st.data(), width=st.integers(1, 4))
def test_objects_written_column_by_column_are_the_json_of_the_list(data: st.DataObject, width: int) -> None:
    keys = data.draw(st.lists(text, min_size=width, max_size=width, unique=True))
    rows = data.draw(st.lists(st.lists(values, min_size=width, max_size=width), max_size=10))
    cuts = sorted(data.draw(st.lists(st.integers(0, len(rows)), max_size=4)))
    chunks = [rows[start:end] for start, end in zip([0, *cuts], [*cuts, len(rows)])]
    by_column = [[[row[i] for row in chunk] for i in range(width)] for chunk in chunks]
    expected = written(emit_json, [dict(zip(keys, row)) for row in rows])
    assert written(emit_json_objects, keys, by_column) == expected
