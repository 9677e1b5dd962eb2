"""Intersection over union of two axis-aligned boxes given by their corners [x1, y1, x2, y2]."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from flashdl.engine.answer_specs import NumberAnswer
from flashdl.engine.errors import EngineParamsError
from flashdl.engine.family import Family, Params, Rng, constant_spec, draw_indices
from flashdl.engine.params import (
    as_mapping,
    read_number_list,
    reject_unknown,
)
from flashdl.engine.precision import DIGITS_ASKED, decimal_text, to_decimal
from flashdl.engine.text_format import format_fraction, format_signed, minus_sign, signed_term

Number = int | Fraction   # corners given as ints stay ints: exact and cheap
Box = tuple[Number, Number, Number, Number]
_LIMIT = 1e6


def _box(params: Mapping[str, Any], name: str) -> Box:
    values = read_number_list(params, name, minimum=-_LIMIT, maximum=_LIMIT)
    if len(values) != 4:
        raise EngineParamsError(name, f"expected 4 numbers [x1, y1, x2, y2], got {len(values)}")
    # a real corner is the decimal it is written as (0.1, not the float's binary fraction): the
    # areas are then exact decimals the worked solution can show whole
    x1, y1, x2, y2 = (value if type(value) is int else Fraction(repr(float(value))) for value in values)
    if x2 <= x1 or y2 <= y1:
        raise EngineParamsError(name, "needs x2 > x1 and y2 > y1 (top-left and bottom-right corners)")
    return x1, y1, x2, y2


def _read(params: Mapping[str, Any]) -> tuple[Box, Box]:
    params = as_mapping(params)
    reject_unknown(params, ("box_a", "box_b"))
    return _box(params, "box_a"), _box(params, "box_b")


def _generate(rng: Rng) -> Params:
    """Integer corners on a 0–10 grid; the second box is shifted from the first so they
    usually overlap (sometimes only touch, or miss each other)."""
    x1, y1, width, height, width_b, height_b, dx, dy = draw_indices(rng, (5, 5, 5, 5, 5, 5, 7, 7))
    box_a = [x1, y1, x1 + width + 2, y1 + height + 2]
    bx, by = max(0, x1 + dx - 2), max(0, y1 + dy - 2)
    box_b = [bx, by, bx + width_b + 2, by + height_b + 2]
    return {"box_a": box_a, "box_b": box_b}


def _parts(params: Mapping[str, Any]) -> tuple[Number, Number, Number, Number, Number]:
    """(overlap width, overlap height, area A, area B, intersection)."""
    (ax1, ay1, ax2, ay2), (bx1, by1, bx2, by2) = _read(params)
    width = max(0, min(ax2, bx2) - max(ax1, bx1))
    height = max(0, min(ay2, by2) - max(ay1, by1))
    return width, height, (ax2 - ax1) * (ay2 - ay1), (bx2 - bx1) * (by2 - by1), width * height


def _iou(params: Mapping[str, Any]) -> Fraction:
    _, _, area_a, area_b, inter = _parts(params)
    return Fraction(inter) / (area_a + area_b - inter)


def _solve(params: Mapping[str, Any]) -> float:
    return float(_iou(params))


def _corners(box: Box) -> str:
    return "[" + ", ".join(format_signed(value) for value in box) + "]"


def _prompt(params: Mapping[str, Any]) -> str:
    box_a, box_b = _read(params)
    return (f"Two bounding boxes are given by their corners [x1, y1, x2, y2]: A = {_corners(box_a)} and "
            f"B = {_corners(box_b)}. What is their intersection over union (IoU)? "
            f"(A fraction, or a decimal to {DIGITS_ASKED} significant digits.)")


def _gap(low: Number, high: Number) -> str:
    """`min − max` of one axis, as written by hand: `3 − (−1)`."""
    return f"{format_signed(low)} − {signed_term(high)}"


def _solution(params: Mapping[str, Any]) -> str:
    (ax1, ay1, ax2, ay2), (bx1, by1, bx2, by2) = _read(params)
    width, height, area_a, area_b, inter = _parts(params)
    union = area_a + area_b - inter
    f, t = _exact, signed_term
    lines = [f"area A = ({f(ax2)} − {t(ax1)})·({f(ay2)} − {t(ay1)}) = {f(area_a)}",
             f"area B = ({f(bx2)} − {t(bx1)})·({f(by2)} − {t(by1)}) = {f(area_b)}",
             (f"overlap width = max(0, min({f(ax2)}, {f(bx2)}) − max({f(ax1)}, {f(bx1)}))"
             f" = max(0, {_gap(min(ax2, bx2), max(ax1, bx1))}) = {f(width)}"),
             (f"overlap height = max(0, min({f(ay2)}, {f(by2)}) − max({f(ay1)}, {f(by1)}))"
             f" = max(0, {_gap(min(ay2, by2), max(ay1, by1))}) = {f(height)}"),
             f"intersection = {f(width)}·{f(height)} = {f(inter)}",
             f"union = area A + area B − intersection = {f(area_a)} + {f(area_b)} − {f(inter)} = {f(union)}"]
    iou = _iou(params)
    if inter == 0:
        lines.append("The boxes do not overlap (at most they touch), so IoU = 0.")
    else:
        exact = inter.denominator == 1 and union.denominator == 1
        lines.append(f"IoU = intersection / union = {format_fraction(int(inter), int(union))}" if exact
                     else f"IoU = {f(inter)} / {f(union)} = {format_signed(float(iou))}")
    return "\n".join(lines) + f"\n\nAnswer: {format_signed(float(iou))}"


def _exact(value: Number) -> str:
    """A length or area of decimal corners in full (24.9·42.1 = 1048.29, never rounded to 6
    digits: 195.888 / 1133.94 gave IoU 0.1727 for 195.888 / 1133.9388 = 0.17275)."""
    if isinstance(value, Fraction):
        exact = to_decimal(value)
        if int(exact.normalize().as_tuple().exponent) >= -MAX_DECIMALS and Fraction(exact) == value:
            return minus_sign(decimal_text(exact))
    return format_signed(value)


MAX_DECIMALS = 12


BOX_IOU = Family(
    name="box_iou", title="Bounding-box IoU", integral=False,
    answer_spec=constant_spec(NumberAnswer(integral=False)), generate=_generate, solve=_solve,
    prompt=_prompt, solution=_solution)

FAMILIES = (BOX_IOU,)
