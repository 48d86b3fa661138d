"""Cell parsers: text from a CSV or a typed cell from a workbook in, the stored
value out, or `Bad` with a bilingual reason. Money becomes integer fen via
Decimal; codes stay strings with their leading zeros."""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Callable

from data.importer import datasets as d

MAX_FEN = 9 * 10**15  # well inside BIGINT
_HUNDRED = Decimal(100)
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)$")
_DATE = re.compile(r"^(\d{4})([-/])(\d{1,2})\2(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")
_INTEGER = re.compile(r"^\d+$")
_SIMPLE_MONEY = re.compile(r"^\s*([+-]?)(\d{1,16})(?:\.(\d{1,2}))?\s*$")


class Bad(ValueError):
    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh = zh
        self.en = en


def render(value: object) -> str:
    """How a cell is shown in a message (and how a numeric code cell reads)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value)


def is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (datetime, date)):
        raise Bad("应为文本，不能是日期单元格", "expected text, not a date cell")
    return render(value)


def parse_code(value: object) -> str:
    text = _text(value)
    # ="00123" is how spreadsheet exports protect leading zeros.
    if text.startswith('="') and text.endswith('"') and len(text) >= 3:
        text = text[2:-1].strip()
    return text


def _decimal(value: object, what_zh: str, what_en: str) -> Decimal:
    if isinstance(value, bool) or isinstance(value, (datetime, date)):
        raise Bad(f"{what_zh}不是数字", f"{what_en} is not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # A workbook's computed value can carry binary noise (0.1 + 0.2):
        # take the shortest repr, then drop noise far below a fen.
        num = Decimal(repr(value))
        rounded = num.quantize(Decimal("0.0001"))
        return rounded.normalize() if abs(num - rounded) < Decimal("1e-7") else num
    text = str(value).strip().replace(" ", "")
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    elif not _PLAIN_NUMBER.match(text):
        raise Bad(f"{what_zh}不是数字", f"{what_en} is not a number")
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the patterns above exclude this
        raise Bad(f"{what_zh}不是数字", f"{what_en} is not a number")


def _decimals(num: Decimal) -> int:
    exponent = num.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def make_money(f: d.Field) -> Callable[[object], int]:
    signed = f.signed

    def parse(value: object) -> int:
        if value.__class__ is str:
            m = _SIMPLE_MONEY.match(value)
            if m:  # the common case, exact without Decimal
                sign, whole, frac = m.groups()
                if sign == "-" and not signed:
                    raise Bad("金额不能为负数", "amount must not be negative")
                fen = int(whole) * 100 + (int(frac.ljust(2, "0")) if frac else 0)
                if fen > MAX_FEN:
                    raise Bad("金额超出范围", "amount out of range")
                return -fen if sign == "-" else fen
        num = _decimal(value, "金额", "amount")
        if _decimals(num) > 2:
            raise Bad("金额最多两位小数", "amount has more than 2 decimals")
        if num < 0 and not signed:
            raise Bad("金额不能为负数", "amount must not be negative")
        fen = int(num * _HUNDRED)
        if abs(fen) > MAX_FEN:
            raise Bad("金额超出范围", "amount out of range")
        return fen

    return parse


def make_decimal(f: d.Field) -> Callable[[object], Decimal]:
    def parse(value: object) -> Decimal:
        num = _decimal(value, "数值", "value")
        if _decimals(num) > f.scale:
            raise Bad(f"数值最多 {f.scale} 位小数", f"value has more than {f.scale} decimals")
        if num < 0 and not f.signed:
            raise Bad("数值不能为负数", "value must not be negative")
        if f.max_value is not None and num > f.max_value:
            raise Bad(f"数值超出范围（最大 {f.max_value}）", f"value out of range (max {f.max_value})")
        return num

    return parse


def _whole_number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        return int(text) if _INTEGER.match(text) else None
    return None


def parse_year(value: object) -> int:
    year = _whole_number(value)
    if year is None or not 1900 <= year <= 2100:
        raise Bad("年度不是有效年份", "not a valid year")
    return year


def make_int(f: d.Field) -> Callable[[object], int]:
    def parse(value: object) -> int:
        num = _whole_number(value)
        if num is None:
            raise Bad("不是非负整数", "not a non-negative whole number")
        if f.choices and str(num) not in f.choices:
            raise _not_in_list(f.choices)
        if num > MAX_FEN:
            raise Bad("数值超出范围", "value out of range")
        return num

    return parse


def _excel_serial(num: float) -> date:
    from openpyxl.utils.datetime import from_excel

    return from_excel(num).date()


def parse_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    bad = Bad("日期格式错误（应为 YYYY-MM-DD、YYYY/MM/DD 或 YYYYMMDD）",
              "not a date (expected YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD)")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and 19000101 <= value <= 21001231:
            value = str(int(value))
        elif 1 <= value < 2958466:  # a date serial in a cell without a date format
            return _excel_serial(float(value))
        else:
            raise bad
    text = str(value).strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    m = _DATE.match(text)
    if m:
        y, mo, dd = int(m.group(1)), int(m.group(3)), int(m.group(4))
    else:
        m = _DATE_COMPACT.match(text)
        if not m:
            raise bad
        y, mo, dd = (int(g) for g in m.groups())
    try:
        return date(y, mo, dd)
    except ValueError:
        raise Bad("日期不存在", "no such date")


def parse_period(value: object) -> str:
    if isinstance(value, (datetime, date)):
        # Spreadsheets turn a typed 2025-09 into the date 2025-09-01.
        return f"{value.year:04d}-{value.month:02d}"
    m = _PERIOD.match(_text(value))
    if not m or not 1 <= int(m.group(2)) <= 12 or not 1900 <= int(m.group(1)) <= 2100:
        raise Bad("所属期格式错误（应为 YYYY-MM）", "not a period (expected YYYY-MM)")
    return m.group(0)


_TRUE = {"1", "是", "Y", "YES", "TRUE"}
_FALSE = {"0", "否", "N", "NO", "FALSE"}


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = render(value).strip().upper()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise Bad("应为 0 或 1（否/是）", "expected 0 or 1")


def _not_in_list(choices: tuple[str, ...]) -> Bad:
    return Bad(f"代码不在代码表中（允许：{'、'.join(choices)}）",
               f"not in the code list (allowed: {', '.join(choices)})")


def make_parser(ds: d.Dataset, f: d.Field) -> Callable[[object], object]:
    """The parser of one column; raises Bad. Empty values are handled by the caller."""
    if f.kind == d.MONEY:
        return make_money(f)
    if f.kind == d.DECIMAL:
        return make_decimal(f)
    if f.kind == d.YEAR:
        return parse_year
    if f.kind == d.INT:
        return make_int(f)
    if f.kind == d.DATE:
        return parse_date
    if f.kind == d.PERIOD:
        return parse_period
    if f.kind == d.BOOL:
        return parse_bool
    if f.kind == d.GEOMETRY:
        from data.importer.geometry import parse_geometry  # it builds on this module's Bad

        return parse_geometry
    base = parse_code if f.kind == d.CODE else _text
    max_len = ds.max_length(f)
    choices = frozenset(f.choices) if f.choices else None
    # Letter codes (ASSET_CLASS, SCHEME) are accepted in any case.
    upper = choices is not None and any(ch.isascii() and ch.isalpha() for c in choices for ch in c)

    if choices is None and max_len is not None and f.kind == d.CODE:
        def parse_plain_code(value: object) -> str:
            if value.__class__ is str and not value.startswith(("=", " =")):
                text = value.strip()
            else:
                text = parse_code(value)
            if len(text) > max_len:
                raise Bad(f"超过最大长度 {max_len}", f"longer than {max_len} characters")
            return text

        return parse_plain_code

    def parse(value: object) -> str:
        text = base(value)
        if upper:
            text = text.upper()
        if choices is not None and text not in choices:
            raise _not_in_list(f.choices)
        if max_len is not None and len(text) > max_len:
            raise Bad(f"超过最大长度 {max_len}", f"longer than {max_len} characters")
        return text

    return parse
