"""A problem's files (data/problem_files.py) and their downloads
(service/files.py), on both backends: which types and sizes are stored,
that a refusal stores nothing (no row, no file), who may upload and read,
the download routes through a signed-in test client with their headers and
audit entries, and the 督办单 PDF issued once and served the same after."""
from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from data import accounts, audit, problem_files
from data import schema as s
from data.accounts import Viewer
from data.problems import ProblemError, act, create
from data.rules import run
from tests import overview_fixture as fx
from tests.sessions import PASSWORD, sign_in, signed_in

IP = "10.0.0.7"
TEN_MB = 10 * 1024 * 1024
FUTURE = (date.today() + timedelta(days=30)).isoformat()
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(24)
JPG = b"\xff\xd8\xff\xe0" + bytes(24)
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(24)


def ooxml(*parts: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for part in parts:
            z.writestr(part, "<x/>")
    return buf.getvalue()


DOCX = ooxml("[Content_Types].xml", "word/document.xml")
XLSX = ooxml("[Content_Types].xml", "xl/workbook.xml")


@dataclass
class Loop:
    engine: object
    server: object
    root: Path
    admin: Viewer
    staff: Viewer
    deputy: Viewer
    other_deputy: Viewer
    kiosk: Viewer

    def problem(self, by: Viewer | None = None, **kw) -> int:
        return create(self.engine, by or self.staff, kw.pop("title", "测试问题"), **kw)


@pytest.fixture
def loop(engine, monkeypatch, tmp_path):
    """The overview fixture's regions, agencies and stored breaches; an
    account of each kind (with a password); the app on this store with its
    attachments in a directory of the test's own."""
    fx.load(engine)
    run(engine, fx.D)
    root = tmp_path / "attachments"
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("ATTACHMENT_DIR", str(root))
    import app as app_module
    from service import cache

    cache.clear()

    def account(name: str, role: str) -> Viewer:
        return Viewer(accounts.create_user(engine, name, role, PASSWORD), name, role, IP)

    yield Loop(engine, app_module.server, root, account("admin-f", "admin"),
               account("staff-f", "staff"), account("deputy-f", "deputy"),
               account("deputy-g", "deputy"), Viewer(None, None, None, IP))
    assert audit.verify(engine).ok


def stored_rows(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(s.problem_file)).scalar()


def stored_files(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def bilingual(message: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", message) and re.search(r"[A-Za-z]{3,}", message)
                and " / " in message)


def close(loop: Loop, pid: int) -> None:
    for action, extra in (("assign", {"unit": fx.A1, "deadline": FUTURE}),
                          ("reply", {"text": "已整改"}), ("close", {})):
        act(loop.engine, loop.staff, pid, action, **extra)


# -- storing --------------------------------------------------------------------------------

@pytest.mark.parametrize("name, content, content_type", [
    ("整改报告.pdf", PDF, "application/pdf"),
    ("现场照片.PNG", PNG, "image/png"),
    ("photo.jpeg", JPG, "image/jpeg"),
    ("说明.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("台账.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("旧版.doc", OLE2, "application/msword"),
    ("旧表.xls", OLE2, "application/vnd.ms-excel"),
    ("情况说明.txt", "已于十月整改完毕。\n".encode(), "text/plain; charset=utf-8"),
])
def test_staff_store_each_accepted_type(loop, name, content, content_type):
    pid = loop.problem()
    fid = problem_files.save(loop.engine, loop.staff, pid, name, content, loop.root)
    row, path = problem_files.open_file(loop.engine, loop.staff, pid, fid, loop.root)
    assert path.read_bytes() == content
    assert path.parent == loop.root and re.fullmatch(r"[0-9a-f]{32}", path.name)
    assert row["file_name"] == name and row["kind"] == "evidence"
    assert row["content_type"] == content_type and row["size"] == len(content)
    assert row["sha256"] == hashlib.sha256(content).hexdigest()
    assert row["uploaded_by"] == "staff-f"
    entries, total = audit.search(loop.engine, action="problem", text=f"file #{fid}")
    assert total == 1 and entries[0]["username"] == "staff-f" and entries[0]["ip"] == IP
    assert stored_files(loop.root) == [path.name]


EXE = b"MZ\x90\x00\x03" + bytes(40)


@pytest.mark.parametrize("name, content, says", [
    pytest.param("tool.exe", EXE, "不支持的文件类型", id="exe"),
    pytest.param("report.pdf", EXE, "内容与扩展名", id="exe-named-pdf"),
    pytest.param("photo.png", PDF, "内容与扩展名", id="pdf-named-png"),
    pytest.param("photo.jpg", PNG, "内容与扩展名", id="png-named-jpg"),
    pytest.param("memo.docx", XLSX, "内容与扩展名", id="xlsx-named-docx"),
    pytest.param("memo.docx", b"PK\x03\x04" + bytes(40), "内容与扩展名", id="broken-zip"),
    pytest.param("sheet.xls", PDF, "内容与扩展名", id="pdf-named-xls"),
    pytest.param("notes.txt", b"\xff\xfeA\x00B\x00", "内容与扩展名", id="utf16-text"),
    pytest.param("notes.txt", b"abc\x00def", "内容与扩展名", id="binary-text"),
    pytest.param("archive.zip", DOCX, "不支持的文件类型", id="zip"),
    pytest.param("README", b"plain words", "不支持的文件类型", id="no-extension"),
    pytest.param("empty.pdf", b"", "文件为空", id="empty"),
    pytest.param("", PDF, "缺少文件名", id="no-name"),
])
def test_wrong_types_store_nothing(loop, name, content, says):
    pid = loop.problem()
    with pytest.raises(ProblemError) as err:
        problem_files.save(loop.engine, loop.staff, pid, name, content, loop.root)
    assert err.value.status == 400 and err.value.parameter == "file"
    assert says in err.value.message and bilingual(err.value.message)
    assert stored_rows(loop.engine) == 0 and stored_files(loop.root) == []


def test_ten_mb_is_the_limit(loop):
    pid = loop.problem()
    over = b"%PDF-" + bytes(TEN_MB + 1 - 5)
    with pytest.raises(ProblemError) as err:
        problem_files.save(loop.engine, loop.staff, pid, "big.pdf", over, loop.root)
    assert err.value.status == 400 and "10 MB" in err.value.message and bilingual(err.value.message)
    assert stored_rows(loop.engine) == 0 and stored_files(loop.root) == []
    fid = problem_files.save(loop.engine, loop.staff, pid, "big.pdf", over[:TEN_MB], loop.root)
    row, _path = problem_files.open_file(loop.engine, loop.staff, pid, fid, loop.root)
    assert row["size"] == TEN_MB


def test_who_may_upload_and_when(loop):
    own = loop.problem(loop.deputy, title="代表的提问")
    for viewer, status in ((loop.deputy, 403), (loop.other_deputy, 404), (loop.kiosk, 404)):
        with pytest.raises(ProblemError) as err:
            problem_files.save(loop.engine, viewer, own, "a.pdf", PDF, loop.root)
        assert err.value.status == status and bilingual(err.value.message)
    with pytest.raises(ProblemError) as err:
        problem_files.save(loop.engine, loop.staff, 999_999, "a.pdf", PDF, loop.root)
    assert err.value.status == 404
    closed, dismissed = loop.problem(), loop.problem()
    close(loop, closed)
    act(loop.engine, loop.staff, dismissed, "dismiss", text="不构成问题")
    for pid in (closed, dismissed):
        with pytest.raises(ProblemError) as err:
            problem_files.save(loop.engine, loop.admin, pid, "a.pdf", PDF, loop.root)
        assert err.value.status == 409 and bilingual(err.value.message)
    assert stored_rows(loop.engine) == 0 and stored_files(loop.root) == []


def test_a_failed_insert_leaves_no_file(loop, monkeypatch):
    pid = loop.problem()

    def broken(*_a, **_k):
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr(problem_files, "record", broken)
    with pytest.raises(RuntimeError):
        problem_files.save(loop.engine, loop.staff, pid, "a.pdf", PDF, loop.root)
    assert stored_rows(loop.engine) == 0 and stored_files(loop.root) == []


def test_a_name_never_reaches_a_path(loop, tmp_path):
    pid = loop.problem()
    fid = problem_files.save(loop.engine, loop.staff, pid, "../../evil/报\r\n告\".pdf", PDF,
                             loop.root)
    row, path = problem_files.open_file(loop.engine, loop.staff, pid, fid, loop.root)
    assert row["file_name"] == "报告.pdf"
    assert path.parent == loop.root and not (tmp_path / "evil").exists()


def test_who_may_read(loop):
    own = loop.problem(loop.deputy, title="代表的提问")
    other = loop.problem()
    fid = problem_files.save(loop.engine, loop.staff, own, "a.pdf", PDF, loop.root)
    for viewer in (loop.staff, loop.admin, loop.deputy):
        _row, path = problem_files.open_file(loop.engine, viewer, own, fid, loop.root)
        assert path.read_bytes() == PDF
    for viewer, pid in ((loop.other_deputy, own), (loop.kiosk, own), (loop.staff, other),
                        (loop.staff, 999_999)):
        with pytest.raises(ProblemError) as err:
            problem_files.open_file(loop.engine, viewer, pid, fid, loop.root)
        assert err.value.status == 404 and bilingual(err.value.message)


# -- downloads ------------------------------------------------------------------------------

def client_of(loop: Loop, viewer: Viewer):
    client = loop.server.test_client()
    assert sign_in(client, viewer.name).status_code == 302
    return client


def downloads(loop: Loop, user: str | None = None) -> list[dict]:
    return audit.search(loop.engine, action="download", user=user)[0]


def test_attachment_downloads(loop):
    pid = loop.problem(loop.deputy, title="代表的提问")
    name = "整改报告.pdf"
    fid = problem_files.save(loop.engine, loop.staff, pid, name, PDF, loop.root)
    url = f"/files/problems/{pid}/attachments/{fid}"

    staff = signed_in(loop.server, loop.engine, "staff")
    res = staff.get(url)
    assert res.status_code == 200 and res.data == PDF
    assert res.mimetype == "application/pdf"
    assert res.headers["X-Content-Type-Options"] == "nosniff"
    disposition = res.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(name)}" in disposition
    [entry] = downloads(loop, staff.user_name)
    assert f"#{pid}" in entry["detail"] and f"#{fid}" in entry["detail"]

    assert client_of(loop, loop.deputy).get(url).data == PDF  # the deputy who raised it
    assert len(downloads(loop, "deputy-f")) == 1
    assert signed_in(loop.server, loop.engine, "admin").get(url).data == PDF

    other = client_of(loop, loop.other_deputy)
    res = other.get(url)
    assert res.status_code == 404 and bilingual(res.get_data(as_text=True))
    assert res.mimetype == "text/plain"
    res = other.get(url, headers={"Accept": "application/json"})
    assert res.status_code == 404 and bilingual(res.get_json()["error"])
    assert staff.get(f"/files/problems/{pid}/attachments/{fid + 1}").status_code == 404
    assert downloads(loop, "deputy-g") == []

    anonymous = loop.server.test_client()
    res = anonymous.get(url)
    assert res.status_code == 302 and "/login" in res.headers["Location"]
    accounts.set_kiosk_profile(loop.engine, True, by="admin-f")
    assert anonymous.get(url).status_code == 404  # the kiosk profile reads no problem
    assert len(downloads(loop)) == 3


def test_notice_pdf_is_issued_once(loop):
    pid = loop.problem(loop.deputy, title="代表的提问", warnings=[
        {"rule": "PAY_NO_QUOTA", "entity_code": "P1"}])
    url = f"/files/problems/{pid}/notice.pdf"
    staff = signed_in(loop.server, loop.engine, "staff")
    res = staff.get(url)
    assert res.status_code == 404 and "尚未交办" in res.get_data(as_text=True)

    assigned = act(loop.engine, loop.staff, pid, "assign", unit=fx.A1, deadline=FUTURE)
    first = staff.get(url)
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    assert first.data.startswith(b"%PDF")
    assert first.headers["X-Content-Type-Options"] == "nosniff"
    assert f"filename*=UTF-8''{quote(f'督办单{assigned.notice_no}.pdf')}" in \
        first.headers["Content-Disposition"]
    assert staff.get(url).data == first.data
    assert client_of(loop, loop.deputy).get(url).data == first.data
    assert client_of(loop, loop.other_deputy).get(url).status_code == 404
    with loop.engine.connect() as conn:
        kinds = conn.execute(select(s.problem_file.c.kind)).scalars().all()
    assert kinds == ["notice"] and len(stored_files(loop.root)) == 1
    assert len(downloads(loop)) == 3
