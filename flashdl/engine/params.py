"""Validation of family params: every problem comes from JSON typed by a person or a deck.

Each reader names the offending param in its `EngineParamsError`, returns plain Python
values, and caps sizes so a hostile params block cannot make the engine allocate much.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NoReturn, TypeVar

from flashdl import bounded_json
from flashdl.engine.errors import EngineParamsError
from flashdl.engine.grid import Grid
from flashdl.engine.numpy_values import is_floating, is_integer

MAX_SIDE = 64          # largest matrix side or size accepted from params
MAX_EXTENT = 100_000   # largest size/kernel/stride in size-formula families
MAX_LIST = 256         # longest list param (scores, layers, logits…)
MAX_INT_ENTRY = 10**6  # entries keep sums of products far from int64 overflow, and floats finite
MAX_RANK = 8          # nesting of an array param (a tensor is 3)
MAX_CACHED = 256       # cached readings of params per reader (each a few matrices at most)
_MISSING: Any = object()
_Reading = TypeVar("_Reading")

Pair = tuple[int, int]


def as_mapping(params: object) -> Mapping[str, Any]:
    if not isinstance(params, Mapping):
        raise EngineParamsError("params", f"expected a JSON object, got {type(params).__name__}")
    return params


def reject_unknown(params: Mapping[str, Any], allowed: Sequence[str]) -> None:
    """Unknown keys are almost always typos in a deck's engine block."""
    unknown = sorted(str(key) for key in params if key not in allowed)
    if unknown:
        raise EngineParamsError(unknown[0], f"unknown param; allowed: {', '.join(allowed)}")


def _get(params: Mapping[str, Any], name: str, default: Any) -> Any:
    if name in params and params[name] is not None:
        return params[name]
    if default is _MISSING:
        raise EngineParamsError(name, "is required")
    return default


def _to_int(name: str, value: Any) -> int:
    if isinstance(value, bool):
        raise EngineParamsError(name, f"expected an integer, got {value!r}")
    if is_integer(value):
        return int(value)
    if is_floating(value) and math.isfinite(value) and float(value).is_integer():
        return int(value)
    raise EngineParamsError(name, f"expected an integer, got {value!r}")


