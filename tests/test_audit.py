"""The audit trail is append-only and tamper-evident: entries chain by
sha256, the database refuses UPDATE and DELETE, and once the guard is
dropped any change or removal is found at the first entry that does not
check (`verify`, `flask --app app audit check`, the admin page). Sign-in
lockout: failures are counted from the trail."""
from __future__ import annotations

import hashlib
import importlib
import json
import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError

from data import accounts, audit
from data.accounts import LOCK_AFTER, LOCK_MINUTES, Viewer
from data.schema import audit_head, audit_log
from tests.sessions import PASSWORD, viewing_as

ZERO = "0" * 64


def write(engine, n: int, start: int = 0) -> None:
    """n entries, each in its own transaction, with Chinese, empty and odd fields."""
    actions = ["sign_in", "export", "import", "problem"]
    for i in range(start, start + n):
        with engine.begin() as conn:
            audit.record(conn, f"用户{i % 3}" if i % 5 else None, actions[i % 4],
                         None if i % 7 == 0 else f"第 {i} 条 detail \"quoted\" ✓", f"10.0.0.{i % 9}")


def rows(engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(audit_log).order_by(audit_log.c.id)).mappings()]


def expected_hash(prev: str, r: dict) -> str:
    """The documented formula: sha256 of the JSON list [prev_hash, id, at
    (ISO, microseconds), username, action, detail, ip]."""
    body = json.dumps([prev, r["id"], r["at"].isoformat(timespec="microseconds"), r["username"],
                       r["action"], r["detail"], r["ip"]], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def unguard(engine) -> None:
    """What someone with the database's owner rights would do first."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP TRIGGER audit_log_append_only ON audit_log"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
            conn.execute(text("DROP TRIGGER audit_log_no_delete"))


def last_id(engine) -> int:
    """Entries already there (the store records importing its classification table)."""
    with engine.connect() as conn:
        return conn.execute(select(func.coalesce(func.max(audit_log.c.id), 0))).scalar()


def test_entries_chain(engine):
    base = last_id(engine)
    write(engine, 12)
    log = rows(engine)
    assert [r["id"] for r in log] == list(range(1, base + 13))
    prev = ZERO
    for r in log:
        assert r["prev_hash"] == prev
        assert r["entry_hash"] == expected_hash(prev, r)
        prev = r["entry_hash"]
    with engine.connect() as conn:
        head = conn.execute(select(audit_head)).mappings().one()
    assert (head["last_id"], head["last_hash"]) == (base + 12, prev)


def test_verify_intact_after_many_writes(engine):
    base = last_id(engine)
    write(engine, 250)
    with engine.begin() as conn:  # several entries in one transaction chain too
        for i in range(30):
            audit.record(conn, "batch", "export", f"b{i}", None)
    report = audit.verify(engine, batch=64)  # several batches of the walk
    assert report.ok and report.broken_at is None
    assert report.entries == base + 280
    assert report.line() == f"审计链完整 / audit chain intact: {base + 280} entries"


def test_concurrent_writers_keep_one_chain(engine):
    base = last_id(engine)
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            for i in range(15):
                with engine.begin() as conn:
                    audit.record(conn, f"w{k}", "sign_in", f"{k}-{i}", None)
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [r["id"] for r in rows(engine)] == list(range(1, base + 61))
    assert audit.verify(engine).ok


def test_database_refuses_update_and_delete(engine):
    write(engine, 3)
    before = rows(engine)
    with pytest.raises(DBAPIError):
        with engine.begin() as conn:
            conn.execute(update(audit_log).where(audit_log.c.id == 2).values(detail="changed"))
    with pytest.raises(DBAPIError):
        with engine.begin() as conn:
            conn.execute(delete(audit_log).where(audit_log.c.id == 3))
    with pytest.raises(DBAPIError):
        with engine.begin() as conn:
            conn.execute(delete(audit_log))
    assert rows(engine) == before
    assert audit.verify(engine).ok


def test_changed_entry_is_found(engine):
    write(engine, 20)
    unguard(engine)
    with engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.id == 7).values(detail="nothing happened"))
    report = audit.verify(engine)
    assert not report.ok and report.broken_at == 7 and report.entries == 6
    assert report.line().startswith("审计链在第 7 条处断裂 / audit chain broken at entry 7: ")
    assert "content changed" in report.line()


def test_rehashed_entry_breaks_the_next_link(engine):
    """Changing an entry and recomputing its own hash still breaks the chain:
    the next entry names the old hash."""
    write(engine, 10)
    unguard(engine)
    target = rows(engine)[4]
    assert target["id"] == 5
    forged = {**target, "username": "nobody"}
    with engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.id == 5).values(
            username="nobody", entry_hash=expected_hash(target["prev_hash"], forged)))
    report = audit.verify(engine)
    assert report.broken_at == 6 and "link to the previous entry changed" in report.line()


def test_removed_entry_is_found(engine):
    write(engine, 15)
    unguard(engine)
    with engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.id == 9))
    report = audit.verify(engine)
    assert not report.ok and report.broken_at == 9
    assert "entry missing" in report.line()


def test_removed_last_entries_are_found(engine):
    write(engine, 15)
    last = last_id(engine)
    unguard(engine)
    with engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.id == last))
    report = audit.verify(engine)
    assert not report.ok and report.broken_at == last and report.entries == last - 1
    assert "removed from the end" in report.line()
    with engine.begin() as conn:  # the whole log, leaving the head
        conn.execute(delete(audit_log))
    assert not audit.verify(engine).ok


def test_cli_audit_check(server, engine):
    cli = server.test_cli_runner()
    write(engine, 8)
    n = last_id(engine)
    good = cli.invoke(args=["audit", "check"])
    assert good.exit_code == 0, good.output
    assert good.stdout.strip() == f"审计链完整 / audit chain intact: {n} entries"

    unguard(engine)
    with engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.id == 3).values(ip="192.0.2.1"))
    bad = cli.invoke(args=["audit", "check"])
    assert bad.exit_code == 1
    assert bad.stderr.strip() == ("审计链在第 3 条处断裂 / audit chain broken at entry 3: "
                                  "entry content changed / 条目内容被改动")
    assert bad.stdout == ""


def test_audit_page_shows_the_break(server, engine):
    page = importlib.import_module("pages.admin_audit")
    accounts.create_user(engine, "boss", "admin", PASSWORD)
    write(engine, 5)
    admin = Viewer(1, "boss", "admin", "10.0.0.5")
    with viewing_as(server, admin):
        intact = str(page.layout())
    assert "admin-chain chain-intact" in intact and "审计链完整，未发现篡改" in intact
    unguard(engine)
    with engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.id == 4).values(action="sign_out"))
    with viewing_as(server, admin):
        broken = str(page.layout())
    assert "admin-chain chain-broken" in broken
    assert "审计链在第 4 条处断裂：记录可能被篡改" in broken


# -- sign-in lockout ------------------------------------------------------------------

def failures(engine, name: str) -> list[tuple[str, str | None]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            select(audit_log.c.action, audit_log.c.ip)
            .where(audit_log.c.username == name, audit_log.c.action.like("sign_in%"))
            .order_by(audit_log.c.id))]


def test_lockout_after_failures(engine, monkeypatch):
    accounts.create_user(engine, "clerk", "staff", PASSWORD)
    for _ in range(LOCK_AFTER):
        out = accounts.sign_in(engine, "clerk", "wrong-password", "10.9.8.7")
        assert out.user is None and out.error == "用户名或密码不正确 / wrong user name or password"
    locked = accounts.sign_in(engine, "clerk", PASSWORD, "10.9.8.7")
    assert locked.user is None
    assert locked.error == (f"登录失败次数过多，请 {LOCK_MINUTES} 分钟后再试 / too many failed "
                            f"sign-ins; try again in {LOCK_MINUTES} minutes")
    assert failures(engine, "clerk") == [("sign_in_failed", "10.9.8.7")] * LOCK_AFTER + [
        ("sign_in_locked", "10.9.8.7")]
    assert accounts.sign_in(engine, "other", "x", "10.9.8.7").error.startswith("用户名或密码不正确")

    class Later(datetime):  # the lock has run out
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + timedelta(minutes=LOCK_MINUTES, seconds=5)

    monkeypatch.setattr(accounts, "datetime", Later)
    assert accounts.sign_in(engine, "clerk", PASSWORD, "10.9.8.7").user["username"] == "clerk"


def test_success_resets_the_count(engine):
    accounts.create_user(engine, "clerk", "staff", PASSWORD)
    for _ in range(2):
        for _ in range(LOCK_AFTER - 1):
            assert accounts.sign_in(engine, "clerk", "wrong-password", "10.1.1.1").user is None
        assert accounts.sign_in(engine, "clerk", PASSWORD, "10.1.1.1").user is not None
    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(audit_log)
                         .where(audit_log.c.action == "sign_in_locked")).scalar()
    assert n == 0


def test_cli_export_writes_every_entry_and_is_itself_recorded(server, engine, tmp_path):
    for i in range(3):
        with engine.begin() as conn:
            audit.record(conn, f"user-{i}", "sign_in", None, "10.0.0.1")
    before = audit.search(engine, limit=None)[1]
    out = tmp_path / "trail.csv"
    result = server.test_cli_runner().invoke(args=["audit", "export", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_bytes().decode("utf-8-sig").splitlines()
    assert len(lines) == before + 1 and lines[0].startswith("编号")
    assert sum("user-1" in line for line in lines) == 1
    assert audit.search(engine, action="export")[1] == 1
