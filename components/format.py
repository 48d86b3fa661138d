"""Chinese number and date formatting for display. Money arrives as integer
fen from the data layer and is turned into 万元 / 亿元 text only here."""
from __future__ import annotations

from datetime import date

FEN_PER_WAN = 1_000_000  # 1 万元 = 10,000 yuan = 1,000,000 fen
FEN_PER_YI = 10_000 * FEN_PER_WAN


def wan(fen: int | None) -> float | None:
    """Fen to 万元 for chart axes (display only)."""
    return None if fen is None else fen / FEN_PER_WAN


def money(fen: int | None, unit: str = "auto", digits: int = 2) -> str:
    """`1,234.56 万元` or `12.34 亿元`; unit 'auto' picks 亿元 from 1 亿 up."""
    if fen is None:
        return "—"
    if unit == "auto":
        unit = "亿元" if abs(fen) >= FEN_PER_YI else "万元"
    if unit == "亿元":
        return f"{fen / FEN_PER_YI:,.{digits}f} 亿元"
    if unit == "万元":
        return f"{fen / FEN_PER_WAN:,.{digits}f} 万元"
    if unit == "元":
        return f"{fen / 100:,.2f} 元"
    raise ValueError(f"unknown unit {unit!r}")


def yuan(fen: int | None) -> str:
    return money(fen, "元")


def pct(ratio: float | None, digits: int = 1) -> str:
    return "—" if ratio is None else f"{ratio * 100:.{digits}f}%"


def pp(gap: float | None, digits: int = 1) -> str:
    """A gap in percentage points, signed: `-12.3 个百分点`."""
    return "—" if gap is None else f"{gap:+.{digits}f} 个百分点"


def cn_date(d: date | None) -> str:
    return "—" if d is None else f"{d.year}年{d.month}月{d.day}日"


def as_of_note(d: date | None, source: str | None = None) -> str:
    """The caption every chart carries: `数据截至 2025年9月30日 · 来源：国库集中支付`."""
    note = f"数据截至 {cn_date(d)}"
    return f"{note} · 来源：{source}" if source else note


def pick_unit(values_fen) -> str:
    """The unit a chart uses for a set of amounts: 亿元 once the largest
    reaches 1 亿元, else 万元 (one unit per chart, so bars compare)."""
    peak = max((abs(v) for v in values_fen if v is not None), default=0)
    return "亿元" if peak >= FEN_PER_YI else "万元"


def in_unit(fen: int | None, unit: str) -> float | None:
    """Fen as a number in `unit` (万元, 亿元 or 元) for chart axes."""
    if fen is None:
        return None
    divisor = {"亿元": FEN_PER_YI, "万元": FEN_PER_WAN, "元": 100}[unit]
    return fen / divisor


def measure(value, unit: str | None) -> str:
    """A rule's figure in its unit (yuan, ratio, pp, days) as people read it."""
    if value is None:
        return "—"
    if unit == "yuan":
        return money(int(round(float(value) * 100)), "auto" if abs(value) >= 10_000 else "元")
    if unit == "ratio":
        return pct(float(value))
    if unit == "pp":
        return pp(float(value))
    if unit == "days":
        return f"{int(value)} 天"
    return str(value)
