"""A whole page as PDF: the print ticket (signed, short-lived, from this
machine only, to the app's own pages) signs the printing browser in as the
reader and nobody else; in Chromium a click on a page's PDF button downloads
the page the reader sees, in their language, printed by the server's own
Chromium, and audited."""
from __future__ import annotations

import re
import time

import pytest

from data import accounts, audit
from service import page_pdf
from tests.browser import artifact, signed_page
from tests.conftest import DEMO_AS_OF
from tests.sessions import signed_in
from tests.test_notice import needs_chromium, text_in

SECRET = "s" * 32


@pytest.mark.parametrize("target", ["https://elsewhere.example/", "//elsewhere.example/x",
                                    "/api/v1/warnings", "/files/brief.pdf", "/print/enter",
                                    "/login?next=/", "/_dash-layout", "execution", ""])
def test_only_the_apps_pages_may_be_printed(target):
    with pytest.raises(page_pdf.TicketError):
        page_pdf.ticket(SECRET, "1:0", target)


def test_a_ticket_opens_once_signed_in_time_and_from_this_machine(monkeypatch):
    token = page_pdf.ticket(SECRET, "7:2", "/execution?by=dept")
    assert page_pdf.open_ticket(SECRET, token, "127.0.0.1") == ("7:2", "/execution?by=dept")
    assert page_pdf.open_ticket(SECRET, token, "::1")[1] == "/execution?by=dept"
    for addr in ("10.0.0.5", None, "not-an-address"):
        with pytest.raises(page_pdf.TicketError):
            page_pdf.open_ticket(SECRET, token, addr)
    with pytest.raises(page_pdf.TicketError):
        page_pdf.open_ticket("another-secret-key-of-this-length", token, "127.0.0.1")
    with pytest.raises(page_pdf.TicketError):
        page_pdf.open_ticket(SECRET, token[:-2] + "xx", "127.0.0.1")
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + page_pdf.TICKET_SECONDS + 5)
    with pytest.raises(page_pdf.TicketError):
        page_pdf.open_ticket(SECRET, token, "127.0.0.1")


def test_the_entry_signs_the_printer_in_as_the_reader(server, engine):
    reader = signed_in(server, engine, "staff", "printer-staff")
    with reader.session_transaction() as sess:
        session_id = sess["_user_id"]
    token = page_pdf.ticket(server.secret_key, session_id, "/execution?by=dept")
    printer = server.test_client()
    res = printer.get(f"/print/enter?ticket={token}")
    assert res.status_code == 302 and res.headers["Location"] == "/execution?by=dept"
    assert printer.get("/execution").status_code == 200  # signed in, not sent to /login
    stranger = server.test_client()
    res = stranger.get(f"/print/enter?ticket={token}", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert res.status_code == 403
    assert stranger.get("/execution").status_code == 302  # still nobody


def test_a_ticket_of_a_disabled_account_signs_nobody_in(server, engine):
    reader = signed_in(server, engine, "staff", "printer-gone")
    with reader.session_transaction() as sess:
        session_id = sess["_user_id"]
    accounts.set_active(engine, "printer-gone", False, by="test")
    token = page_pdf.ticket(server.secret_key, session_id, "/")
    printer = server.test_client()
    assert printer.get(f"/print/enter?ticket={token}").status_code == 403
    assert printer.get("/").status_code == 302


@needs_chromium
@pytest.mark.browser
def test_the_pdf_button_prints_the_page_the_reader_sees(chromium, live_server, browser_store):
    pg = signed_page(chromium, live_server, "deputy-b")
    pg.goto(f"{live_server}/execution?by=dept&lang=en")
    pg.wait_for_selector("#exec-page .page-title", timeout=30_000)
    started = time.monotonic()
    with pg.expect_download(timeout=90_000) as got:
        pg.locator("#page-pdf .export-button").click()
    print(f"page PDF: {time.monotonic() - started:.1f} s")
    assert got.value.suggested_filename == f"Budget_execution_{DEMO_AS_OF.isoformat()}.pdf"
    data = open(got.value.path(), "rb").read()
    artifact("page-execution-en.pdf").write_bytes(data)
    assert data.startswith(b"%PDF")
    assert re.search(rb"/FontName\s*/[A-Z]{6}\+NotoSansSC", data)
    assert set("Budget execution") <= text_in(data)
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 1
    entries = audit.search(browser_store[1], action="export", user="deputy-b")[0]
    assert any(e["detail"].startswith("page pdf Budget_execution_") and "by=dept" in e["detail"]
               for e in entries)
    assert pg.errors == []
