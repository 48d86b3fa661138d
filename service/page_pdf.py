"""A whole page as PDF, printed on the server by headless Chromium: the page a
reader sees (its state is its URL), as that reader sees it (the same account,
so the same masking), in the same language, with no network beyond this
server.

Chromium cannot carry the reader's session cookie, so it starts at
`/print/enter` with a ticket: signed with the app's SECRET_KEY, naming the
reader's session and the page, valid for TICKET_SECONDS and only from this
machine (the printing Chromium runs here). The entry signs that throwaway
browser in as the reader and sends it on to the page; the browser's profile
is deleted with the print. The kiosk profile's viewer needs no session.

Chromium reaches this server only: PRINT_BASE_URL, else the address the
request came in by. It waits for the page's callbacks by virtual time (which
does not advance while a request is pending), then prints with the app's
print stylesheet (assets/app.css, `@media print`: the figures, not the
controls)."""
from __future__ import annotations

import ipaddress
import os
from urllib.parse import urlencode, urlsplit

from itsdangerous import BadSignature, URLSafeTimedSerializer

from data.i18n import language
from service.pdf import print_to_pdf

TICKET_SECONDS = 60
SALT = "page-pdf"
# Virtual milliseconds Chromium lets the page run before printing: the
# callbacks, the charts' drawing and the web fonts (requests stop the clock).
BUDGET_MS = 15_000
# The page is laid out at the printed width (A4 landscape less the 12 mm
# margins of assets/app.css, at 96 px per inch), so charts are drawn as wide
# as the paper.
WINDOW = "1031,700"
# Paths a ticket may lead to: the app's pages, never its downloads or API.
REFUSED_PREFIXES = ("/api/", "/files/", "/print/", "/login", "/logout", "/_")


class TicketError(ValueError):
    pass


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=SALT)


def printable(target: str | None) -> str:
    """`target` when it is one of this app's pages (a path and query), else
    TicketError: nothing else is printed, and no ticket leads elsewhere."""
    parts = urlsplit(target or "")
    if (parts.scheme or parts.netloc or not parts.path.startswith("/")
            or parts.path.startswith("//") or parts.path.startswith(REFUSED_PREFIXES)):
        raise TicketError("不能打印这个地址 / this address cannot be printed: "
                          f"{(target or '')[:80]!r}")
    return parts.path + (f"?{parts.query}" if parts.query else "")


def ticket(secret_key: str, session_id: str | None, target: str) -> str:
    return _serializer(secret_key).dumps({"session": session_id, "next": printable(target)})


def open_ticket(secret_key: str, token: str, remote_addr: str | None) -> tuple[str | None, str]:
    """(session id or None for the kiosk viewer, page) of a valid ticket
    presented from this machine; TicketError otherwise."""
    try:
        local = ipaddress.ip_address(remote_addr or "").is_loopback
    except ValueError:
        local = False
    if not local:
        raise TicketError("打印入口只接受本机的请求 / the print entry answers this machine only")
    try:
        data = _serializer(secret_key).loads(token, max_age=TICKET_SECONDS)
    except BadSignature as err:  # SignatureExpired is one
        raise TicketError("打印凭据无效或已过期 / the print ticket is invalid or expired") from err
    return data.get("session"), printable(data.get("next"))


def entry_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/print/enter?{urlencode({'ticket': token})}"


def page_pdf(target: str) -> bytes:
    """The reader's page `target` (path and query) as PDF, in the reader's
    language: for the current request's viewer (a session, or the kiosk
    profile)."""
    from flask import current_app, request
    from flask_login import current_user

    session_id = current_user.get_id() if current_user.is_authenticated else None
    target = printable(target)
    parts = urlsplit(target)
    query = "&".join(p for p in [parts.query, urlencode({"lang": language()})] if p)
    token = ticket(current_app.secret_key, session_id, f"{parts.path}?{query}")
    base = os.environ.get("PRINT_BASE_URL") or request.host_url
    return print_to_pdf(entry_url(base, token), host=urlsplit(base).hostname,
                        extra=(f"--window-size={WINDOW}", f"--virtual-time-budget={BUDGET_MS}",
                               "--run-all-compositor-stages-before-draw"))
