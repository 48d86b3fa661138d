"""HTML to PDF on the server: headless Chromium prints a page to A4 (the page's
own @page rules), embedding a subset of each font it uses.

No network: a document should reference local files only (file:// URLs,
e.g. FONT_CSS for the vendored Noto Sans SC, with the system's Noto Sans CJK
SC as fallback), and Chromium runs with background networking off and every
host name unresolvable but, when printing one of the app's pages
(service/page_pdf.py), the app's own. Each render is one short-lived Chromium (about 1 s) in its
own temporary directory and profile, so renders never share state and a
timed-out one is killed with its children. (Kaleido starts its own browser
per export and none stays running in the app, so there is none to reuse.)

`documents` is the Jinja environment of the printed documents (the 督办单,
the 月度分析专报), with `_()` in the current language like the pages."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Sequence

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from data import i18n
from data.i18n import _

ASSETS = Path(__file__).resolve().parent.parent / "assets"
FONT_CSS = (ASSETS / "vendor" / "noto-sans-sc" / "noto-sans-sc.css").as_uri()
FONT_FAMILY = '"Noto Sans SC", "Noto Sans CJK SC", sans-serif'
TIMEOUT_S = 60

_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--no-first-run", "--no-default-browser-check", "--disable-extensions",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-domain-reliability", "--disable-breakpad",
    "--no-pings", "--no-pdf-header-footer",
)


def page_footer() -> Markup:
    """The CSS `content` of the page footer in the current language:
    `"第 " counter(page) " 页，共 " counter(pages) " 页"`."""
    parts = []
    for piece in re.split(r"(\{pages?\})", _("第 {page} 页，共 {pages} 页")):
        if piece in ("{page}", "{pages}"):
            parts.append(f"counter({piece[1:-1]})")
        elif piece:
            quoted = piece.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
            parts.append(f'"{quoted}"')
    return Markup(" ".join(parts))


documents = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                        autoescape=True, undefined=StrictUndefined, trim_blocks=True,
                        lstrip_blocks=True, extensions=["jinja2.ext.i18n"])
documents.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)
documents.globals.update(lang=i18n.language, page_footer=page_footer)


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
    with tempfile.TemporaryDirectory(prefix="pdf-html-") as tmp:
        page = Path(tmp) / "page.html"
        page.write_text(html, encoding="utf-8")
        return print_to_pdf(page.as_uri(), timeout=timeout)


def print_to_pdf(url: str, *, host: str | None = None, extra: Sequence[str] = (),
                 timeout: float = TIMEOUT_S) -> bytes:
    """The PDF Chromium prints of `url`: a file:// URL, or a page of `host`,
    the one host name it may reach."""
    rules = "MAP * ~NOTFOUND" + (f", EXCLUDE {host}" if host else "")
    exe = chromium()
    with tempfile.TemporaryDirectory(prefix="pdf-") as tmp:
        work = Path(tmp)
        out = work / "page.pdf"
        args = [exe, *_FLAGS, f"--host-resolver-rules={rules}",
                f"--user-data-dir={work / 'profile'}", *extra, f"--print-to-pdf={out}", url]
        proc = subprocess.Popen(args, cwd=work, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
        try:
            _out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # Chromium and its helpers: their own session
            proc.communicate()
            raise PdfError("生成 PDF 超时（{timeout:g} 秒） / Chromium did not finish the PDF "
                           "within {timeout:g} s".format(timeout=timeout))
        data = out.read_bytes() if out.exists() else b""
        if proc.returncode != 0 or not data.startswith(b"%PDF"):
            tail = err.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise PdfError("Chromium 未能生成 PDF（退出码 {code}） / Chromium failed to print the "
                           "PDF (exit {code}): {tail}".format(code=proc.returncode,
                                                             tail=" | ".join(tail)))
        return data
