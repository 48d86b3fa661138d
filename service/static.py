"""How the static files (Dash's component bundles, assets/) and the data
responses go over the wire.

- A static file is the same for every reader: its response neither
  re-issues the session cookie nor varies by Cookie (which would keep a
  proxy from sharing it).
- An asset whose URL names its version (`?m=<mtime>`, as Dash and the shell
  link them) may be kept for a year; other assets are revalidated (304).
- Text responses (bundles, stylesheets, Dash's JSON) are sent gzip-compressed
  to a browser that accepts it; a static file is compressed once per process
  and kept, a data response is compressed as it is sent. HTML pages are not
  (the sign-in form carries its CSRF token next to what the URL reflects).
- dcc.Graph loads plotly.js from `PLOTLY_URL` when a page first shows a
  chart; the app answers with its own build holding only the trace types it
  draws (assets/vendor/plotly, made by scripts/vendor_assets.sh): 1.4 MB
  instead of 4.7, which a browser starts in a third of the time."""
from __future__ import annotations

import gzip
from pathlib import Path

from flask import Flask, Response, request, send_file
from flask.sessions import SecureCookieSessionInterface

STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico")
COMPRESSIBLE = frozenset({"text/css", "text/javascript", "application/javascript",
                          "application/json", "image/svg+xml", "image/x-icon",
                          "image/vnd.microsoft.icon"})
MIN_SIZE = 1024  # smaller bodies gain less than the header costs
LEVEL = 6
YEAR = 365 * 24 * 3600
PLOTLY_URL = "/_dash-component-suites/plotly/package_data/plotly.min.js"
PLOTLY_BUNDLE = Path("vendor") / "plotly" / "plotly-app.min.js"  # under assets/

# (path, validator, length) → gzip body: the static files are few and fixed.
_compressed: dict[tuple[str, str, int], bytes] = {}


def is_static(path: str) -> bool:
    return path.startswith(STATIC_PREFIXES)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except that a static file's response
    never sets the cookie nor varies by it."""

    def save_session(self, app, session, response) -> None:
        if is_static(request.path):
            return
        super().save_session(app, session, response)


def _static_headers(response: Response) -> Response:
    if request.path.startswith("/assets/") and request.args.get("m"):
        response.cache_control.public = True
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
        response.cache_control.no_cache = None
    return response


def _accepts_gzip() -> bool:
    return any(enc == "gzip" and q > 0 for enc, q in request.accept_encodings)


def _compress(response: Response) -> Response:
    response.vary.add("Accept-Encoding")
    if (response.status_code != 200 or response.mimetype not in COMPRESSIBLE
            or "Content-Encoding" in response.headers or not _accepts_gzip()):
        return response
    static = is_static(request.path)
    if not static and response.is_streamed:
        return response
    etag, weak = response.get_etag()
    if static:
        key = (request.path, etag or "", response.content_length or -1)
        body = _compressed.get(key)
        if body is None:
            response.direct_passthrough = False
            data = response.get_data()
            if len(data) < MIN_SIZE:
                return response
            body = gzip.compress(data, LEVEL, mtime=0)
            _compressed[key] = body
        else:
            response.close()  # the file it would have sent
    else:
        data = response.get_data()
        if len(data) < MIN_SIZE:
            return response
        body = gzip.compress(data, LEVEL, mtime=0)
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"
    if etag and not weak:  # another coding of the same file: a weak validator
        response.set_etag(etag, weak=True)
    return response


def _not_modified(response: Response) -> Response:
    """304 for a revalidated static file whose validator still matches
    (compared weakly, as RFC 9110 asks for If-None-Match)."""
    etag, _weak = response.get_etag()
    if response.status_code == 200 and etag and request.if_none_match.contains_weak(etag):
        not_modified = Response(status=304)
        for name in ("ETag", "Cache-Control", "Vary", "Last-Modified"):
            if name in response.headers:
                not_modified.headers[name] = response.headers[name]
        response.close()
        return not_modified
    return response


def _after(response: Response) -> Response:
    if is_static(request.path):
        response = _static_headers(response)
        response = _not_modified(response)
    return _compress(response)


def init_static(server: Flask, assets_folder: Path) -> None:
    bundle = assets_folder / PLOTLY_BUNDLE

    def plotly_bundle():
        if request.path == PLOTLY_URL:
            return send_file(bundle, mimetype="text/javascript", conditional=True)
        return None

    server.session_interface = SessionInterface()
    server.before_request(plotly_bundle)
    server.after_request(_after)
