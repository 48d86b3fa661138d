"""Streaming readers: a path in, one or more `Source`s out (one per CSV file,
one per dataset sheet of a workbook), each yielding `(line, cells)` with the
header as line 1. Nothing is loaded whole: the encoding check and the
checksum share one pass over the bytes, rows are read lazily."""
from __future__ import annotations

import codecs
import csv
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

from data.importer import geometry
from data.importer.datasets import DATASETS, dataset_for_name

_BLOCK = 1 << 20
_ZERO_PAD = re.compile(r"^0{2,}$")
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}


class FileProblem(Exception):
    """A whole-file error (cannot read, unknown dataset, empty ...)."""

    def __init__(self, zh: str, en: str, line: int | None = 1, column: str | None = None,
                 value: str | None = None):
        super().__init__(en)
        self.zh, self.en, self.line, self.column, self.value = zh, en, line, column, value


@dataclass
class Source:
    path: Path
    name: str                 # as shown in messages and the import log
    dataset: str
    sha256: str
    sheet: str | None = None  # workbooks
    encoding: str | None = None  # CSV
    delimiter: str = ","
    geojson: bool = False     # a FeatureCollection (region_boundary)
    warnings: list[tuple[str, str, str | None]] = field(default_factory=list)  # zh, en, value

    def rows(self) -> Iterator[tuple[int, Sequence[object]]]:
        if self.sheet is not None:
            return _sheet_rows(self.path, self.sheet)
        if self.geojson:
            return _feature_rows(self.path)
        return _csv_rows(self.path, self.encoding, self.delimiter)


def _unknown_dataset(name: str) -> FileProblem:
    known = ", ".join(DATASETS)
    return FileProblem(
        f"无法从名称确定数据集（文件名或工作表名应以数据集名开头：{known}）",
        f"cannot tell the dataset from the name (a file or sheet name must start with one of: {known})",
        value=name)


def _scan(path: Path) -> tuple[str, bool, bytes]:
    """sha256 of the bytes, whether they are valid UTF-8, and the first bytes."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    utf8 = True
    head = b""
    with path.open("rb") as fh:
        while block := fh.read(_BLOCK):
            if not head:
                head = block[:4]
            digest.update(block)
            if utf8:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    utf8 = False
        if utf8:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8 = False
    return digest.hexdigest(), utf8, head


def open_sources(path: Path, dataset: str | None) -> list[Source]:
    """The sources of one file; raises FileProblem."""
    if dataset is not None and dataset not in DATASETS:
        raise _unknown_dataset(dataset)
    if not path.is_file():
        # The whole path, never shortened like a cell value: it says where we looked.
        raise FileProblem("文件不存在", f'file not found: "{path}"')
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise FileProblem("不支持旧版 .xls 格式，请另存为 .xlsx 或 CSV",
                          "the old .xls format is not supported; save as .xlsx or CSV")
    sha256, utf8, head = _scan(path)
    if not head:
        raise FileProblem("文件为空", "the file is empty")
    if suffix in WORKBOOK_SUFFIXES or head.startswith(b"PK\x03\x04"):
        return _workbook_sources(path, dataset, sha256)
    name = dataset or dataset_for_name(path.name)
    if name is None:
        raise _unknown_dataset(path.name)
    if suffix in geometry.SUFFIXES:
        if name != geometry.DATASET:
            raise FileProblem(f"GeoJSON 文件只能用于 {geometry.DATASET} 数据集",
                              f"a GeoJSON file can only be the {geometry.DATASET} dataset",
                              value=name)
        return [Source(path, path.name, name, sha256, geojson=True)]
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8" if utf8 else "gb18030"
    return [Source(path, path.name, name, sha256, encoding=encoding,
                   delimiter=_delimiter(path, encoding))]


def _delimiter(path: Path, encoding: str) -> str:
    # Spreadsheet "Unicode text" exports are tab separated.
    try:
        with path.open(encoding=encoding, newline="") as fh:
            first = fh.readline()
    except UnicodeDecodeError:
        return ","
    return "\t" if "\t" in first and "," not in first else ","


def _csv_rows(path: Path, encoding: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    line = 0
    try:
        with path.open(encoding=encoding, newline="") as fh:
            for line, row in enumerate(csv.reader(fh, delimiter=delimiter), start=1):
                yield line, row
    except UnicodeDecodeError:
        raise FileProblem("文件编码无法识别（应为 UTF-8 或 GB18030/GBK）",
                          "cannot decode the file (expected UTF-8 or GB18030/GBK)",
                          line=_first_undecodable_line(path, encoding))
    except csv.Error as err:
        raise FileProblem("CSV 格式错误", f"malformed CSV ({err})", line=line + 1)


def _feature_rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    try:
        yield from geometry.feature_rows(path)
    except geometry.NotGeoJSON as err:
        raise FileProblem(err.zh, err.en, line=err.line, value=err.value)


def _first_undecodable_line(path: Path, encoding: str) -> int:
    """Text decoding reads ahead, so the failing row is found again in bytes."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    line = 0
    with path.open("rb") as fh:
        for line, raw in enumerate(fh, start=1):
            try:
                decoder.decode(raw)
            except UnicodeDecodeError:
                return line
    return line


