"""Payment search through the search index (data/search.py, migration 0006):
for any term the payments found are exactly those LIKE '%term%' finds
(case-insensitive as each backend's LIKE / ILIKE, %, _ and \\ literal), the
masked viewer never matches on a payee, and the index follows every change.
The oracle is computed here from the rows written."""
from __future__ import annotations

import string
from datetime import date

import pytest
from alembic import command
from sqlalchemy import delete, event, select, text

from data import schema, search
from data.db import _alembic
from data.importer import import_files
from data.query import Scope, payments
from tests.files.contract import PAYMENT_HEADER, dimension_files, payment, write

# (voucher, pay date, payee, purpose); None: no purpose
ROWS = [
    ("PC2025000001", "2025-03-02", "示范县天成办公用品有限公司", "办公用品采购"),
    ("PC2025000002", "2025-03-05", "张三", "差旅费报销"),
    ("PC2025000003", "2025-04-11", "Acme Trading Co", "Office Supplies"),
    ("PC2025000004", "2025-05-20", "李四", "100%_完成\\路径"),
    ("PC2025000005", "2025-06-01", "O'Brien \"Ltd\"", "会议"),
    ("PC2025000006", "2025-06-18", "王五", "采购办公"),
    ("PC2025000007", "2025-07-09", "张三丰", None),
    ("PC2026000008", "2026-02-14", "办公室", "印刷费"),
    ("PC2025000009", "2025-08-30", "示范县中学", "Ärztebedarf"),
    ("pc2025000010", "2025-09-03", "赵六", "办"),
] + [
    # the common run of payments a selective term must be found among
    (f"FX{2025 + i % 2}{i:06d}", f"{2025 + i % 2}-10-{1 + i % 28:02d}", "某某科技有限公司",
     "日常经费") for i in range(150)
]

TERMS = [
    "办", "办公", "公用", "采购", "办公用品", "天成办公用品有限公司", "用品采购",  # Chinese
    "office", "OFFICE SUP", "supplies", "ärzte", "Ä",  # letters, either case
    "pc2025", "PC20250000", "000001", "0000", "fx", "FX2026000",  # vouchers
    "%", "_", "\\", "100%_", "%_完", "'", '"', "O'Brien", '"Ltd"',  # LIKE's and SQL's own
    "张三", "会议", "不存在", "日常", "有限公司",
]
# Terms few payments hold: the index, not a scan, must have found them.
SELECTIVE = ["办", "办公", "采购", "办公用品", "office", "PC20250000", "000001", "张三",
             "会议"]
SCOPES = [Scope(as_of=date(2025, 12, 31)), Scope(as_of=date(2026, 12, 31))]
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def load(engine, folder, rows, dims=False):
    folder.mkdir()
    files = [*dimension_files(folder)] if dims else []
    lines = [payment(cert, day, PAYEE_ACCT_NAME=payee, USE_DES=use or "")
             for cert, day, payee, use in rows]
    import_files(engine, [*files, write(folder, "payment.csv", PAYMENT_HEADER, lines)],
                 evaluate_rules=False)


def expected(rows, backend, scope, term, masked) -> set[str]:
    """LIKE's matches: SQLite folds ASCII letters only, PostgreSQL's ILIKE all."""
    fold = str.lower if backend == "postgresql" else (lambda v: v.translate(_ASCII_LOWER))
    found = set()
    for cert, day, payee, use in rows:
        if int(day[:4]) != scope.fiscal_year or date.fromisoformat(day) > scope.as_of:
            continue
        searched = [use, cert] + ([] if masked else [payee])
        if any(v is not None and fold(term) in fold(v) for v in searched):
            found.add(cert)
    return found


def check(engine, backend, rows, terms=TERMS):
    for scope in SCOPES:
        for masked in (False, True):
            for term in terms:
                page = payments(engine, scope.replace(masked=masked), search=term,
                                sort="pay_cert_id", limit=1000)
                want = expected(rows, backend, scope, term, masked)
                assert {r["pay_cert_id"] for r in page.rows} == want, (term, scope, masked)
                assert page.total == len(page.rows) == len(want), (term, scope, masked)


def statements(engine, fn) -> list[str]:
    seen: list[str] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", capture)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return seen


def check_index_used(engine, backend, terms=SELECTIVE):
    """SQLite: the payment queries took their rows from the index; PostgreSQL:
    they compare by ILIKE, which the trigram indexes serve (lower(x) LIKE
    would need indexes of lower(x))."""
    for term in terms:
        seen = statements(engine, lambda: payments(engine, SCOPES[0], search=term))
        searched = [s for s in seen if "FROM payment " in s and "LIKE" in s]
        sign = "payment_search MATCH" if backend == "sqlite" else "ILIKE"
        assert searched and all(sign in s for s in searched), term


