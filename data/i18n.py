"""The interface language: Chinese by default, English from a gettext
catalog (data/locale/en/LC_MESSAGES/messages.po, kept up to date with Babel
by `make i18n`). The source strings are the Chinese texts themselves, so
Chinese needs no catalog.

`_()` translates into the current language (set per request by the web
side, per command by the CLI, by `use()` anywhere else); `pgettext()`
tells apart one Chinese word with two meanings (启用: "Enable" on a button,
"Active" as a state). A string held at
module level is marked with `N_()` for extraction only and translated with
`_()` where it is shown: at import there is no request and so no language.
Placeholders are named (`_("截至 {date}").format(date=...)`) so a
translation may reorder them."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar, Token
from functools import lru_cache
from pathlib import Path
from typing import Iterator

LANGUAGES = {"zh": "中文", "en": "English"}
DEFAULT = "zh"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"

_current: ContextVar[str] = ContextVar("language", default=DEFAULT)


def parse(value: str | None) -> str | None:
    """The supported language a URL, cookie or header value names
    ('en', 'en-GB', 'zh-CN' …), or None."""
    if not value:
        return None
    code = value.strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else None


def language() -> str:
    return _current.get()


def activate(lang: str | None) -> Token:
    """Make `lang` (or the default) the language of this thread / task
    until `deactivate` with the token returned."""
    return _current.set(parse(lang) or DEFAULT)


def deactivate(token: Token) -> None:
    _current.reset(token)


@contextmanager
def use(lang: str | None) -> Iterator[str]:
    token = _current.set(parse(lang) or DEFAULT)
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def catalog_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _key(msgid: str, context: str | None = None) -> str:
    return msgid if context is None else f"{context}\x04{msgid}"  # gettext's own separator


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str | tuple[str, ...]]:
    """msgid (with its context) → translation of `lang`'s catalog; fuzzy and
    empty entries are left out, so they fall back to the Chinese source text."""
    from babel.messages.pofile import read_po

    path = catalog_path(lang)
    if not path.exists():
        return {}
    with path.open("rb") as f:
        cat = read_po(f, locale=lang)
    out: dict[str, str | tuple[str, ...]] = {}
    for m in cat:
        if not m.id or m.fuzzy:
            continue
        key = _key(m.id[0] if isinstance(m.id, (tuple, list)) else m.id, m.context)
        if isinstance(m.string, (tuple, list)):
            if all(m.string):
                out[key] = tuple(m.string)
        elif m.string:
            out[key] = m.string
    return out


def gettext(msgid: str) -> str:
    lang = _current.get()
    if lang == DEFAULT:
        return msgid
    hit = catalog(lang).get(msgid)
    return hit if isinstance(hit, str) else msgid


def pgettext(context: str, msgid: str) -> str:
    if _current.get() == DEFAULT:
        return msgid
    hit = catalog(_current.get()).get(_key(msgid, context))
    return hit if isinstance(hit, str) else msgid


def ngettext(singular: str, plural: str, n: int) -> str:
    """Chinese has one form (the singular msgid); English picks by n."""
    lang = _current.get()
    if lang == DEFAULT:
        return singular
    hit = catalog(lang).get(singular)
    if isinstance(hit, tuple):
        return hit[0] if n == 1 else hit[-1]
    return singular


_ = gettext


def N_(msgid: str) -> str:
    """Mark a string for the catalog without translating it yet."""
    return msgid
