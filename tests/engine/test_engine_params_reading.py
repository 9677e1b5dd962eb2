"""Params readers: `read_array` against numpy, and `cached_reading` returns what the reader would."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from flashdl.engine.errors import EngineParamsError
from flashdl.engine.grid import Grid
from flashdl.engine.params import MAX_INT_ENTRY, cached_reading, read_array

SIDES = st.integers(1, 5)
ENTRIES = st.integers(-MAX_INT_ENTRY, MAX_INT_ENTRY)


@st.composite
def int_tensors(draw: st.DrawFn) -> list[Any]:
    shape = draw(st.lists(SIDES, min_size=1, max_size=3))
    flat = draw(st.lists(ENTRIES, min_size=int(np.prod(shape)), max_size=int(np.prod(shape))))
    return np.array(flat, dtype=np.int64).reshape(shape).tolist()


def _kinds(grid: Grid) -> set[type]:
    return set(map(type, grid.flat))


@given(int_tensors())
def test_read_array_of_ints_is_numpys_array(value: list[Any]) -> None:
    """A Grid of plain ints holding what numpy's int64 array holds (tolist types included)."""
    array = read_array({"x": value}, "x", ranks=(1, 2, 3))
    reference = np.array(value)
    assert reference.dtype == np.int64 and _kinds(array) == {int} and array.shape == reference.shape
    assert array.tolist() == reference.tolist() and array.integral


@given(int_tensors(), st.data())
def test_read_array_with_a_float_or_numpy_entry_matches_numpy(value: list[Any], data: st.DataObject) -> None:
    array = np.array(value)
    index = tuple(data.draw(st.integers(0, side - 1)) for side in array.shape)
    kind = data.draw(st.sampled_from(["float", "numpy"]))
    entry = array[index]
    cell = value
    for i in index[:-1]:
        cell = cell[i]
    nudge = 0.5 if entry < 0 else -0.5  # towards 0: the entries stay within MAX_INT_ENTRY
    cell[index[-1]] = float(entry) + nudge if kind == "float" else np.int64(entry)
    result = read_array({"x": value}, "x", ranks=(1, 2, 3))
    if kind == "float":
        expected = array.astype(np.float64)
        expected[index] += nudge
        assert _kinds(result) == {float} and result.shape == expected.shape
        assert result.tolist() == expected.tolist() and not result.integral
    else:
        assert _kinds(result) == {int} and result.tolist() == array.tolist()


@pytest.mark.parametrize(("value", "message"), [
    ([[1, 2], [3]], "item 2 has shape [1], item 1 has [2]"),
    ([1, [2]], "item 2 has shape [1], item 1 has []"),
    ([[1, 2], 3], "item 2 has shape [], item 1 has [2]"),
    ([[1, [2]], [3, 4]], "item 2 has shape [1], item 1 has []"),
    ([], "each side must be between 1 and 64"),
    ([[True, 1]], "expected a number, got True"),
    ([[MAX_INT_ENTRY + 1]], "magnitude at most"),
    ([[0.5, -MAX_INT_ENTRY - 0.5]], "magnitude at most"),
    ([[1e308, 1.5]], "magnitude at most"),
])
def test_read_array_names_what_is_wrong(value: Any, message: str) -> None:
    with pytest.raises(EngineParamsError, match=message.replace("[", r"\[").replace("]", r"\]")):
        read_array({"x": value}, "x", ranks=(1, 2, 3))


def test_cached_reading_tells_true_one_and_one_point_zero_apart() -> None:
    calls: list[Mapping[str, Any]] = []

    def reader(params: Mapping[str, Any]) -> str:
        calls.append(params)
        return repr(params["v"])

    read = cached_reading(reader)
    assert [read({"v": value}) for value in (1, True, 1.0, 1, True, 1.0)] == ["1", "True", "1.0"] * 2
    assert len(calls) == 3   # the second round came from the cache


def test_cached_reading_reads_unpicklable_params_every_time() -> None:
    calls: list[Mapping[str, Any]] = []

    def reader(params: Mapping[str, Any]) -> int:
        calls.append(params)
        return 7

    read = cached_reading(reader)
    params = {"v": lambda: 0}
    assert read(params) == read(params) == 7
    assert len(calls) == 2


def test_cached_reading_does_not_cache_errors() -> None:
    calls = 0

    def reader(params: Mapping[str, Any]) -> int:
        nonlocal calls
        calls += 1
        raise EngineParamsError("v", "is required")

    read = cached_reading(reader)
    for _ in range(2):
        with pytest.raises(EngineParamsError):
            read({})
    assert calls == 2
