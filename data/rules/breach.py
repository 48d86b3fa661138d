"""A breach: one entity over one rule's line, and how its figures are written
in messages. A message is a Chinese sentence, stored and returned by the API
as it is made, whatever the language of the page that shows it; so are the
names and messages the area modules write."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from data.rules.grading import LEVEL_ZH, to_decimal
from data.rules.registry import plain


@dataclass(frozen=True)
class Breach:
    """value and threshold are in the rule's value unit (Rule.value_unit):
    money in yuan (2 decimals), ratios as fractions, gaps in percentage points,
    days as whole numbers; threshold is the line the value crossed, in the
    value's own terms (a lag line of 20 pp is −20)."""

    rule: str
    level: str
    entity_type: str
    entity_code: str
    value: Decimal | None
    threshold: Decimal | None
    message: str
    mof_div: str | None
    agency: str | None
    dept: str | None
    name: str
    first_seen: date | None = None  # when a stored breach was first seen (its current episode)


def yuan(fen: int) -> str:
    return f"{Decimal(fen) / 100:,.2f} 元"  # i18n: data (messages stay Chinese)


def yuan_line(yuan_value: Decimal) -> str:
    return f"{yuan_value:,.2f}".rstrip("0").rstrip(".") + " 元"  # i18n: data


def pct(fraction) -> str:
    """A ratio as a percentage with one decimal: 0.6234 → 62.3%."""
    d = (to_decimal(fraction) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)
    return f"{d}%"


def pct_line(fraction: Decimal) -> str:
    """A threshold ratio as a percentage without trailing zeros: 0.65 → 65%."""
    return f"{plain(fraction * 100)}%"


def pp(value) -> str:
    """Percentage points with one decimal."""
    return f"{to_decimal(value).quantize(Decimal('0.1'), rounding=ROUND_HALF_EVEN)}"


def line_zh(level: str) -> str:
    return f"{LEVEL_ZH[level]}线"  # i18n: data
