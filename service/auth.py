"""Sign-in, sessions, CSRF and the gate in front of every page and callback.

- Accounts sign in at /login (Flask-Login); the session cookie is HttpOnly,
  SameSite=Lax, and Secure when SECURE_COOKIES=1 (HTTPS). A session ends
  when its account is disabled, its role changes or its password is reset.
- Every POST carries a CSRF token (Flask-WTF): forms in a hidden field, Dash
  callbacks in the X-CSRFToken header, which the Dash renderer copies from
  the `_csrf_token` cookie set here. The bearer-token API is exempt.
- Without a session, pages and callbacks answer only when the admin has
  switched on the kiosk profile: read-only, personal data masked. Otherwise
  a page redirects to /login and a callback answers 401.
- What a signed-in role may do is `Viewer.can` (data.accounts.CAPABILITIES),
  checked again in every callback and service that reads or writes
  protected data: hiding a button is never the check."""
from __future__ import annotations

import os
from datetime import timedelta
from urllib.parse import urlsplit

from flask import (Blueprint, Flask, Response, current_app, g, jsonify, redirect,
                   render_template, request, session, url_for)
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFProtect, generate_csrf
from sqlalchemy.exc import SQLAlchemyError

from data import accounts
from data.accounts import Viewer
from data.audit import record
from data.db import get_engine
from data.i18n import LANGUAGES
from service import page_pdf
from service.static import is_static

auth = Blueprint("auth", __name__, template_folder="templates")
PRINT_ENTRY = "/print/enter"  # where the server's printing Chromium comes in (service/page_pdf.py)
csrf = CSRFProtect()
login_manager = LoginManager()
CSRF_COOKIE = "_csrf_token"  # the name the Dash renderer reads

# Paths served to anyone: the sign-in page, static files, the API (its own tokens),
# the print entry (its own ticket).
OPEN_PREFIXES = ("/login", "/logout", "/api/", "/assets/", "/_dash-component-suites/",
                 "/_favicon", "/favicon.ico", "/_alive_", PRINT_ENTRY)
# Dash's own data routes: they answer 401 rather than redirect.
DASH_DATA_PREFIXES = ("/_dash-", "/_reload-hash")


class SessionUser(UserMixin):
    def __init__(self, user: dict):
        self.user = user

    def get_id(self) -> str:
        return f"{self.user['user_id']}:{self.user['session_epoch']}"


# The store's last answers, for while it is away: a wall display or an open
# page must reach its callbacks (which show the last figures with a "stale"
# banner), not fail at the gate. Per process, bounded.
_last_kiosk_profile = False
_last_sessions: dict[str, dict] = {}
LAST_SESSIONS = 1000


@login_manager.user_loader
def _load(session_id: str):
    uid, _, epoch = session_id.partition(":")
    if not (uid.isdigit() and epoch.isdigit()):
        return None
    try:
        user = accounts.session_user(get_engine(), int(uid), int(epoch))
    except SQLAlchemyError:
        user = _last_sessions.get(session_id)
    else:
        _last_sessions.pop(session_id, None)
        if user:
            if len(_last_sessions) >= LAST_SESSIONS:
                _last_sessions.pop(next(iter(_last_sessions)))
            _last_sessions[session_id] = user
    return SessionUser(user) if user else None


def _kiosk_profile() -> bool:
    global _last_kiosk_profile
    try:
        _last_kiosk_profile = accounts.kiosk_profile(get_engine())
    except SQLAlchemyError:
        pass
    return _last_kiosk_profile


def client_ip() -> str | None:
    return request.remote_addr


def current_viewer() -> Viewer | None:
    """The signed-in account, the kiosk profile's anonymous viewer, or None
    (looked up once per request)."""
    if "viewer" not in g:
        if current_user.is_authenticated:
            g.viewer = Viewer.of(current_user.user, client_ip())
        elif _kiosk_profile():
            g.viewer = Viewer(None, None, None, client_ip())
        else:
            g.viewer = None
    return g.viewer


class Refused(Exception):
    """A viewer may not do this; the message is Chinese / English."""

    def __init__(self, message: str, status: int = 403):
        super().__init__(message)
        self.message, self.status = message, status


