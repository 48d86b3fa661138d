"""Checking one source: header mapping, per-cell parsing, per-row
cross-checks, references and duplicate keys. Valid rows are handed on in
chunks while the file streams; errors are collected (capped) in FileErrors."""
from __future__ import annotations

from array import array
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Iterator, Protocol, Sequence

from sqlalchemy import Connection, select

from data import schema
from data.importer import datasets as d
from data.importer.errors import FileErrors, FileReport, Issue
from data.importer.readers import FileProblem, Source
from data.importer.values import Bad, is_empty, make_parser, render

Refs = dict[str, set[str]]


def load_refs(conn: Connection) -> Refs:
    """The keys every reference is checked against; the import adds its own."""
    refs: Refs = {
        d.MOF_DIV: set(conn.execute(select(schema.mof_div.c.mof_div_code)).scalars()),
        d.AGENCY: set(conn.execute(select(schema.agency.c.agency_code)).scalars()),
        d.PROJECT: set(conn.execute(select(schema.project.c.pro_code)).scalars()),
        d.BOND: set(conn.execute(select(schema.bond.c.bond_code)).scalars()),
    }
    for scheme in d.SCHEME:
        refs[d.cls_ref(scheme)] = set()
    cls = schema.classification
    for scheme, code in conn.execute(select(cls.c.scheme, cls.c.code)):
        refs.setdefault(d.cls_ref(scheme), set()).add(code)
    return refs


_REF_NAMES = {
    d.MOF_DIV: ("区划代码不存在", "unknown region code"),
    d.AGENCY: ("单位代码不存在", "unknown agency code"),
    d.PROJECT: ("项目代码不存在", "unknown project code"),
    d.BOND: ("债券代码不存在", "unknown bond code"),
}


def _ref_message(ref: str) -> tuple[str, str]:
    if ref in _REF_NAMES:
        zh, en = _REF_NAMES[ref]
    else:
        scheme = ref.split(":", 1)[1]
        zh, en = f"科目代码在 {scheme} 分类中不存在", f"unknown {scheme} classification code"
    return (zh + "（数据库和本次导入中均没有）",
            en + " (neither in the store nor in this import)")


@dataclass
class Column:
    index: int
    field: d.Field
    parse: Callable[[object], object]
    ref: str | None
    deferred: bool  # refers to the dataset's own keys: checked at the end of the file

    def __post_init__(self):
        # Read once per cell of every row: plain attributes, not properties.
        self.name = self.field.name
        self.column = self.field.column
        self.nullable = self.field.nullable
        self.default = self.field.default


def _yuan(fen: int) -> str:
    return f"{Decimal(fen) / 100:.2f}"


# -- per-row cross-checks -----------------------------------------------------
# Each gets the parsed row (lower-case columns) and `err(COLUMN, zh, en, value)`.

def _negative_only_in_adjustment(rec, err):
    if rec["amount"] < 0 and rec["budget_stage"] != "2":
        err("AMOUNT", "负数金额只允许用于调整预算（预算阶段 2）",
            "a negative amount is allowed only for an adjustment (BUDGET_STAGE 2)",
            _yuan(rec["amount"]))


def _quota(rec, err):
    _negative_only_in_adjustment(rec, err)
    fy = rec["fiscal_year"]
    if rec["doc_date"].year not in (fy - 1, fy):
        err("DOC_DATE", f"发文日期不在 {fy} 年度或上一年（提前下达）",
            f"document date is not in fiscal year {fy} or the year before (advance issue)",
            rec["doc_date"].isoformat())


def _payment(rec, err):
    pay_date = rec["pay_date"]
    rec["pay_ym"] = pay_date.year * 100 + pay_date.month
    fy = rec["fiscal_year"]
    if pay_date.year not in (fy, fy + 1):
        err("PAY_DATE", f"支付日期不在 {fy} 年度或其年终清算期（次年）",
            f"payment date is not in fiscal year {fy} or its year-end clearing (the next year)",
            pay_date.isoformat())


def _revenue(rec, err):
    if int(rec["period"][:4]) != rec["fiscal_year"]:
        err("PERIOD", f"所属期不在 {rec['fiscal_year']} 年度", 
            f"period is not in fiscal year {rec['fiscal_year']}", rec["period"])


def _bond(rec, err):
    if rec["maturity_date"] <= rec["issue_date"]:
        err("MATURITY_DATE", "到期日期应晚于发行日期", "maturity date must be after the issue date",
            rec["maturity_date"].isoformat())


