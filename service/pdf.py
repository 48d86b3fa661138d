"""HTML to PDF on the server: headless Chromium prints a page to A4 (the page's
own @page rules), embedding a subset of each font it uses.

No network: the page should reference local files only (file:// URLs, e.g.
FONT_CSS for the vendored Noto Sans SC, with the system's Noto Sans CJK SC as
fallback), and Chromium runs with background networking off and every host
name unresolvable. Each render is one short-lived Chromium (about 1 s) in its
own temporary directory and profile, so renders never share state and a
timed-out one is killed with its children. (Kaleido starts its own browser
per export and none stays running in the app, so there is none to reuse.)"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

ASSETS = Path(__file__).resolve().parent.parent / "assets"
FONT_CSS = (ASSETS / "vendor" / "noto-sans-sc" / "noto-sans-sc.css").as_uri()
FONT_FAMILY = '"Noto Sans SC", "Noto Sans CJK SC", sans-serif'
TIMEOUT_S = 60

_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--no-first-run", "--no-default-browser-check", "--disable-extensions",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-domain-reliability", "--disable-breakpad",
    "--no-pings", "--host-resolver-rules=MAP * ~NOTFOUND",
    "--no-pdf-header-footer",
)


class PdfError(RuntimeError):
    """The PDF could not be made; `message` is Chinese / English."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def chromium() -> str:
    """The Chromium executable: $CHROMIUM, else `chromium` on PATH."""
    given = os.environ.get("CHROMIUM")
    found = shutil.which(given or "chromium")
    if found is None:
        raise PdfError("无法生成 PDF：找不到 Chromium，请安装 chromium（scripts/system_deps.sh）"
                       f"或设置环境变量 CHROMIUM / cannot make the PDF: Chromium not found "
                       f"({given or 'chromium'}); install chromium or set CHROMIUM")
    return found


def html_to_pdf(html: str, timeout: float = TIMEOUT_S) -> bytes:
    """The PDF Chromium prints of `html`, whose references are file:// URLs."""
    exe = chromium()
    with tempfile.TemporaryDirectory(prefix="pdf-") as tmp:
        work = Path(tmp)
        page, out = work / "page.html", work / "page.pdf"
        page.write_text(html, encoding="utf-8")
        args = [exe, *_FLAGS, f"--user-data-dir={work / 'profile'}",
                f"--print-to-pdf={out}", page.as_uri()]
        proc = subprocess.Popen(args, cwd=work, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # Chromium and its helpers: their own session
            proc.communicate()
            raise PdfError(f"生成 PDF 超时（{timeout:g} 秒） / Chromium did not finish the PDF "
                           f"within {timeout:g} s")
        data = out.read_bytes() if out.exists() else b""
        if proc.returncode != 0 or not data.startswith(b"%PDF"):
            tail = err.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise PdfError(f"Chromium 未能生成 PDF（退出码 {proc.returncode}） / Chromium failed "
                           f"to print the PDF (exit {proc.returncode}): {' | '.join(tail)}")
        return data

