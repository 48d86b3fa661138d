"""Many users at once against the app served as `make run` serves it:
gunicorn with WORKERS processes sharing one cache, over loopback only.

    .venv/bin/python bench/load.py [--scale nanhu] [--users 50] [--seconds 30]
                                   [--workers 2] [--threads 4] [--cache filesystem|redis]

Each simulated user is a thread with its own session (signed in through the
form), walking the presenter's path of bench/page_speed.py (drill states and
grid pages, the requests a browser sends) in a loop, either clicking without
pause or with a 2 s think time between clicks. Prints p50 / p95 / max per
scenario and the count of errors (non-200 answers, timeouts), against the
targets of issue 10 (p95 ≤ 300 ms without pause, ≤ 150 ms with think time,
no error). The first pass over the path warms the cache and is not counted.
With --json PATH every click's time is also added to a results file
(bench/results.py), with the raw SQL aggregate timed BASELINE_REPEAT times.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import socket
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.page_speed import walk  # noqa: E402
from bench.results import quantile  # noqa: E402
from bench.store import add_store_args, open_store, recorder  # noqa: E402
from tests.serving import NotServing, wait_until_serving  # noqa: E402
from data import accounts  # noqa: E402
from data.status import data_as_of  # noqa: E402

TARGETS = {"no pause": 0.300, "think 2 s": 0.150}
BASELINE_REPEAT = 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class User:
    def __init__(self, base: str, name: str, password: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        form = self.opener.open(base + "/login", timeout=30).read().decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        data = urllib.parse.urlencode({"username": name, "password": password,
                                       "csrf_token": token, "next": "/"}).encode()
        self.opener.open(base + "/login", data=data, timeout=30).read()

    def click(self, body: dict) -> float | None:
        """Seconds for one callback; None for an error."""
        csrf = next(c.value for c in self.jar if c.name == "_csrf_token")
        req = urllib.request.Request(self.base + "/_dash-update-component",
                                     data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json",
                                              "X-CSRFToken": csrf})
        t0 = time.perf_counter()
        try:
            with self.opener.open(req, timeout=30) as res:
                res.read()
                ok = res.status == 200
        except (urllib.error.URLError, TimeoutError, ConnectionError):
            ok = False
        return time.perf_counter() - t0 if ok else None


def serve(url: str, port: int, workers: int, threads: int, cache: str, tmp: Path):
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(16)}
    redis = None
    if cache == "redis":
        redis_port = port + 1
        redis = subprocess.Popen([shutil.which("redis-server"), "--port", str(redis_port),
                                  "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                  "--dir", str(tmp)], stdout=subprocess.DEVNULL)
        env.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=f"redis://127.0.0.1:{redis_port}/0")
    else:
        env.update(CACHE_TYPE="FileSystemCache", CACHE_DIR=str(tmp / "cache"))
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", str(workers),
                               "--threads", str(threads), "--bind", f"127.0.0.1:{port}",
                               "--timeout", "120", "app:server"],
                              cwd=ROOT, env=env, stdout=(tmp / "server.log").open("w"),
                              stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, server, timeout=90)
    except NotServing:
        raise SystemExit(f"the server did not start; see {tmp / 'server.log'}") from None
    return base, server, redis


def scenario(base: str, users: list[User], steps: list[dict], seconds: float,
             think: float) -> tuple[list[float], int]:
    times: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def run(user: User, offset: int):
        nonlocal errors
        i = offset
        while time.monotonic() < stop:
            took = user.click(steps[i % len(steps)])
            with lock:
                if took is None:
                    errors += 1
                else:
                    times.append(took)
            i += 1
            if think:
                time.sleep(think)

    threads = [threading.Thread(target=run, args=(u, n)) for n, u in enumerate(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, errors


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_store_args(ap, repeat=1)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--cache", choices=["filesystem", "redis"], default="filesystem")
    args = ap.parse_args()
    engine = open_store(args)
    rec = recorder(args, engine, "load")
    as_of = data_as_of(engine)
    rec.baseline(engine, as_of, BASELINE_REPEAT)
    steps = [body for _label, body in walk(engine, as_of)]
    password = secrets.token_urlsafe(12)
    names = [f"load-{secrets.token_hex(4)}-{n}" for n in range(args.users)]
    for name in names:
        accounts.create_user(engine, name, "staff", password)
    with tempfile.TemporaryDirectory(prefix="load-") as tmp:
        base, server, redis = serve(str(engine.url), free_port(), args.workers, args.threads,
                                    args.cache, Path(tmp))
        try:
            users = [User(base, name, password) for name in names]
            for body in steps:  # warm the shared cache once
                users[0].click(body)
            print(f"{args.scale}: {args.users} users, {args.workers} processes × "
                  f"{args.threads} threads, {args.cache} cache, {len(steps)} states on the path")
            failed = False
            for label, think in (("no pause", 0.0), ("think 2 s", 2.0)):
                times, errors = scenario(base, users, steps, args.seconds, think)
                p95 = quantile(times, .95)
                rec.add(f"{args.users} users, {label}", "warm", [t * 1000 for t in times],
                        errors=errors, workers=args.workers, threads=args.threads,
                        cache=args.cache, target_p95_ms=round(TARGETS[label] * 1000))
                print(f"  {label:10s}: {len(times):5d} clicks · p50 "
                      f"{quantile(times, .5) * 1000:6.0f} ms · p95 {p95 * 1000:6.0f} ms · "
                      f"max {max(times, default=float('nan')) * 1000:6.0f} ms · "
                      f"errors {errors} "
                      f"(target p95 ≤ {TARGETS[label] * 1000:.0f} ms, no error)", flush=True)
                failed |= errors > 0 or p95 > TARGETS[label]
        finally:
            server.terminate()
            server.wait(timeout=60)
            if redis:
                redis.terminate()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
