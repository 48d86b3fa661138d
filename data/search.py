"""The payment search index: a term found in the payee (PAYEE_ACCT_NAME), the
purpose (USE_DES) or the voucher (PAY_CERT_ID) as a substring, without
reading every payment. The index only narrows: the query layer still applies
its LIKE (ILIKE) to the rows it names, so what is found is always exactly
what LIKE '%term%' finds (data/query/facts.py).

SQLite: `payment_search`, a contentless FTS5 table with the trigram tokenizer
(detail=none: it knows which payments hold a trigram, not where), keyed by
the payment's rowid and kept in step by triggers on payment (migration 0006).
Each value goes in lower-cased as LIKE folds case (ASCII only) and followed
by two PAD characters, so that every character of a value begins a trigram:
a term of three or more characters is looked up by its own trigrams, a term
of one or two characters by the trigrams it begins, read from the index's
vocabulary (`payment_search_vocab`).

PostgreSQL: pg_trgm's GIN indexes on the three columns, which ILIKE uses
directly (migration 0006); nothing here is needed at query time.
"""
from __future__ import annotations

import string

from sqlalchemy import (Column, ColumnElement, Connection, Integer, MetaData, Table, Text, false,
                        func, literal_column, select)

TABLE = "payment_search"
VOCAB = f"{TABLE}_vocab"
COLUMNS = ("use_des", "pay_cert_id", "payee_acct_name")
PAD = "char(31, 31)"
TRIGRAM_INDEXES = {f"ix_payment_{c}_trgm": c for c in COLUMNS}  # PostgreSQL

# A trigram held by fewer payments than this is selective enough to look up;
# the commoner ones (the digits of every voucher) cost more than they narrow.
RARE = 10_000
# Beyond a quarter of the payments, following the index's rowids one by one
# costs more than reading the table through.
SHARE = 4

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_index = Table(TABLE, MetaData(), Column("rowid", Integer))
_vocab = Table(VOCAB, MetaData(), Column("term", Text), Column("doc", Integer))


def indexed(value: str) -> str:
    """The SQL of what the index holds for a column's value."""
    return f"lower({value}) || {PAD}"


def is_index_part(name: str, type_: str) -> bool:
    """The index's tables (with FTS5's own) and PostgreSQL indexes, which
    data/schema.py does not describe."""
    if type_ == "table":
        return name == TABLE or name.startswith(f"{TABLE}_")
    return type_ == "index" and name in TRIGRAM_INDEXES


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _count(conn: Connection, match: str, limit: int) -> int:
    """How many payments the index names for `match`, counting to `limit` at most."""
    named = select(_index.c.rowid).where(literal_column(TABLE).match(match)).limit(limit)
    return conn.execute(select(func.count()).select_from(named.subquery())).scalar()


def narrowing(conn: Connection, payment: Table, term: str) -> ColumnElement | None:
    """SQLite: a condition on `payment` holding every payment one of whose
    indexed columns contains `term` (as LIKE compares), and usually few
    others; None when the term is so common that reading the table is faster."""
    term = term.translate(_ASCII_LOWER)
    size = conn.execute(select(func.max(literal_column("rowid"))).select_from(payment)).scalar()
    most = (size or 0) // SHARE
    if len(term) < 3:
        # every occurrence begins a trigram (the PAD sees to one at a value's end)
        last = term + chr(0x10FFFF) * (3 - len(term))
        begun = conn.execute(select(_vocab.c.term, _vocab.c.doc)
                             .where(_vocab.c.term >= term, _vocab.c.term <= last)).all()
        if not begun:
            return false()
        if sum(doc for _, doc in begun) > most:
            return None
        match = " OR ".join(_phrase(t) for t, _ in begun)
    else:
        grams = sorted({term[i:i + 3] for i in range(len(term) - 2)})
        held = {g: _count(conn, _phrase(g), RARE) for g in grams}
        if not all(held.values()):
            return false()
        rare = [g for g in grams if held[g] < RARE]
        match = " AND ".join(_phrase(g) for g in rare or grams)
        if not rare and _count(conn, match, most + 1) > most:
            return None
    named = select(_index.c.rowid).where(literal_column(TABLE).match(match))
    return literal_column(f"{payment.name}.rowid").in_(named)