# A workbook is a zip archive whose directory says what each part unpacks
# to. Spreadsheet XML packs about 5–30 to 1; a zip bomb packs a thousand to 1.
# A workbook unpacking to more than UNPACKED_FREE and to over PACK_RATIO_MAX
# times its size, or to more than UNPACKED_MAX at all, is refused before any
# part is inflated. (2,000,000 payment rows unpack to about 1 GB.)
UNPACKED_FREE = 256 << 20
PACK_RATIO_MAX = 100
UNPACKED_MAX = 8 << 30


def _check_archive(path: Path) -> None:
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise FileProblem("无法读取工作簿", f"cannot read the workbook ({type(err).__name__})")
    size = max(path.stat().st_size, 1)
    if unpacked > UNPACKED_MAX or (unpacked > UNPACKED_FREE and unpacked > PACK_RATIO_MAX * size):
        raise FileProblem(
            f"工作簿解压后过大（{unpacked / (1 << 20):,.0f} MB，为文件的 {unpacked / size:,.0f} 倍），"
            "疑为压缩炸弹，未读取",
            f"the workbook would unpack to {unpacked / (1 << 20):,.0f} MB ({unpacked / size:,.0f} "
            "times its size): refused as a possible zip bomb, not read")


def _open_workbook(path: Path):
    from openpyxl import load_workbook

    _check_archive(path)
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many types for a damaged file
        raise FileProblem("无法读取工作簿", f"cannot read the workbook ({type(err).__name__})")


def _workbook_sources(path: Path, dataset: str | None, sha256: str) -> list[Source]:
    wb = _open_workbook(path)
    try:
        sheets = list(wb.sheetnames)
    finally:
        wb.close()
    named = [(s, dataset_for_name(s)) for s in sheets]
    if dataset is not None:
        chosen = [(s, n) for s, n in named if n == dataset] or [(sheets[0], dataset)]
    else:
        chosen = [(s, n) for s, n in named if n is not None]
        if not chosen:
            by_file = dataset_for_name(path.name)
            if by_file is None:
                raise _unknown_dataset(path.name)
            chosen = [(sheets[0], by_file)]
    used = {s for s, _ in chosen}
    sources = [Source(path, path.name if len(chosen) == 1 else f"{path.name}[{s}]", n, sha256,
                      sheet=s) for s, n in chosen]
    for s in sheets:
        if s not in used:
            sources[0].warnings.append(
                ("工作表未对应数据集，已忽略", "sheet names no dataset, ignored", s))
    return sources


def _cell_value(cell) -> object:
    value = cell.value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        fmt = getattr(cell, "number_format", None)
        # A code typed as a number with a zero-padded format (e.g. 000123).
        if fmt and _ZERO_PAD.match(fmt) and float(value).is_integer():
            return f"{int(value):0{len(fmt)}d}"
    return value


def _sheet_rows(path: Path, sheet: str) -> Iterator[tuple[int, list[object]]]:
    wb = _open_workbook(path)
    try:
        ws = wb[sheet]
        ws.reset_dimensions()  # some writers store wrong dimensions; read what is there
        expected = 1
        for row in ws.iter_rows():
            line = next((c.row for c in row if getattr(c, "row", None)), expected)
            expected = line + 1
            yield line, [_cell_value(c) for c in row]
    finally:
        wb.close()
