"""Accounts through the command line, hashed storage, and bearer tokens on
a real token-protected endpoint."""
from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from data import accounts
from data.schema import api_token, app_user, audit_log
from tests.overview_fixture import load

PASSWORD = "Yusuan-2025!"


@pytest.fixture
def app_on(engine, db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    import app as app_module

    return app_module.server


def _cli(server, *args, input=None):
    return server.test_cli_runner().invoke(args=list(args), input=input)


def test_users_create_and_token_via_cli(app_on, engine):
    result = _cli(app_on, "users", "create", "alice", "--role", "staff", "--password-stdin",
                  input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    with engine.connect() as conn:
        user = conn.execute(select(app_user)).mappings().one()
    assert user["username"] == "alice" and user["role"] == "staff"
    assert PASSWORD not in user["password_hash"]
    assert accounts.check_password(engine, "alice", PASSWORD)["role"] == "staff"
    assert accounts.check_password(engine, "alice", "wrong") is None
    assert accounts.check_password(engine, "nobody", PASSWORD) is None

    again = _cli(app_on, "users", "create", "alice", "--role", "deputy")
    assert again.exit_code == 1
    assert "用户已存在" in again.output and "already exists" in again.output

    issued = _cli(app_on, "users", "token", "alice")
    assert issued.exit_code == 0
    token = issued.output.strip()
    assert len(token) >= 40
    with engine.connect() as conn:
        stored = conn.execute(select(api_token.c.token_hash)).scalars().all()
        actions = conn.execute(select(audit_log.c.action)
                               .where(audit_log.c.action != "import")).scalars().all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in stored
    assert accounts.user_for_token(engine, token)["username"] == "alice"
    assert actions == ["user_create", "token_issue"]

    unknown = _cli(app_on, "users", "token", "bob")
    assert unknown.exit_code == 1 and "no such active user" in unknown.output


def test_account_rules(engine):
    with pytest.raises(accounts.AccountError, match="role"):
        accounts.create_user(engine, "x", "root")
    with pytest.raises(accounts.AccountError, match="user name"):
        accounts.create_user(engine, "  ", "staff")
    accounts.create_user(engine, "dep", "deputy")  # token-only account
    assert accounts.check_password(engine, "dep", "") is None
    assert accounts.user_for_token(engine, "") is None
    assert accounts.user_for_token(engine, "not-a-token") is None


def test_bearer_token_on_execution_endpoint(app_on, engine):
    load(engine)
    accounts.create_user(engine, "api", "deputy")
    token = accounts.issue_token(engine, "api")
    client = app_on.test_client()
    url = "/api/v1/execution?as_of=2025-09-30&by=mof_div"

    missing = client.get(url)
    assert missing.status_code == 401 and "error" in missing.get_json()
    wrong = client.get(url, headers={"Authorization": "Bearer " + token[:-2] + "xx"})
    assert wrong.status_code == 401
    not_bearer = client.get(url, headers={"Authorization": "Basic " + token})
    assert not_bearer.status_code == 401

    good = client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert good.status_code == 200
    body = good.get_json()
    assert body["as_of"] == "2025-09-30"
    assert {r["code"] for r in body["rows"]} >= {"330402", "33040201"}


def test_first_admin_gets_a_generated_password_shown_once(app_on, engine):
    first = _cli(app_on, "users", "first-admin")
    assert first.exit_code == 0, first.output
    password = re.search(r"密码 password:\s+(\S+)", first.output).group(1)
    assert len(password) >= accounts.MIN_PASSWORD and "shown only once" in first.output
    user = accounts.check_password(engine, "admin", password)
    assert user is not None and user["role"] == "admin"
    with engine.connect() as conn:
        stored = conn.execute(select(app_user.c.password_hash)).scalar()
    assert stored.startswith("$argon2id$") and password not in stored
    again = _cli(app_on, "users", "first-admin")  # an account exists: nothing, no password
    assert again.exit_code == 0 and again.output == ""
    assert [u["username"] for u in accounts.users(engine)] == ["admin"]



def test_a_short_password_is_refused_and_nothing_is_written(app_on, engine):
    result = _cli(app_on, "users", "create", "shorty", "--role", "staff", "--password-stdin",
                  input="seven77\n")
    assert result.exit_code == 1
    assert "密码至少 8 个字符" in result.output and "at least 8 characters" in result.output
    assert accounts.users(engine) == []
    accounts.create_user(engine, "longer", "staff", "eight888")  # eight is enough
    assert accounts.check_password(engine, "longer", "eight888") is not None
