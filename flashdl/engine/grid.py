"""An immutable C-order array of plain Python numbers: what the array families read their params into.

numpy costs a command ~90 ms to import, and the exam-sized arrays of a card need none of it: a
flat tuple and a shape are enough to lay them out, index channels and rotate kernels.
"""

from __future__ import annotations

import math
from typing import Any


class Grid:
    """`flat` holds the entries row by row; `shape` their nesting (sides ≥ 1)."""

    __slots__ = ("_integral", "flat", "shape")

    flat: tuple[Any, ...]
    shape: tuple[int, ...]
    _integral: bool | None

    def __init__(self, flat: tuple[Any, ...], shape: tuple[int, ...]) -> None:
        object.__setattr__(self, "flat", flat)
        object.__setattr__(self, "shape", shape)
        object.__setattr__(self, "_integral", None)   # worked out when first asked

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a Grid is immutable")

    def __repr__(self) -> str:
        return f"Grid({self.tolist()!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Grid) and self.shape == other.shape and self.flat == other.flat

    def __hash__(self) -> int:
        return hash((self.flat, self.shape))

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return len(self.flat)

    @property
    def integral(self) -> bool:
        """Whether every entry is a plain int (numpy would hold them as int64)."""
        if self._integral is None:
            object.__setattr__(self, "_integral", set(map(type, self.flat)) == {int})
        return bool(self._integral)

    def tolist(self) -> list[Any]:
        """Nested lists, as `ndarray.tolist` gives them (fresh ones: the caller may change them)."""
        flat, shape = self.flat, self.shape
        if len(shape) == 2:   # the common cases in one comprehension each
            width = shape[1]
            return [list(flat[start: start + width]) for start in range(0, len(flat), width)]
        if len(shape) == 3:
            height, width = shape[1:]
            block = height * width
            return [[list(flat[start: start + width]) for start in range(corner, corner + block, width)]
                    for corner in range(0, len(flat), block)]
        nested: list[Any] = list(self.flat)
        for side in reversed(self.shape[1:]):
            nested = [nested[start: start + side] for start in range(0, len(nested), side)]
        return nested

    def __getitem__(self, index: int) -> Grid:
        """The `index`-th sub-array along the first axis (a channel of C×H×W, a row of a matrix)."""
        step = len(self.flat) // self.shape[0]
        if not 0 <= index < self.shape[0]:
            raise IndexError(index)
        return Grid(self.flat[index * step: (index + 1) * step], self.shape[1:])

    def lifted(self) -> Grid:
        """The same entries with a leading axis of 1 (`x[None]`): one matrix as one channel."""
        return Grid(self.flat, (1, *self.shape))

    def rotated(self) -> Grid:
        """Each matrix (the last two axes) turned by 180°: rows and columns reversed."""
        height, width = self.shape[-2:]
        block = height * width
        flat: list[Any] = []
        for start in range(0, len(self.flat), block):
            flat.extend(reversed(self.flat[start: start + block]))
        return Grid(tuple(flat), self.shape)

    def plus(self, number: Any) -> Grid:
        """Every entry plus `number` (numpy's `array + number` for int64/float64 arrays)."""
        return Grid(tuple([value + number for value in self.flat]), self.shape)


def from_nested(nested: Any) -> Grid:
    """A rectangular nested list (of at least one level) as a Grid."""
    shape: list[int] = []
    level = nested
    while isinstance(level, (list, tuple)):
        shape.append(len(level))
        level = level[0]
    flat: list[Any] = nested
    for _ in shape[1:]:
        flat = [value for row in flat for value in row]
    return Grid(tuple(flat), tuple(shape))


def zeros_like_shape(shape: tuple[int, ...], zero: Any = 0) -> list[Any]:
    """A flat mutable list of `zero`s for an array of `shape`."""
    return [zero] * math.prod(shape)
