"""Accounts, roles, sign-in with lockout, API tokens and the access settings.

Passwords are argon2id hashes (memory-hard); a hash from before argon2 is
still accepted once and replaced at that sign-in. API tokens are random,
shown once, and stored only as their sha256 hex digest, so a copy of the
database gives away neither. Every change is written to the audit trail."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash

from data.audit import failures_since, last_failure, record
from data.i18n import N_
from data.schema import api_token, app_setting, app_user

ROLES = ("admin", "staff", "deputy")
ROLE_ZH = {"admin": N_("管理员"), "staff": N_("工作人员"), "deputy": N_("人大代表")}
MIN_PASSWORD = 8

# Sign-in throttling: an account locks for LOCK_MINUTES after LOCK_AFTER
# failures in a row; an address is refused for as long after IP_LIMIT failures.
LOCK_AFTER = 5
IP_LIMIT = 20
LOCK_MINUTES = 15

KIOSK_PROFILE = "kiosk_profile"

_hasher = PasswordHasher()


@dataclass(frozen=True)
class Viewer:
    """Who is asking: a signed-in account, or nobody (`role` None) under the
    read-only kiosk profile. `ip` is recorded in the audit trail."""

    user_id: int | None
    name: str | None
    role: str | None
    ip: str | None = None

    @property
    def kiosk(self) -> bool:
        return self.role is None

    @property
    def masked(self) -> bool:
        """Individual payees' names and account numbers are hidden."""
        return self.role in (None, "deputy")

    def can(self, capability: str) -> bool:
        return self.role in CAPABILITIES[capability]

    @classmethod
    def of(cls, user: dict, ip: str | None = None) -> "Viewer":
        return cls(user["user_id"], user["username"], user["role"], ip)


# What each role may do (PRODUCT.md "Accounts"); None is the kiosk profile.
CAPABILITIES = {
    "read": ("admin", "staff", "deputy", None),
    "raise_question": ("admin", "staff", "deputy"),
    "handle_problems": ("admin", "staff"),
    "set_thresholds": ("admin", "staff"),
    "manage_accounts": ("admin",),
    "read_audit": ("admin",),
}


class AccountError(ValueError):
    """A refused account operation; the message is Chinese / English."""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_password() -> str:
    """A generated password (shown once to whoever needs it)."""
    return secrets.token_urlsafe(12)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError("密码至少 {n} 个字符 / a password needs at least {n} characters".format(
            n=MIN_PASSWORD))


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError("角色须为 {roles} 之一 / role must be one of {roles}: {role!r}".format(
            roles=", ".join(ROLES), role=role))


def create_user(engine: Engine, name: str, role: str, password: str | None = None,
                by: str | None = None, ip: str | None = None) -> int:
    """Create an account; one without a password can only use API tokens."""
    name = (name or "").strip()
    if not name or len(name) > 64:
        raise AccountError(f"用户名须为 1–64 个字符 / user name must be 1–64 characters: {name!r}")
    _check_role(role)
    if password is not None:
        if password == "":
            raise AccountError("密码不能为空 / password must not be empty")
        _check_new_password(password)
    try:
        with engine.begin() as conn:
            user_id = conn.execute(insert(app_user).values(
                username=name, role=role, created_at=datetime.now(), active=True,
                session_epoch=0, password_hash=hash_password(password) if password else None,
            )).inserted_primary_key[0]
            record(conn, by, "user_create", f"{name} ({role})", ip)
    except IntegrityError:
        raise AccountError(f"用户已存在 / user already exists: {name}") from None
    return int(user_id)


def ensure_first_admin(engine: Engine, name: str = "admin") -> str | None:
    """On a store without accounts, create the first admin with a generated
    password and return it (to be shown once); else None."""
    with engine.connect() as conn:
        if conn.execute(select(func.count()).select_from(app_user)).scalar():
            return None
    password = new_password()
    create_user(engine, name, "admin", password, by="system")
    return password


def _user_row(conn: Connection, name: str):
    return conn.execute(select(app_user).where(app_user.c.username == name)).mappings().first()


def _public(user) -> dict:
    return {"user_id": user["user_id"], "username": user["username"], "role": user["role"],
            "session_epoch": user["session_epoch"]}


def users(engine: Engine) -> list[dict]:
    """Every account (no hashes), by name."""
    with engine.connect() as conn:
        rows = conn.execute(select(app_user.c.user_id, app_user.c.username, app_user.c.role,
                                   app_user.c.active, app_user.c.created_at,
                                   app_user.c.password_hash.is_not(None).label("has_password"))
                            .order_by(app_user.c.username)).mappings().all()
    return [dict(r) for r in rows]


def session_user(engine: Engine, user_id: int, epoch: int) -> dict | None:
    """The active account a session names, unless the session predates a
    password reset, role change or disabling."""
    with engine.connect() as conn:
        user = conn.execute(select(app_user).where(app_user.c.user_id == user_id)).mappings().first()
    if user is None or not user["active"] or user["session_epoch"] != epoch:
        return None
    return _public(user)


def _change(engine: Engine, name: str, by: str, ip: str | None, what: str, **values) -> None:
    with engine.begin() as conn:
        user = _user_row(conn, name)
        if user is None:
            raise AccountError(f"用户不存在 / no such user: {name}")
        conn.execute(update(app_user).where(app_user.c.user_id == user["user_id"])
                     .values(**values, session_epoch=app_user.c.session_epoch + 1))
        record(conn, by, "user_update", f"{name}: {what}", ip)


