"""The store a benchmark runs on: command-line options and opening it, with
the demo of the chosen scale generated into it when it holds no payments."""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from sqlalchemy import Engine, func, select

from data import schema
from data.db import make_engine
from service.store import prepare

ROOT = Path(__file__).resolve().parent.parent


def add_store_args(ap: argparse.ArgumentParser, repeat: int) -> None:
    ap.add_argument("--scale", default="nanhu", choices=["tiny", "small", "nanhu", "province"])
    ap.add_argument("--db", help="SQLAlchemy URL (default: instance/bench-SCALE.db)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=repeat)
    add_json_arg(ap)


def add_json_arg(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--json", type=Path, metavar="PATH",
                    help="also add the measurements to this results file (bench/results.py)")


def payment_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(schema.payment)).scalar()


def open_store(args: argparse.Namespace) -> Engine:
    url = args.db or f"sqlite:///{ROOT / 'instance' / f'bench-{args.scale}.db'}"
    prepare(url)
    engine = make_engine(url)
    if not payment_count(engine):
        from data.demo import load_demo

        print(f"generating and importing the {args.scale} demo into {url} …", flush=True)
        t0 = time.perf_counter()
        load_demo(engine, scale=args.scale, seed=args.seed, history=True)
        print(f"  done in {time.perf_counter() - t0:.0f} s", flush=True)
    return engine


def recorder(args: argparse.Namespace, engine: Engine, script: str):
    """The script's Recorder on this store (recording nothing without
    --json), with the store's sizes recorded."""
    from bench.results import Recorder

    rec = Recorder(args.json, script, engine.dialect.name, args.scale)
    rec.store(engine)
    return rec


def signed_in_client(server, engine, role: str = "staff"):
    """A test client of the app signed in through the sign-in form as a new
    account of `role`, sending the CSRF header Dash callbacks need."""
    import re
    import secrets

    from data import accounts

    name, password = f"bench-{role}-{secrets.token_hex(4)}", secrets.token_urlsafe(12)
    accounts.create_user(engine, name, role, password)
    client = server.test_client()
    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    res = client.post("/login", data={"username": name, "password": password, "csrf_token": token})
    if res.status_code != 302:
        raise SystemExit(f"sign-in failed: HTTP {res.status_code}")
    client.get("/")
    client.environ_base["HTTP_X_CSRFTOKEN"] = client.get_cookie("_csrf_token").value
    return client
