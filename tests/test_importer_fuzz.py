"""The importer under hostile input, by property-based fuzzing (Hypothesis):
random bytes, text in mixed encodings, huge fields, duplicate and missing
headers, formula cells, dates at the edges, malformed workbooks and a
zip-bomb workbook. Whatever arrives, the import either succeeds or is
refused with every line in Chinese and English, never a traceback, and a
refused import leaves the store exactly as it was. On SQLite: the checks are
the importer's, before any dialect is involved."""
from __future__ import annotations

import io
import resource
import zipfile
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from data.importer import ImportRejected, import_files
from tests.files.contract import MOF_DIV, PAYMENT_HEADER, dimension_files, snapshot

FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "utf-16"]
NAMES = ["mof_div.csv", "payment.csv", "agency.csv", "quota.csv", "bond.csv",
         "region_boundary.geojson"]
EDGE_TEXT = st.sampled_from([
    "", " ", "=1+1", "+cmd|' /C calc'!A0", "@SUM(A1)", "-2", "0001-01-01", "9999-12-31",
    "2025-02-29", "2024-02-29", "19700101", "2025/13/01", "1e308", "NaN", "-0", "1,234.567",
    "１２３", "\u200b", "\x00", "\ufeff", "区划", "“引号”", '"', "\r\n", "\t",
])
CELL = st.one_of(EDGE_TEXT, st.text(max_size=40),
                 st.text(alphabet="0123456789.,-/", max_size=12),
                 st.text(min_size=5_000, max_size=20_000, alphabet="数据x"))
HEADER_POOL = sorted(set(MOF_DIV[0] + PAYMENT_HEADER + ["区划代码", "金额", "年度", "", "??"]))


def refused_or_imported(engine, path) -> None:
    """The property every input must hold."""
    before = snapshot(engine)
    try:
        import_files(engine, [path])
    except ImportRejected as rejected:
        lines = rejected.lines()
        assert lines, "a refusal says why"
        for line in lines:
            assert " / " in line, line  # Chinese / English
        assert snapshot(engine) == before


@pytest.fixture
def store(engine, backend, tmp_path):
    if backend != "sqlite":
        pytest.skip("the importer's checks come before the dialect")
    import_files(engine, dimension_files(tmp_path))
    return engine


@FUZZ
@given(data=st.binary(max_size=4_096), name=st.sampled_from(NAMES))
def test_random_bytes(store, tmp_path, data, name):
    path = tmp_path / name
    path.write_bytes(data)
    refused_or_imported(store, path)


@FUZZ
@given(header=st.lists(st.sampled_from(HEADER_POOL), max_size=12),
       rows=st.lists(st.lists(CELL, max_size=12), max_size=6),
       encoding=st.sampled_from(ENCODINGS), name=st.sampled_from(NAMES[:5]),
       delimiter=st.sampled_from([",", "\t", ";"]))
def test_text_files(store, tmp_path, header, rows, encoding, name, delimiter):
    """Duplicate, missing and unknown headers, ragged rows, huge and odd cells."""
    text = "\n".join(delimiter.join(f'"{c}"' if delimiter in c else c for c in r)
                     for r in [header, *rows])
    path = tmp_path / name
    path.write_bytes(text.encode(encoding, errors="replace"))
    refused_or_imported(store, path)


@FUZZ
@given(header=st.lists(st.sampled_from(HEADER_POOL), min_size=1, max_size=10),
       rows=st.lists(st.lists(st.one_of(
           CELL, st.integers(-10**18, 10**18), st.floats(allow_nan=True),
           st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 31)),
           st.datetimes(min_value=datetime(1900, 1, 1)), st.just("=SUM(A1:A9)")),
           max_size=10), max_size=5),
       sheet=st.sampled_from(["mof_div", "payment", "quota", "Sheet1", "区划"]))
def test_workbooks(store, tmp_path, header, rows, sheet):
    """Cells of every type openpyxl writes, formulas among them."""
    book = Workbook()
    ws = book.active
    ws.title = sheet
    for r in [header, *rows]:  # what a spreadsheet can hold at all
        ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in r])
    path = tmp_path / f"{sheet}.xlsx"
    book.save(path)
    refused_or_imported(store, path)


@FUZZ
@given(cut=st.integers(min_value=1, max_value=4_000), noise=st.binary(max_size=64))
def test_broken_workbooks(store, tmp_path, cut, noise):
    """A real workbook truncated or with bytes overwritten."""
    book = Workbook()
    book.active.title = "mof_div"
    for r in [MOF_DIV[0], *MOF_DIV[1]]:
        book.active.append(r)
    buf = io.BytesIO()
    book.save(buf)
    raw = bytearray(buf.getvalue())
    raw[cut:cut + len(noise)] = noise
    path = tmp_path / "mof_div.xlsx"
    path.write_bytes(bytes(raw[:max(cut, len(raw) - cut)]))
    refused_or_imported(store, path)


def test_a_zip_bomb_is_refused_without_unpacking_it(store, tmp_path):
    """A workbook whose sheet unpacks to 600 MB: refused from the archive's own
    directory, in both languages, before it is read, and in bounded memory."""
    book = Workbook()
    book.active.title = "mof_div"
    book.active.append(MOF_DIV[0])
    buf = io.BytesIO()
    book.save(buf)
    path = tmp_path / "mof_div.xlsx"
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with dst.open(item.filename, "w", force_zip64=True) as out:
                    block = b"<!-- " + b"0" * (1 << 20) + b" -->"
                    for _ in range(600):
                        out.write(block)
            else:
                dst.writestr(item, src.read(item.filename))
    assert path.stat().st_size < 10 << 20
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    before = snapshot(store)
    with pytest.raises(ImportRejected) as rejected:
        import_files(store, [path])
    assert snapshot(store) == before
    (line,) = rejected.value.lines()
    assert "解压" in line and "unpack" in line, line
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak < 200 * 1024  # KiB
