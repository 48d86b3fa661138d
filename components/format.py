"""Number and date formatting for display, in the current language. Money
arrives as integer fen from the data layer and is turned into 万元 / 亿元
text only here; English keeps the same figures and names the unit
"10k yuan" / "100m yuan", so a bilingual meeting reads one set of numbers."""
from __future__ import annotations

from datetime import date

from data.i18n import N_, _, language, ngettext

# The money units as codes (a chart's unit, a `money` argument); unit_label names them.
YI, WAN, YUAN = N_("亿元"), N_("万元"), N_("元")
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

FEN_PER_WAN = 1_000_000  # 1 万元 = 10,000 yuan = 1,000,000 fen
FEN_PER_YI = 10_000 * FEN_PER_WAN
FEN_PER = {YI: FEN_PER_YI, WAN: FEN_PER_WAN, YUAN: 100}


def wan(fen: int | None) -> float | None:
    """Fen to 万元 for chart axes (display only)."""
    return None if fen is None else fen / FEN_PER_WAN


def money(fen: int | None, unit: str = "auto", digits: int = 2) -> str:
    """`1,234.56 万元` or `12.34 亿元`; unit 'auto' picks 亿元 from 1 亿 up."""
    if fen is None:
        return "—"
    if unit == "auto":
        unit = YI if abs(fen) >= FEN_PER_YI else WAN
    if unit not in FEN_PER:
        raise ValueError(f"unknown unit {unit!r}")
    return with_unit(f"{fen / FEN_PER[unit]:,.{2 if unit == YUAN else digits}f}", unit)


def unit_label(unit: str) -> str:
    """万元 / 亿元 / 元 in the current language (10k yuan / 100m yuan / yuan)."""
    return _(unit) if unit in FEN_PER else unit


def with_unit(number: str, unit: str) -> str:
    """`1,234.56 万元`; English puts the unit in brackets, `1,234.56 (10k yuan)`,
    so "10k" is never read as part of the figure."""
    if language() == "en":
        return f"{number} ({unit_label(unit)})"
    return f"{number} {unit_label(unit)}"


def yuan(fen: int | None) -> str:
    return money(fen, YUAN)


def pct(ratio: float | None, digits: int = 1) -> str:
    return "—" if ratio is None else f"{ratio * 100:.{digits}f}%"


def pp(gap: float | None, digits: int = 1) -> str:
    """A gap in percentage points, signed: `-12.3 个百分点`."""
    return "—" if gap is None else _("{value} 个百分点").format(value=f"{gap:+.{digits}f}")


def days(n: int) -> str:
    return ngettext("{n} 天", "{n} 天", n).format(n=n)


def long_date(d: date | None) -> str:
    """2025年9月30日 / 30 Sep 2025."""
    if d is None:
        return "—"
    return _("{year}年{month}月{day}日").format(year=d.year, month=_month(d.month), day=d.day)


def month_label(year: int, month: int) -> str:
    """2025年9月 / Sep 2025."""
    return _("{year}年{month}月").format(year=year, month=_month(month))


def _month(month: int) -> str | int:
    """A month inside a date: its number in Chinese (9月), its name in English (Sep)."""
    return MONTHS_EN[month - 1] if language() == "en" else month


def as_of_note(d: date | None, source: str | None = None) -> str:
    """The caption every chart carries: `数据截至 2025年9月30日 · 来源：国库集中支付`
    (`source` already in the current language)."""
    note = _("数据截至 {date}").format(date=long_date(d))
    return f"{note} · " + _("来源：{source}").format(source=source) if source else note


def pick_unit(values_fen) -> str:
    """The unit a chart uses for a set of amounts: 亿元 once the largest
    reaches 1 亿元, else 万元 (one unit per chart, so bars compare)."""
    peak = max((abs(v) for v in values_fen if v is not None), default=0)
    return YI if peak >= FEN_PER_YI else WAN


def in_unit(fen: int | None, unit: str) -> float | None:
    """Fen as a number in `unit` (万元, 亿元 or 元) for chart axes."""
    return None if fen is None else fen / FEN_PER[unit]


def measure(value, unit: str | None) -> str:
    """A rule's figure in its unit (yuan, ratio, pp, days) as people read it."""
    if value is None:
        return "—"
    if unit == "yuan":
        return money(int(round(float(value) * 100)), "auto" if abs(value) >= 10_000 else YUAN)
    if unit == "ratio":
        return pct(float(value))
    if unit == "pp":
        return pp(float(value))
    if unit == "days":
        return days(int(value))
    return str(value)
