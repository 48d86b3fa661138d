"""Downloads of a problem's files: its attachments and its 督办单 (PDF); and
the 月度分析专报 (PDF) of a month and region.

The bytes live outside the web root (ATTACHMENT_DIR, default
instance/attachments); these routes are the only way to them. Each needs a
viewer (the sign-in gate redirects anyone else to /login) who may see the
problem (data.problems: a deputy their own, the kiosk profile none), answers
a refusal as JSON or plain text with a Chinese / English message, and writes
every download to the audit trail."""
from __future__ import annotations

import io
import logging
import os
from pathlib import Path

from flask import Blueprint, Response, jsonify, request, send_file

from data import i18n, problem_files
from data.db import PROJECT_ROOT, get_engine
from data.hierarchy import chain
from data.problems import Problem, ProblemError, unit_name
from service import auth, view

files = Blueprint("files", __name__, url_prefix="/files")
log = logging.getLogger(__name__)


def attachment_root() -> Path:
    """Where problem files are kept: $ATTACHMENT_DIR, else instance/attachments."""
    given = os.environ.get("ATTACHMENT_DIR", "").strip()
    return Path(given) if given else PROJECT_ROOT / "instance" / "attachments"


def _refusal(message: str, status: int) -> Response:
    if request.accept_mimetypes.best == "application/json":
        res = jsonify({"error": message})
    else:
        res = Response(message + "\n", mimetype="text/plain")
    res.status_code = status
    res.headers["X-Content-Type-Options"] = "nosniff"
    return res


def _download(row: dict, path: Path, detail: str) -> Response:
    auth.audit("download", detail)
    res = send_file(path, mimetype=row["content_type"], as_attachment=True,
                    download_name=row["file_name"], etag=row["sha256"], max_age=0)
    res.headers["X-Content-Type-Options"] = "nosniff"
    res.headers["Cache-Control"] = "private, no-store"
    res.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return res


def render_notice(p: Problem) -> bytes:
    """The 督办单 of an assigned problem (service.notice), issued by the
    committee of the problem's top region. It is an official document, kept
    as first issued and the same for every reader: always in Chinese."""
    from service.notice import notice_pdf

    names = view.names()
    roots = sorted(c for c, parent in names.region_parent.items() if parent not in names.region)
    top = chain(names.region_parent, p.mof_div)[0] if p.mof_div in names.region else \
        next(iter(roots), None)
    with i18n.use("zh"):
        return notice_pdf(p, unit_name=unit_name(get_engine(), p.unit),
                          region_name=names.region.get(top, "") if top else "",
                          rules=view.rule_settings())


@files.get("/problems/<int:problem_id>/attachments/<int:file_id>")
def attachment(problem_id: int, file_id: int):
    viewer = auth.current_viewer()
    if viewer is None:
        return _refusal("请先登录 / please sign in", 401)
    try:
        row, path = problem_files.open_file(get_engine(), viewer, problem_id, file_id,
                                            attachment_root())
    except ProblemError as err:
        return _refusal(err.message, err.status)
    return _download(row, path, f"problem #{problem_id} file #{file_id} {row['file_name']}")


@files.get("/problems/<int:problem_id>/notice.pdf")
def notice(problem_id: int):
    from service.pdf import PdfError

    viewer = auth.current_viewer()
    if viewer is None:
        return _refusal("请先登录 / please sign in", 401)
    try:
        row, path = problem_files.issued_notice(get_engine(), viewer, problem_id,
                                                attachment_root(), render_notice)
    except ProblemError as err:
        return _refusal(err.message, err.status)
    except PdfError as err:
        log.error("the notice of problem %s: %s", problem_id, err.message)
        return _refusal(err.message, 503)
    return _download(row, path, f"problem #{problem_id} 督办单 {row['file_name']}")  # i18n: data


@files.get("/brief.pdf")
def brief():
    """The 月度分析专报 of ?month=YYYY-MM (default: the latest data date's)
    and ?mof_div= (default: the top region), masked for a masked viewer.
    Signed-in accounts only: each one costs a Chromium run."""
    from data.brief import BriefError
    from service.brief import file_name, make_brief
    from service.pdf import PdfError

    try:
        viewer = auth.require("read")
    except auth.Refused as err:
        return _refusal(err.message, err.status)
    if viewer.kiosk:
        return _refusal("请先登录 / please sign in", 401)
    latest = view.latest_date()
    month = request.args.get("month") or (f"{latest:%Y-%m}" if latest else "")
    try:
        figures, pdf = make_brief(month, request.args.get("mof_div") or None, viewer.masked)
    except BriefError as err:
        return _refusal(f"{err.parameter}: {err.message}", 400)
    except PdfError as err:
        log.error("the monthly brief of %s: %s", month, err.message)
        return _refusal(err.message, 503)
    auth.audit("export", f"月度分析专报 {figures.region} {figures.month} "  # i18n: data
                         f"(数据截至 {figures.as_of.isoformat()})")
    res = send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                    download_name=file_name(figures), max_age=0)
    res.headers["X-Content-Type-Options"] = "nosniff"
    res.headers["Cache-Control"] = "private, no-store"
    return res
