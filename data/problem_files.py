"""Files of a problem: evidence uploaded by staff and the issued 督办单.

The bytes live outside the web root in a directory the caller names (the
service passes ATTACHMENT_DIR), each under a random stored name, so neither
a file name nor its content can reach a path or a served URL. A file's type
is checked by its extension AND its leading bytes, its size is bounded, and
it is written atomically before its row is inserted (and removed again if
the insert fails). Every refusal is a `ProblemError` (Chinese / English) and
stores nothing. Visibility is the problem's own (data.problems)."""
from __future__ import annotations

import hashlib
import io
import os
import re
import unicodedata
import uuid
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import Connection, Engine, insert, select, update

from data.accounts import Viewer
from data.audit import record
from data.i18n import N_
from data.problems import ENDED, Problem, ProblemError, get, visible_condition
from data.schema import problem, problem_file

MAX_BYTES = 10 * 1024 * 1024
KINDS = {"evidence": N_("整改材料"), "notice": N_("督办单")}
NAME_MAX = 120

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of .doc and .xls


def _ooxml(part: str) -> Callable[[bytes], bool]:
    """A zip package holding `part` (word/document.xml, xl/workbook.xml)."""
    def check(data: bytes) -> bool:
        if not data.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile:
            return False
        return "[Content_Types].xml" in names and part in names
    return check


def _utf8_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f" for ch in text)


# extension → (content type, what its bytes must be)
TYPES: dict[str, tuple[str, Callable[[bytes], bool]]] = {
    "pdf": ("application/pdf", lambda d: d.startswith(b"%PDF-")),
    "png": ("image/png", lambda d: d.startswith(b"\x89PNG\r\n\x1a\n")),
    "jpg": ("image/jpeg", lambda d: d.startswith(b"\xff\xd8\xff")),
    "jpeg": ("image/jpeg", lambda d: d.startswith(b"\xff\xd8\xff")),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             _ooxml("word/document.xml")),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             _ooxml("xl/workbook.xml")),
    "doc": ("application/msword", lambda d: d.startswith(_OLE2)),
    "xls": ("application/vnd.ms-excel", lambda d: d.startswith(_OLE2)),
    "txt": ("text/plain; charset=utf-8", _utf8_text),
}
ALLOWED_ZH = N_("PDF、PNG、JPG、Word（doc/docx）、Excel（xls/xlsx）、UTF-8 文本（txt）")


def _bad(message: str) -> ProblemError:
    return ProblemError(400, f"file: {message}", "file")


def clean_name(file_name: Any) -> str:
    """The name people see: its last path part, without control characters
    or quotes, at most NAME_MAX characters (the extension kept)."""
    if not isinstance(file_name, str):
        raise _bad("缺少文件名 / the file has no name")
    base = re.split(r"[\\/]", file_name)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C" and ch not in "\"';")
    base = base.strip().strip(".")
    if not base:
        raise _bad("缺少文件名 / the file has no name")
    if len(base) > NAME_MAX:
        stem, dot, ext = base.rpartition(".")
        base = (stem[:NAME_MAX - len(ext) - 1] + dot + ext) if dot and len(ext) < 10 \
            else base[:NAME_MAX]
    return base