def set_active(engine: Engine, name: str, active: bool, by: str, ip: str | None = None) -> None:
    if not active and name == by:
        raise AccountError("不能停用自己的账户 / you cannot disable your own account")
    _change(engine, name, by, ip, "enabled" if active else "disabled", active=active)


def set_role(engine: Engine, name: str, role: str, by: str, ip: str | None = None) -> None:
    _check_role(role)
    if name == by and role != "admin":
        raise AccountError("不能取消自己的管理员角色 / you cannot remove your own admin role")
    _change(engine, name, by, ip, f"role → {role}", role=role)


def reset_password(engine: Engine, name: str, by: str, ip: str | None = None) -> str:
    """A new generated password for the account (shown once); its sessions end."""
    password = new_password()
    _change(engine, name, by, ip, "password reset", password_hash=hash_password(password))
    return password


def issue_token(engine: Engine, name: str, by: str | None = None, ip: str | None = None) -> str:
    """A new API token for an active account (returned once, stored hashed)."""
    token = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        user = _user_row(conn, name)
        if user is None or not user["active"]:
            raise AccountError(f"用户不存在或已停用 / no such active user: {name}")
        conn.execute(insert(api_token).values(token_hash=_token_hash(token),
                                              user_id=user["user_id"], created_at=datetime.now()))
        record(conn, by, "token_issue", name, ip)
    return token


def user_for_token(engine: Engine, token: str | None) -> dict | None:
    """The active account a non-revoked token belongs to, else None."""
    if not token:
        return None
    q = (select(app_user)
         .select_from(api_token.join(app_user, api_token.c.user_id == app_user.c.user_id))
         .where(api_token.c.token_hash == _token_hash(token), api_token.c.revoked_at.is_(None),
                app_user.c.active.is_(True)))
    with engine.connect() as conn:
        row = conn.execute(q).mappings().first()
    return _public(row) if row else None


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except VerificationError:
        return False
    except InvalidHashError:  # a pre-argon2 (werkzeug) hash
        return check_password_hash(stored, password)


def check_password(engine: Engine, name: str, password: str) -> dict | None:
    """The account when the password matches, else None (same answer for an
    unknown user and a wrong password). Records nothing."""
    with engine.connect() as conn:
        user = _user_row(conn, name)
    if user is None or not user["active"] or not user["password_hash"] or not password:
        return None
    return _public(user) if _verify(user["password_hash"], password) else None


@dataclass(frozen=True)
class SignIn:
    user: dict | None
    error: str | None  # Chinese / English, None when signed in


def sign_in(engine: Engine, name: str, password: str, ip: str | None) -> SignIn:
    """Check a sign-in against the lockout, then the password; every outcome
    is written to the audit trail."""
    name = (name or "").strip()[:64]
    now = datetime.now()
    window = now - timedelta(minutes=LOCK_MINUTES)
    with engine.begin() as conn:
        locked = failures_since(conn, window, username=name) >= LOCK_AFTER
        blocked = ip is not None and failures_since(conn, window, ip=ip) >= IP_LIMIT
        if locked or blocked:
            since = last_failure(conn, **({"username": name} if locked else {"ip": ip}))
            minutes = max(1, int((since + timedelta(minutes=LOCK_MINUTES) - now).total_seconds()
                                 // 60) + 1) if since else LOCK_MINUTES
            record(conn, name, "sign_in_locked", "account" if locked else "address", ip)
            return SignIn(None, "登录失败次数过多，请 {minutes} 分钟后再试 / too many failed "
                                "sign-ins; try again in {minutes} minutes".format(minutes=minutes))
    user = check_password(engine, name, password)
    with engine.begin() as conn:
        if user is None:
            record(conn, name, "sign_in_failed", None, ip)
            return SignIn(None, "用户名或密码不正确 / wrong user name or password")
        stored = _user_row(conn, name)["password_hash"]
        if not stored.startswith("$argon2") or _hasher.check_needs_rehash(stored):
            conn.execute(update(app_user).where(app_user.c.user_id == user["user_id"])
                         .values(password_hash=hash_password(password)))
        record(conn, name, "sign_in", None, ip)
    return SignIn(user, None)


# -- access settings ----------------------------------------------------------------

def kiosk_profile(engine: Engine) -> bool:
    """Whether pages are open without sign-in, read-only and masked."""
    with engine.connect() as conn:
        value = conn.execute(select(app_setting.c.value)
                             .where(app_setting.c.key == KIOSK_PROFILE)).scalar()
    return value == "on"


def set_kiosk_profile(engine: Engine, on: bool, by: str, ip: str | None = None) -> None:
    value = "on" if on else "off"
    with engine.begin() as conn:
        done = conn.execute(update(app_setting).where(app_setting.c.key == KIOSK_PROFILE)
                            .values(value=value, updated_at=datetime.now(), updated_by=by))
        if not done.rowcount:
            conn.execute(insert(app_setting).values(key=KIOSK_PROFILE, value=value,
                                                    updated_at=datetime.now(), updated_by=by))
        record(conn, by, "setting", f"{KIOSK_PROFILE} = {value}", ip)