def _debt_service(rec, err):
    if rec["paid_date"] is None and rec["paid_amount"]:
        err("PAID_DATE", "有实还金额但没有实还日期", "a paid amount needs a paid date", "")


def _self_parent(rec, err):
    code = rec.get("mof_div_code", rec.get("code"))
    if rec["parent_code"] is not None and rec["parent_code"] == code:
        err("PARENT_CODE", "上级代码不能是自身", "the parent code must not be the code itself",
            rec["parent_code"])


ROW_CHECKS: dict[str, Callable] = {
    "quota": _quota,
    "payment": _payment,
    "revenue": _revenue,
    "revenue_budget": _negative_only_in_adjustment,
    "bond": _bond,
    "debt_service": _debt_service,
    "mof_div": _self_parent,
    "classification": _self_parent,
}


# -- header ----------------------------------------------------------------------

def map_header(ds: d.Dataset, header: Sequence[object], errors: FileErrors,
               warnings: list[Issue], file_name: str) -> list[Column] | None:
    """The columns to read, or None when the file cannot be checked further."""
    seen: dict[str, int] = {}
    columns: list[Column] = []
    for index, cell in enumerate(header):
        if is_empty(cell):
            continue
        name = d.field_name_for(str(cell))
        f = ds.by_name.get(name) if name else None
        if f is None:
            warnings.append(Issue(file_name, 1, str(cell).strip(), "未知列，已忽略",
                                  f"unknown column for {ds.name}, ignored"))
            continue
        if name in seen:
            errors.add(1, f.name, f"列重复（第 {seen[name] + 1} 列与第 {index + 1} 列）",
                       f"column given twice (columns {seen[name] + 1} and {index + 1})",
                       str(cell).strip())
            continue
        seen[name] = index
        deferred = f.ref is not None and f.ref == ds.provides
        columns.append(Column(index, f, make_parser(ds, f), f.ref, deferred))
    for f in ds.fields:
        if f.required and f.name not in seen:
            errors.add(1, f.name, "缺少必填列", f"missing required column for {ds.name}")
    return None if errors else columns


# -- the row loop -----------------------------------------------------------------

class ChunkSink(Protocol):
    """Where valid rows go (the StoreWriter); `accepting` turns False once
    any file has an error."""

    accepting: bool

    def write(self, ds: d.Dataset, rows: list[dict]) -> None:
        raise NotImplementedError


def check_source(src: Source, refs: Refs, errors: FileErrors, sink: ChunkSink,
                 chunk_size: int) -> FileReport:
    ds = d.DATASETS[src.dataset]
    report = FileReport(src.name, ds.name, 0,
                        [Issue(src.name, None, None, zh, en, v) for zh, en, v in src.warnings])
    try:
        _check_rows(src, ds, refs, errors, sink, chunk_size, report)
    except FileProblem as p:
        errors.add(p.line, p.column, p.zh, p.en, p.value)
    return report


def _data_rows(rows: Iterator[tuple[int, Sequence[object]]]):
    for line, cells in rows:
        if any(not is_empty(c) for c in cells):
            yield line, cells


