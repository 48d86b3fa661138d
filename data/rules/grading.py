"""Levels and how a value is graded against the lines of a rule.

Every comparison rounds the value to 9 decimals first, so float noise in a
caller's value (a gap of −9.9999999999999 for an exact −10) and the exact
rational value the engine computes land on the same side of a line.
"""
from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Context, Decimal
from fractions import Fraction

from data.i18n import N_

LEVELS = ("green", "yellow", "orange", "red")
LEVEL_ORDER = {"red": 0, "orange": 1, "yellow": 2, "green": 3}
LEVEL_ZH = {"green": N_("正常"), "yellow": N_("关注"), "orange": N_("预警"), "red": N_("严重")}

_WIDE = Context(prec=60)
_COMPARE_PLACES = Decimal("1e-9")
_VALUE_PLACES = Decimal("1e-6")
_CENT = Decimal("0.01")


def to_decimal(value) -> Decimal:
    """A Decimal of an int, Decimal, Fraction (to 60 significant digits) or
    float (by its shortest repr, so 0.1 is 0.1)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, Fraction):
        return _WIDE.divide(Decimal(value.numerator), Decimal(value.denominator))
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def for_comparison(value) -> Decimal:
    return to_decimal(value).quantize(_COMPARE_PLACES, rounding=ROUND_HALF_EVEN, context=_WIDE)


def rounded(value) -> Decimal:
    """A non-money value as stored and shown: 6 decimals."""
    return to_decimal(value).quantize(_VALUE_PLACES, rounding=ROUND_HALF_EVEN, context=_WIDE)


def yuan_of_fen(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(_CENT)


def fen_of_yuan(yuan: Decimal) -> int:
    return int((yuan * 100).to_integral_value(rounding=ROUND_HALF_EVEN))


def crosses(value: Decimal, op: str, line: Decimal) -> bool:
    """Whether value crosses the line by op: ">=", ">", "<", "<=", or "<=-"
    for a lag kept as a positive number (a gap crosses lag L when gap ≤ −L)."""
    if op == ">=":
        return value >= line
    if op == ">":
        return value > line
    if op == "<":
        return value < line
    if op == "<=":
        return value <= line
    if op == "<=-":
        return value <= -line
    raise ValueError(f"unknown operator {op!r}")


def crossed_line(op: str, line: Decimal) -> Decimal:
    """The line in the value's own terms (a lag line L is the gap −L)."""
    return -line if op == "<=-" else line


def grade(rule, thresholds: dict, value, group: str = "") -> tuple[str, Decimal] | None:
    """The worst level whose line `value` crosses, with that line in the
    value's terms; None when it crosses none (green)."""
    v = for_comparison(value)
    for t in rule.lines(group):
        line = thresholds[t.key]
        if crosses(v, t.op, line):
            return t.level, crossed_line(t.op, line)
    for fixed in rule.fixed_lines:
        if crosses(v, fixed.op, fixed.value):
            return fixed.level, fixed.value
    return None