def check_content(file_name: str, content: Any) -> str:
    """The content type of an acceptable file; else a 400 saying why."""
    if not isinstance(content, (bytes, bytearray)):
        raise _bad("缺少文件内容 / no file content")
    if len(content) == 0:
        raise _bad("文件为空 / the file is empty")
    if len(content) > MAX_BYTES:
        raise _bad("文件超过 {mb} MB（{size:,} 字节） / the file is larger than {mb} MB "
                   "({size:,} bytes)".format(mb=MAX_BYTES // (1024 * 1024), size=len(content)))
    ext = file_name.rpartition(".")[2].lower() if "." in file_name else ""
    if ext not in TYPES:
        raise _bad("不支持的文件类型「{ext_zh}」，只接受 {allowed} / file type not accepted: {ext_en}; "
                   "accepted: {types}".format(ext_zh=ext or "无扩展名", ext_en=ext or "no extension",  # i18n: data
                                              allowed=ALLOWED_ZH, types=", ".join(TYPES)))
    content_type, matches = TYPES[ext]
    if not matches(bytes(content)):
        raise _bad("文件内容与扩展名 .{ext} 不符 / the content is not a .{ext} file".format(ext=ext))
    return content_type


def _visible(conn: Connection, viewer: Viewer, problem_id: Any):
    """The problem's status and notice number; 404 when the viewer may not see it."""
    row = None
    if isinstance(problem_id, int):
        stmt = select(problem.c.id, problem.c.status, problem.c.notice_no).where(
            problem.c.id == problem_id)
        cond = visible_condition(viewer)
        row = conn.execute(stmt if cond is None else stmt.where(cond)).first()
    if row is None:
        raise ProblemError(404, f"问题不存在 / no such problem: {problem_id}")
    return row


def _write(root: Path, content: bytes) -> str:
    """Write the bytes under a fresh random name, atomically; returns the name."""
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    stored = uuid.uuid4().hex
    part = root / f".{stored}.part"
    try:
        with open(part, "xb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        os.replace(part, root / stored)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return stored


class _Issued(Exception):
    """The notice was stored by a concurrent reader (nothing to store)."""


def _notice_row(conn: Connection, problem_id: int):
    return conn.execute(select(problem_file).where(
        problem_file.c.problem_id == problem_id, problem_file.c.kind == "notice")
        .order_by(problem_file.c.id).limit(1)).mappings().first()


def _store(engine: Engine, viewer: Viewer, problem_id: int, kind: str, file_name: str,
           content: bytes, content_type: str, root: Path, now: datetime | None,
           check: Callable[[Connection], None]) -> int:
    """Write the file, then insert its row and the audit entry in one
    transaction that first locks the problem's row and runs `check`."""
    stored = _write(root, content)
    digest = hashlib.sha256(content).hexdigest()
    try:
        with engine.begin() as conn:
            # a no-op update takes the problem's write lock: concurrent stores queue here
            conn.execute(update(problem).where(problem.c.id == problem_id)
                         .values(id=problem.c.id))
            check(conn)
            fid = conn.execute(insert(problem_file).values(
                problem_id=problem_id, kind=kind, file_name=file_name, stored_name=stored,
                content_type=content_type, size=len(content), sha256=digest,
                uploaded_at=now or datetime.now(), uploaded_by=viewer.name or "—",
            )).inserted_primary_key[0]
            record(conn, viewer.name, "problem",
                   f"#{problem_id} file #{fid} {kind}: {file_name} ({len(content)} bytes, "
                   f"sha256 {digest})", viewer.ip)
    except BaseException:
        (root / stored).unlink(missing_ok=True)
        raise
    return int(fid)


def save(engine: Engine, viewer: Viewer, problem_id: Any, file_name: Any, content: Any,
         root: Path, now: datetime | None = None) -> int:
    """Store evidence for an open problem; returns the file's id. (The
    督办单 is never uploaded: `issued_notice` renders and keeps it.)"""
    with engine.connect() as conn:
        row = _visible(conn, viewer, problem_id)
    if not viewer.can("handle_problems"):
        raise ProblemError(403, "只有工作人员或管理员可以上传文件 / only staff and admin may "
                                "upload files")
    name = clean_name(file_name)
    content_type = check_content(name, content)

    def check(conn: Connection) -> None:
        if _visible(conn, viewer, problem_id).status in ENDED:
            raise ProblemError(409, "问题已办结，不能再上传材料 / the problem is closed or "
                                    "dismissed: no more files")

    return _store(engine, viewer, row.id, "evidence", name, bytes(content), content_type,
                  Path(root), now, check)


def open_file(engine: Engine, viewer: Viewer, problem_id: Any, file_id: Any,
              root: Path) -> tuple[dict, Path]:
    """(the file's row, its path) for a viewer who may see the problem."""
    with engine.connect() as conn:
        _visible(conn, viewer, problem_id)
        row = conn.execute(select(problem_file).where(
            problem_file.c.id == file_id, problem_file.c.problem_id == problem_id)
        ).mappings().first() if isinstance(file_id, int) else None
    if row is None:
        raise ProblemError(404, f"文件不存在 / no such file: {file_id}")
    return dict(row), _on_disk(Path(root), row)


def _on_disk(root: Path, row) -> Path:
    path = root / row["stored_name"]
    if not path.is_file():
        raise ProblemError(404, f"文件已不在存储目录中，请联系管理员 / the file is missing from "
                                f"storage: {row['file_name']}")
    return path


def notice_name(p: Problem) -> str:
    return f"督办单{p.notice_no}.pdf"  # i18n: data (stored as the file's name)


def issued_notice(engine: Engine, viewer: Viewer, problem_id: Any, root: Path,
                  render: Callable[[Problem], bytes]) -> tuple[dict, Path]:
    """The problem's 督办单 as first issued: rendered by `render` on the
    first reading and stored (kind "notice"), so every later reading returns
    the same bytes. 404 before the problem is assigned."""
    p = get(engine, viewer, problem_id) if isinstance(problem_id, int) else None
    if p is None:
        raise ProblemError(404, f"问题不存在 / no such problem: {problem_id}")
    if p.notice_no is None:
        raise ProblemError(404, "问题尚未交办，没有督办单 / the problem has not been assigned: "
                                "it has no 督办单")
    with engine.connect() as conn:
        row = _notice_row(conn, p.id)
    if row is None:
        content = render(p)
        if not content.startswith(b"%PDF-"):
            raise ValueError("the 督办单 renderer returned no PDF")  # i18n: data

        def check(conn: Connection) -> None:
            if _notice_row(conn, p.id) is not None:  # another reader issued it meanwhile
                raise _Issued()

        try:
            _store(engine, viewer, p.id, "notice", notice_name(p), content, "application/pdf",
                   Path(root), None, check)
        except _Issued:
            pass
        with engine.connect() as conn:
            row = _notice_row(conn, p.id)
    return dict(row), _on_disk(Path(root), row)