def _check_range(name: str, value: int | float, minimum: float | None, maximum: float | None) -> None:
    if minimum is not None and value < minimum:
        raise EngineParamsError(name, f"must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise EngineParamsError(name, f"must be <= {maximum}, got {value}")


def read_int(params: Mapping[str, Any], name: str, *, default: Any = _MISSING,
             minimum: int | None = None, maximum: int | None = MAX_EXTENT) -> int:
    value = _to_int(name, _get(params, name, default))
    _check_range(name, value, minimum, maximum)
    return value


def read_number(params: Mapping[str, Any], name: str, *, default: Any = _MISSING,
                minimum: float | None = None, maximum: float | None = None,
                exclusive_min: bool = False) -> float | int:
    value = _get(params, name, default)
    return check_number(name, value, minimum=minimum, maximum=maximum, exclusive_min=exclusive_min)


def check_number(name: str, value: Any, *, minimum: float | None = None,
                 maximum: float | None = None, exclusive_min: bool = False) -> float | int:
    if isinstance(value, bool) or not (is_integer(value) or is_floating(value)):
        raise EngineParamsError(name, f"expected a number, got {value!r}")
    if is_integer(value):
        number: float | int = int(value)
    else:
        number = float(value)
        if not math.isfinite(number):
            raise EngineParamsError(name, f"must be finite, got {value!r}")
    if exclusive_min and minimum is not None and number <= minimum:
        raise EngineParamsError(name, f"must be > {minimum}, got {number}")
    _check_range(name, number, None if exclusive_min else minimum, maximum)
    return number


def read_bool(params: Mapping[str, Any], name: str, *, default: Any = _MISSING) -> bool:
    value = _get(params, name, default)
    if not isinstance(value, bool):
        raise EngineParamsError(name, f"expected true or false, got {value!r}")
    return value


def read_choice(params: Mapping[str, Any], name: str, choices: Sequence[str], *,
                default: Any = _MISSING) -> str:
    value = _get(params, name, default)
    if value not in choices:
        raise EngineParamsError(name, f"expected one of {', '.join(choices)}, got {value!r}")
    return str(value)


def read_pair(params: Mapping[str, Any], name: str, *, default: Any = _MISSING,
              minimum: int | None = None, maximum: int | None = MAX_EXTENT) -> Pair:
    """An int applies to both height and width, as in PyTorch."""
    value = _get(params, name, default)
    if isinstance(value, (list, tuple)):
        if len(value) != 2:
            raise EngineParamsError(name, f"expected an int or a pair [h, w], got {value!r}")
        pair = (_to_int(name, value[0]), _to_int(name, value[1]))
    else:
        number = _to_int(name, value)
        pair = (number, number)
    for number in pair:
        _check_range(name, number, minimum, maximum)
    return pair


def read_int_list(params: Mapping[str, Any], name: str, *, default: Any = _MISSING,
                  minimum: int | None = None, maximum: int | None = MAX_EXTENT) -> list[int]:
    value = _get(params, name, default)
    if not isinstance(value, (list, tuple)) or not value or len(value) > MAX_LIST:
        raise EngineParamsError(name, f"expected a non-empty list of at most {MAX_LIST} integers")
    numbers = [_to_int(name, item) for item in value]
    for number in numbers:
        _check_range(name, number, minimum, maximum)
    return numbers


def read_number_list(params: Mapping[str, Any], name: str, *, default: Any = _MISSING,
                     minimum: float | None = None, maximum: float | None = None) -> list[float | int]:
    value = _get(params, name, default)
    if not isinstance(value, (list, tuple)) or not value or len(value) > MAX_LIST:
        raise EngineParamsError(name, f"expected a non-empty list of at most {MAX_LIST} numbers")
    return [check_number(name, item, minimum=minimum, maximum=maximum) for item in value]


def load_params_json(text: str) -> dict[str, Any]:
    """Params typed as JSON (``--params``): an object nested at most ``PARAMS_MAX_DEPTH`` levels.

    ``json.loads`` alone raises ``RecursionError`` on ``'[' * 50_000``.
    """
    try:
        params = bounded_json.loads(text, max_depth=bounded_json.PARAMS_MAX_DEPTH)
    except bounded_json.JSONTooDeepError as error:
        raise EngineParamsError("params", f"is {error}") from None
    except ValueError as error:
        raise EngineParamsError("params", f"is not valid JSON: {error}") from None
    if not isinstance(params, dict):
        raise EngineParamsError("params", "must be a JSON object, e.g. "
                                          "'{\"input\": [7, 7], \"kernel\": 3}'")
    return params


def nested_shape(name: str, value: Any, depth: int = 1) -> tuple[int, ...]:
    """Shape of a rectangular nested list; a ragged one is named by the row that differs."""
    if not isinstance(value, (list, tuple)):
        return ()
    if depth > MAX_RANK:
        raise EngineParamsError(name, f"nested more than {MAX_RANK} levels deep")
    if not value or len(value) > MAX_SIDE:
        raise EngineParamsError(name, f"each side must be between 1 and {MAX_SIDE}")
    shapes = [nested_shape(name, item, depth + 1) for item in value]
    for index, shape in enumerate(shapes[1:], start=2):
        if shape != shapes[0]:
            raise EngineParamsError(name, f"not rectangular: item {index} has shape "
                                          f"{list(shape)}, item 1 has {list(shapes[0])}")
    return (len(value), *shapes[0])


def _shape_and_entries(name: str, value: Any) -> tuple[tuple[int, ...], list[Any]]:
    """The shape of a nested list and its entries in order, one nesting level at a time (a
    loop per row, not per entry); anything irregular is diagnosed by `nested_shape`."""
    shape: list[int] = []
    level = [value]
    while isinstance(level[0], (list, tuple)):
        if len(shape) == MAX_RANK:
            raise EngineParamsError(name, f"nested more than {MAX_RANK} levels deep")
        side = len(level[0])
        if not 1 <= side <= MAX_SIDE or not all(isinstance(row, (list, tuple)) and len(row) == side
                                                 for row in level):
            _irregular(name, value)
        shape.append(side)
        level = list(itertools.chain.from_iterable(level))
    return tuple(shape), level   # entries that are lists (rows nested deeper) are the caller's to check


def _irregular(name: str, value: Any) -> NoReturn:
    nested_shape(name, value)   # raises, naming the side or the row that differs
    raise EngineParamsError(name, "not a rectangular nested list")


def read_array(params: Mapping[str, Any], name: str, *, ranks: Sequence[int],
               default: Any = _MISSING) -> Grid:
    """A rectangular nested list of numbers → a Grid of plain ints if all entries are ints (numpy
    would make it int64), else of floats (float64); no numpy needed."""
    value = _get(params, name, default)
    shape, flat = _shape_and_entries(name, value)
    if len(shape) not in ranks:
        wanted = " or ".join(_RANK_NAMES[rank] for rank in ranks)
        raise EngineParamsError(name, f"expected {wanted}, got {len(shape)} nesting level(s)")
    kinds = set(map(type, flat))
    if kinds != {int}:   # plain ints need no check each; bools, floats, numpy values do
        if list in kinds or tuple in kinds:   # some rows nested deeper than the first
            _irregular(name, value)
        flat = [check_number(name, item) for item in flat]
    if max(flat) > MAX_INT_ENTRY or min(flat) < -MAX_INT_ENTRY:
        raise EngineParamsError(name, f"entries must have magnitude at most {MAX_INT_ENTRY}")
    if not all(type(item) is int for item in flat):
        return Grid(tuple([float(item) for item in flat]), shape)
    return Grid(tuple(flat), shape)


_RANK_NAMES = {1: "a list of numbers", 2: "a matrix (list of rows)", 3: "a C×H×W tensor (list of matrices)"}


def cached_reading(reader: Callable[[Mapping[str, Any]], _Reading]) -> Callable[[Mapping[str, Any]], _Reading]:
    """`reader`, remembering its last MAX_CACHED readings of params.

    solve, prompt, solution and check of one variant each read the same params; reading them
    once is what lifts the matrix families to the 5,000 variants/s target (bench_engine.py back
    to back under load, 2026-12-03: conv2d_backward 3,380 → 4,580, maxpool2d_backward
    3,140 → 6,640, true_conv2d_forward 4,440 → 6,310, conv_transpose2d_forward 4,720 → 6,610,
    conv2d_forward 5,020 → 6,990); the other families meet the target without it and do not
    use it. The key is the params'
    pickle, the cheapest exact one (`True`, `1` and `1.0` differ; 0.6 µs where `json.dumps`
    takes 3), and the reading is made from that key alone, so it cannot depend on anything
    else; readings must be immutable (tuples, frozen dataclasses, Grids). `pickle` is
    imported at the first reading (50 ns a call), not with the families, so that `flashdl show`
    of a card of another family does not import it.
    """
    @functools.lru_cache(maxsize=MAX_CACHED)
    def read_key(key: bytes) -> _Reading:
        import pickle

        return reader(pickle.loads(key))   # bytes pickled just now, by `read`

    @functools.wraps(reader)
    def read(params: Mapping[str, Any]) -> _Reading:
        import pickle

        try:
            key = pickle.dumps(params, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError, ValueError, RecursionError):
            return reader(params)   # not plain data: read every time
        return read_key(key)

    return read