def named_by_index(engine, backend, term) -> set[str] | None:
    """SQLite: the payments the index names for `term` (None elsewhere)."""
    if backend != "sqlite":
        return None
    p = schema.payment
    with engine.connect() as conn:
        return set(conn.execute(select(p.c.pay_cert_id).where(
            search.narrowing(conn, p, term))).scalars())


def replaced(rows, cert, **change):
    fields = ("cert", "day", "payee", "use")
    out = []
    for row in rows:
        if row[0] == cert:
            row = tuple(change.get(f, v) for f, v in zip(fields, row))
        out.append(row)
    return out


@pytest.fixture
def loaded(engine, tmp_path):
    load(engine, tmp_path / "first", ROWS, dims=True)
    return engine


def test_search_finds_what_like_finds(loaded, backend):
    check(loaded, backend, ROWS)
    check_index_used(loaded, backend)


def test_the_index_follows_a_changed_purpose(loaded, backend, tmp_path):
    assert named_by_index(loaded, backend, "用品采购") in ({"PC2025000001"}, None)
    rows = replaced(ROWS, "PC2025000001", use="会议费用")
    load(loaded, tmp_path / "second", [r for r in rows if r[0] == "PC2025000001"])
    assert "PC2025000001" not in expected(rows, backend, SCOPES[0], "用品采购", False)
    assert "PC2025000001" in expected(rows, backend, SCOPES[0], "会议费", False)
    check(loaded, backend, rows, TERMS + ["会议费", "费用"])
    check_index_used(loaded, backend, ["会议费", "费用"])
    # the old purpose's trigrams went with it
    assert named_by_index(loaded, backend, "用品采购") in (set(), None)


def test_the_index_follows_a_payment_into_another_year(loaded, backend, tmp_path):
    rows = replaced(ROWS, "PC2025000003", day="2026-01-05")
    load(loaded, tmp_path / "second", [r for r in rows if r[0] == "PC2025000003"])
    assert "PC2025000003" in expected(rows, backend, SCOPES[1], "office", False)
    check(loaded, backend, rows)
    check_index_used(loaded, backend)


def test_the_index_follows_a_deleted_payment(loaded, backend, tmp_path):
    with loaded.begin() as conn:
        conn.execute(delete(schema.payment).where(schema.payment.c.pay_cert_id == "PC2025000006"))
    rows = [r for r in ROWS if r[0] != "PC2025000006"]
    check(loaded, backend, rows, ["采购", "办公", "王五"])
    # delivered again, it is found again (on SQLite under a new rowid)
    load(loaded, tmp_path / "second", [r for r in ROWS if r[0] == "PC2025000006"])
    check(loaded, backend, ROWS, ["采购", "办公", "王五"])
    check_index_used(loaded, backend, ["采购", "王五"])


def test_search_survives_a_downgrade_and_upgrade(loaded, backend, db_url):
    command.downgrade(_alembic(db_url), "0005")
    with loaded.connect() as conn:
        if backend == "sqlite":
            assert not conn.execute(text(
                "SELECT count(*) FROM sqlite_master WHERE name LIKE 'payment_search%'")).scalar()
        else:
            assert not conn.execute(text(
                "SELECT count(*) FROM pg_indexes WHERE indexname LIKE '%trgm'")).scalar()
    command.upgrade(_alembic(db_url), "head")
    check(loaded, backend, ROWS)
    check_index_used(loaded, backend)


def test_postgresql_trigram_indexes_serve_ilike(loaded, backend):
    if backend != "postgresql":
        pytest.skip("pg_trgm is PostgreSQL's")
    with loaded.connect() as conn:
        defs = conn.execute(text(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'payment_y2025'")).scalars().all()
    for column in ("use_des", "payee_acct_name", "pay_cert_id"):
        assert any(f"USING gin ({column} gin_trgm_ops)" in d for d in defs), column
    for column, term in (("use_des", "办公用品"), ("payee_acct_name", "天成办公")):
        with loaded.begin() as conn:
            # bitmap scans only, which a B-tree cannot do for ILIKE '%…%'
            conn.execute(text("SET LOCAL enable_seqscan = off"))
            conn.execute(text("SET LOCAL enable_indexscan = off"))
            plan = "\n".join(conn.execute(text(
                f"EXPLAIN SELECT pay_cert_id FROM payment WHERE {column} ILIKE '%{term}%'"
            )).scalars())
        assert f"Bitmap Index Scan on payment_y2025_{column}_idx" in plan, plan
