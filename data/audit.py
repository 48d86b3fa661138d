"""The audit trail (使用留痕): append-only and tamper-evident.

Every entry carries the hash of the one before it, so changing, removing or
inserting an entry anywhere breaks the chain from there on; `verify` finds
the first break. The database refuses updates and deletes of the table
(migration 0003), and the one-row `audit_head` serialises writers: each
entry first updates the head, so two transactions never chain onto the same
predecessor."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Mapping

from sqlalchemy import Connection, Engine, and_, func, insert, or_, select, update

from data.i18n import N_
from data.schema import audit_head, audit_log

GENESIS = "0" * 64

# What each action means, for the admin page and the export.
ACTIONS = {
    "sign_in": N_("登录"),
    "sign_in_failed": N_("登录失败"),
    "sign_in_locked": N_("登录被锁定"),
    "sign_out": N_("退出"),
    "view_payments": N_("查看支付明细"),
    "download": N_("下载文件"),
    "export": N_("导出"),
    "import": N_("导入数据"),
    "rule_setting": N_("修改预警阈值"),
    "user_create": N_("创建账户"),
    "user_update": N_("修改账户"),
    "token_issue": N_("签发令牌"),
    "setting": N_("修改系统设置"),
    "problem": N_("问题处理"),
    "backup": N_("备份数据库"),
    "restore": N_("恢复数据库"),
}


def entry_hash(prev_hash: str, row: Mapping[str, Any]) -> str:
    """sha256 over the previous hash and the entry's own fields."""
    at = row["at"]
    if isinstance(at, str):  # a raw SQLite read in the migration
        at = datetime.fromisoformat(at)
    body = json.dumps([prev_hash, int(row["id"]), at.isoformat(timespec="microseconds"),
                       row["username"], row["action"], row["detail"], row["ip"]],
                      ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def record(conn: Connection, username: str | None, action: str, detail: str | None = None,
           ip: str | None = None) -> int:
    """Append one entry inside the caller's transaction; returns its id."""
    conn.execute(update(audit_head).where(audit_head.c.id == 1)
                 .values(last_id=audit_head.c.last_id))  # takes the write lock first
    head = conn.execute(select(audit_head.c.last_id, audit_head.c.last_hash)
                        .where(audit_head.c.id == 1)).one()
    row = {"id": head.last_id + 1, "at": datetime.now(), "username": username, "action": action,
           "detail": detail, "ip": ip}
    digest = entry_hash(head.last_hash, row)
    conn.execute(insert(audit_log).values(**row, prev_hash=head.last_hash, entry_hash=digest))
    conn.execute(update(audit_head).where(audit_head.c.id == 1)
                 .values(last_id=row["id"], last_hash=digest))
    return row["id"]


@dataclass(frozen=True)
class ChainReport:
    entries: int
    broken_at: int | None  # the first entry id whose link or content does not check
    reason: str | None

    @property
    def ok(self) -> bool:
        return self.broken_at is None

    def line(self) -> str:
        if self.ok:
            return f"审计链完整 / audit chain intact: {self.entries} entries"
        return "审计链在第 {n} 条处断裂 / audit chain broken at entry {n}: {reason}".format(
            n=self.broken_at, reason=self.reason)


def verify(engine: Engine, batch: int = 5000) -> ChainReport:
    """Walk the chain in id order and report the first entry that does not check."""
    prev, expected_id, n = GENESIS, 1, 0
    with engine.connect() as conn:
        head = conn.execute(select(audit_head).where(audit_head.c.id == 1)).mappings().first()
        last = 0
        while True:
            rows = conn.execute(select(audit_log).where(audit_log.c.id > last)
                                .order_by(audit_log.c.id).limit(batch)).mappings().all()
            for row in rows:
                if row["id"] != expected_id:
                    return ChainReport(n, expected_id, "entry missing / 条目缺失")  # i18n: data (bilingual)
                if row["prev_hash"] != prev:
                    return ChainReport(n, row["id"], "link to the previous entry changed / 前序哈希不符")  # i18n: data
                if row["entry_hash"] != entry_hash(prev, row):
                    return ChainReport(n, row["id"], "entry content changed / 条目内容被改动")  # i18n: data
                prev, expected_id, n, last = row["entry_hash"], row["id"] + 1, n + 1, row["id"]
            if len(rows) < batch:
                break
    if head is None or head["last_id"] != n or head["last_hash"] != prev:
        return ChainReport(n, n + 1 if head is None else head["last_id"],
                           "entries removed from the end / 末尾条目缺失")  # i18n: data
    return ChainReport(n, None, None)


def failures_since(conn: Connection, since: datetime, username: str | None = None,
                   ip: str | None = None) -> int:
    """Failed sign-ins since `since` for an account (counting only those after
    its last successful sign-in) or from an address."""
    conds = [audit_log.c.action == "sign_in_failed", audit_log.c.at >= since]
    if username is not None:
        last_ok = conn.execute(select(func.max(audit_log.c.at)).where(
            audit_log.c.username == username, audit_log.c.action == "sign_in")).scalar()
        conds.append(audit_log.c.username == username)
        if last_ok is not None:
            conds.append(audit_log.c.at > last_ok)
    if ip is not None:
        conds.append(audit_log.c.ip == ip)
    return int(conn.execute(select(func.count()).select_from(audit_log).where(*conds)).scalar())


def last_failure(conn: Connection, username: str | None = None, ip: str | None = None):
    conds = [audit_log.c.action == "sign_in_failed"]
    if username is not None:
        conds.append(audit_log.c.username == username)
    if ip is not None:
        conds.append(audit_log.c.ip == ip)
    return conn.execute(select(func.max(audit_log.c.at)).where(*conds)).scalar()


def search(engine: Engine, *, user: str | None = None, action: str | None = None,
           since: date | None = None, until: date | None = None, text: str | None = None,
           offset: int = 0, limit: int | None = 100) -> tuple[list[dict], int]:
    """Entries matching every given filter, newest first, and how many match."""
    conds = []
    if user:
        conds.append(audit_log.c.username == user)
    if action:
        conds.append(audit_log.c.action == action)
    if since:
        conds.append(audit_log.c.at >= datetime.combine(since, datetime.min.time()))
    if until:
        conds.append(audit_log.c.at < datetime.combine(until + timedelta(days=1),
                                                        datetime.min.time()))
    if text:
        conds.append(or_(audit_log.c.detail.contains(text, autoescape=True),
                         audit_log.c.ip.contains(text, autoescape=True)))
    where = and_(*conds) if conds else None
    stmt = select(audit_log.c.id, audit_log.c.at, audit_log.c.username, audit_log.c.action,
                  audit_log.c.detail, audit_log.c.ip).order_by(audit_log.c.id.desc())
    count = select(func.count()).select_from(audit_log)
    if where is not None:
        stmt, count = stmt.where(where), count.where(where)
    stmt = stmt.offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(stmt).mappings()]
        total = int(conn.execute(count).scalar())
    return rows, total
