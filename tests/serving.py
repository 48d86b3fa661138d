"""Waiting for an app served in a process of its own (the browser tests,
the multi-process tests and the benches start one)."""
from __future__ import annotations

import subprocess
import time
import urllib.request


class NotServing(RuntimeError):
    pass


def wait_until_serving(base: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Until GET /api/v1/health answers 200 (a running store); NotServing
    when the process ends, or the time is up, first."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(base + "/api/v1/health", timeout=2) as res:
                if res.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise NotServing(f"the app at {base} did not start")
        time.sleep(0.3)


def stop(proc: subprocess.Popen, timeout: float = 10) -> None:
    """Ask the process to end; kill it when it has not within `timeout` s."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