def _check_rows(src, ds, refs, errors, sink, chunk_size, report) -> None:
    rows = src.rows()
    first = next(rows, None)
    if first is None:
        raise FileProblem("文件为空", "the file is empty")
    line, header = first
    if line != 1 or all(is_empty(c) for c in header):
        raise FileProblem("第 1 行应为表头", "line 1 must be the header", line=1)
    columns = map_header(ds, header, errors, report.warnings, src.name)
    if columns is None:
        return
    width = len(header)
    present = {c.field.name for c in columns}
    defaults = {f.column: f.default for f in ds.fields if f.name not in present}
    key_cols = [ds.by_name[k].column for k in ds.key]
    single_key = key_cols[0] if len(key_cols) == 1 else None
    provides = refs.get(ds.provides) if ds.provides else None
    row_check = ROW_CHECKS.get(ds.name)
    is_cls = ds.name == "classification"
    digests, lines = array("q"), array("L")
    pending: list[tuple[int, str, str, str]] = []  # line, COLUMN, value, ref
    chunk: list[dict] = []
    n_rows = 0
    # Local variables: this loop runs once per row of a 2,000,000-row file.
    add_error = errors.add

    for line, cells in _data_rows(rows):
        n = len(cells)
        if n > width and any(not is_empty(c) for c in cells[width:]):
            add_error(line, None, f"该行字段数（{n}）多于表头（{width}）",
                      f"the row has more fields ({n}) than the header ({width})",
                      render(cells[width]))
            continue
        rec = dict(defaults)
        ok = True
        for col in columns:
            raw = cells[col.index] if col.index < n else None
            if raw is None or raw == "" or (raw.__class__ is str and raw.isspace()):
                if not col.nullable:
                    add_error(line, col.name, "必填项为空", "required value is empty", "")
                    ok = False
                else:
                    rec[col.column] = col.default
                continue
            try:
                value = col.parse(raw)
            except Bad as bad:
                add_error(line, col.name, bad.zh, bad.en, render(raw))
                ok = False
                continue
            if value == "":
                value = col.default
                if not col.nullable:
                    add_error(line, col.name, "必填项为空", "required value is empty", render(raw))
                    ok = False
            elif col.ref is not None and value not in refs[col.ref]:
                if col.deferred:
                    pending.append((line, col.name, value, col.ref))
                else:
                    zh, en = _ref_message(col.ref)
                    add_error(line, col.name, zh, en, value)
                    ok = False
            rec[col.column] = value
        if ok and row_check is not None:
            before = errors.count
            row_check(rec, lambda c, zh, en, v, _l=line: add_error(_l, c, zh, en, v))
            ok = errors.count == before
        if ok and is_cls and rec["parent_code"] is not None:
            ref = d.cls_ref(rec["scheme"])
            if rec["parent_code"] not in refs[ref]:
                pending.append((line, "PARENT_CODE", rec["parent_code"], ref))
        # A dimension row with an error elsewhere still names its key: later
        # rows and files referring to it should not report it missing again.
        if provides is not None and single_key in rec:
            provides.add(rec[single_key])
        elif is_cls and "scheme" in rec and "code" in rec:
            refs[d.cls_ref(rec["scheme"])].add(rec["code"])
        if not ok:
            continue
        n_rows += 1
        key = rec[single_key] if single_key else tuple(rec[c] for c in key_cols)
        digests.append(hash(key))
        lines.append(line)
        if sink.accepting and not errors:
            chunk.append(rec)
            if len(chunk) >= chunk_size:
                sink.write(ds, chunk)
                chunk = []
        elif chunk:
            chunk = []

    for line, column, value, ref in pending:
        if value not in refs[ref]:
            if column == "PARENT_CODE":
                zh, en = "上级科目在同一分类中不存在", "unknown parent code in the same scheme"
            else:
                zh, en = _ref_message(ref)
            add_error(line, column, zh, en, value)
    _report_duplicates(src, ds, columns, digests, lines, errors)
    if chunk and sink.accepting and not errors:
        sink.write(ds, chunk)
    report.rows = n_rows
    if n_rows == 0 and not errors:
        report.warnings.append(Issue(src.name, None, None, "文件没有数据行", "the file has no data rows"))


def _report_duplicates(src, ds, columns, digests: array, lines: array, errors: FileErrors) -> None:
    """Keys are kept as 64-bit hashes (16 bytes a row with the line number);
    equal hashes are confirmed by re-reading just those lines."""
    if len(digests) < 2:
        return
    import numpy as np

    hashes = np.frombuffer(digests, dtype=np.int64)
    ordered = np.sort(hashes)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    del ordered
    if not len(repeated):
        return
    line_no = np.frombuffer(lines, dtype=np.uint32 if lines.itemsize == 4 else np.uint64)
    suspects = set(line_no[np.isin(hashes, repeated)].tolist())
    by_key: dict[object, list[int]] = {}
    key_columns = [c for name in ds.key for c in columns if c.field.name == name]
    for line, cells in _data_rows(src.rows()):
        if line in suspects:
            key = tuple(c.parse(cells[c.index]) for c in key_columns)
            by_key.setdefault(key, []).append(line)
    key_label = "+".join(ds.key)
    for key, found in sorted(by_key.items(), key=lambda kv: kv[1][0]):
        for later in found[1:]:
            errors.add(later, ds.key[0],
                       f"键重复（{key_label}），与第 {found[0]} 行相同",
                       f"duplicate key ({key_label}), same as line {found[0]}",
                       " / ".join(str(k) for k in key))
