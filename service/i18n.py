"""The language of each request: `?lang=en|zh` on the URL, else the `lang`
cookie that the last such URL set, else Chinese; the JSON API is always
Chinese. A page's callbacks carry no query string, so the cookie is what
they read; the language switch in the header is a link with `lang` that
reloads the page. Templates get `_` and `ngettext` from data.i18n."""
from __future__ import annotations

from flask import Flask, Response, g, request

from data import i18n

COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


def requested_language() -> str:
    if request.path.startswith("/api/"):
        return i18n.DEFAULT  # the JSON API answers as SPEC writes it, whoever asks
    return (i18n.parse(request.args.get("lang")) or i18n.parse(request.cookies.get(COOKIE))
            or i18n.DEFAULT)


def _activate() -> None:
    g.language_token = i18n.activate(requested_language())


def _deactivate(_error: BaseException | None) -> None:
    """Back to the language before the request (a worker thread serves the
    next request, or a test goes on, in the default)."""
    token = g.pop("language_token", None)
    if token is not None:
        i18n.deactivate(token)


def _remember(response: Response) -> Response:
    asked = i18n.parse(request.args.get("lang"))
    if asked and asked != request.cookies.get(COOKIE):
        response.set_cookie(COOKIE, asked, max_age=COOKIE_MAX_AGE, samesite="Lax",
                            httponly=True)
    return response


def init_i18n(server: Flask) -> None:
    # First of the before_request hooks: the gate's refusals are translated too.
    server.before_request_funcs.setdefault(None, []).insert(0, _activate)
    server.after_request(_remember)
    server.teardown_request(_deactivate)
    server.jinja_env.add_extension("jinja2.ext.i18n")
    server.jinja_env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)
    server.jinja_env.globals["lang"] = i18n.language