def require(capability: str) -> Viewer:
    """The viewer, when they may use the capability; else Refused."""
    viewer = current_viewer()
    if viewer is None:
        raise Refused("请先登录 / please sign in", 401)
    if not viewer.can(capability):
        raise Refused("当前账户无权执行此操作 / this account may not do this")
    return viewer


def audit(action: str, detail: str | None = None, viewer: Viewer | None = None) -> None:
    """One audit entry for the current request's viewer."""
    viewer = viewer or current_viewer()
    with get_engine().begin() as conn:
        record(conn, viewer.name if viewer else None, action, detail, client_ip())


# -- the gate ------------------------------------------------------------------------

def _gate():
    path = request.path
    if path.startswith(OPEN_PREFIXES):
        return None
    if current_viewer() is not None:
        return None
    if path.startswith(DASH_DATA_PREFIXES):
        return jsonify({"error": "请先登录 / please sign in"}), 401
    return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))


def _csrf_cookie(response):
    """Hand the page its CSRF token for the Dash renderer's header."""
    if request.path.startswith("/api/") or is_static(request.path):
        return response
    response.set_cookie(CSRF_COOKIE, generate_csrf(), samesite="Lax",
                        secure=_secure_cookies(), httponly=False)
    return response


def _secure_cookies() -> bool:
    return os.environ.get("SECURE_COOKIES", "0") == "1"


def _safe_next(target: str | None) -> str:
    """Only a path of this site (never //host or a scheme) after sign-in."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


# -- sign-in and sign-out ----------------------------------------------------------

@auth.context_processor
def _languages() -> dict:
    """The names of the languages, for the switch on the sign-in pages."""
    return {"languages": LANGUAGES}


@auth.route("/login", methods=["GET", "POST"])
def sign_in():
    nxt = _safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(nxt)
        return render_template("sign_in.html", next=nxt, error=None, name="")
    name = request.form.get("username", "")
    result = accounts.sign_in(get_engine(), name, request.form.get("password", ""), client_ip())
    if result.user is None:
        status = 429 if "次数过多" in result.error else 401  # i18n: data
        return render_template("sign_in.html", next=nxt, error=result.error, name=name), status
    session.clear()  # a fresh session: no fixation of one set before sign-in
    session.permanent = True
    login_user(SessionUser(result.user))
    return redirect(nxt)


@auth.route("/logout", methods=["GET", "POST"])
def sign_out():
    if request.method == "GET":  # a link shows the confirmation; only a POST signs out
        if not current_user.is_authenticated:
            return redirect(url_for("auth.sign_in"))
        return render_template("sign_out.html", name=current_user.user["username"])
    if current_user.is_authenticated:
        audit("sign_out", viewer=Viewer.of(current_user.user, client_ip()))
        logout_user()
    session.clear()
    return redirect(url_for("auth.sign_in"))


@auth.get(PRINT_ENTRY)
def print_enter():
    """The server's own Chromium, printing a page for a reader, enters with
    the reader's ticket and is sent on to the page as that reader."""
    try:
        session_id, target = page_pdf.open_ticket(current_app.secret_key,
                                                  request.args.get("ticket", ""),
                                                  request.remote_addr)
    except page_pdf.TicketError as err:
        return Response(str(err), 403, mimetype="text/plain")
    session.clear()
    if session_id is not None:
        user = _load(session_id)
        if user is None:
            return Response("账户已停用或会话已结束 / the account is disabled or its session ended",
                            403, mimetype="text/plain")
        login_user(user)
    return redirect(target)


def init_auth(server: Flask) -> None:
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=_secure_cookies(),
        PERMANENT_SESSION_LIFETIME=timedelta(hours=int(os.environ.get("SESSION_HOURS", "12"))),
        # a wall display keeps one page open for weeks: the token lives as long as the session
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=False,  # the header is checked; Referer is often stripped on intranets
    )
    login_manager.init_app(server)
    csrf.init_app(server)
    server.register_blueprint(auth)
    server.before_request(_gate)
    server.after_request(_csrf_cookie)

