"""Accounts, API tokens and the append-only audit trail (使用留痕).

Passwords are stored as werkzeug hashes; API tokens are random, shown once,
and stored only as their sha256 hex digest, so a copy of the database gives
away neither."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from data.schema import api_token, app_user, audit_log

ROLES = ("admin", "staff", "deputy")


class AccountError(ValueError):
    """A refused account operation; the message is Chinese / English."""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def audit(conn: Connection, username: str | None, action: str, detail: str | None = None) -> None:
    """Append one entry to the audit trail inside the caller's transaction."""
    conn.execute(insert(audit_log).values(at=datetime.now(), username=username, action=action,
                                          detail=detail))


def create_user(engine: Engine, name: str, role: str, password: str | None = None) -> int:
    """Create an account; a user without a password can only use API tokens."""
    name = (name or "").strip()
    if not name or len(name) > 64:
        raise AccountError(f"用户名须为 1–64 个字符 / user name must be 1–64 characters: {name!r}")
    if role not in ROLES:
        raise AccountError(f"角色须为 {', '.join(ROLES)} 之一 / role must be one of "
                           f"{', '.join(ROLES)}: {role!r}")
    if password is not None and password == "":
        raise AccountError("密码不能为空 / password must not be empty")
    try:
        with engine.begin() as conn:
            user_id = conn.execute(insert(app_user).values(
                username=name, role=role, created_at=datetime.now(), active=True,
                password_hash=generate_password_hash(password) if password else None,
            )).inserted_primary_key[0]
            audit(conn, None, "user_create", f"{name} ({role})")
    except IntegrityError:
        raise AccountError(f"用户已存在 / user already exists: {name}") from None
    return int(user_id)


def _user_row(conn: Connection, name: str):
    return conn.execute(select(app_user).where(app_user.c.username == name)).mappings().first()


def issue_token(engine: Engine, name: str) -> str:
    """A new API token for an active account (returned once, stored hashed)."""
    token = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        user = _user_row(conn, name)
        if user is None or not user["active"]:
            raise AccountError(f"用户不存在或已停用 / no such active user: {name}")
        conn.execute(insert(api_token).values(token_hash=_token_hash(token),
                                              user_id=user["user_id"], created_at=datetime.now()))
        audit(conn, None, "token_issue", name)
    return token


def user_for_token(engine: Engine, token: str | None) -> dict | None:
    """The active account a non-revoked token belongs to, else None."""
    if not token:
        return None
    q = (select(app_user.c.user_id, app_user.c.username, app_user.c.role)
         .select_from(api_token.join(app_user, api_token.c.user_id == app_user.c.user_id))
         .where(api_token.c.token_hash == _token_hash(token), api_token.c.revoked_at.is_(None),
                app_user.c.active.is_(True)))
    with engine.connect() as conn:
        row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def check_password(engine: Engine, name: str, password: str) -> dict | None:
    """The account when the password matches, else None (same answer for an
    unknown user and a wrong password)."""
    with engine.connect() as conn:
        user = _user_row(conn, name)
    if user is None or not user["active"] or not user["password_hash"]:
        return None
    if not check_password_hash(user["password_hash"], password):
        return None
    return {"user_id": user["user_id"], "username": user["username"], "role": user["role"]}
