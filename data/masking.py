"""Masking of personal data: the names of individual payees and every
account number, for viewers who may not see them (a deputy, the kiosk
profile). Applied where the data leaves the store (the query layer, the
rule engine's messages), so no page or callback can leak what it never got.

Who is an individual: the contract carries no payee type, so the name
decides. Any 2–3 character Chinese name is a person; a 4-character one too
unless it ends like an organisation (县财政局, 李家村); a name with the
middle dot of transliterated names (阿卜杜·热合曼) is a person; anything
longer is an organisation. The rule errs towards masking."""
from __future__ import annotations

_ORG_ENDINGS = tuple("局委村镇乡社所站厂院校馆队处店行园会部司")  # i18n: data


def _han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"  # i18n: data


def is_individual(name: str | None) -> bool:
    n = (name or "").strip()
    if "·" in n:
        return all(_han(ch) or ch == "·" for ch in n)
    if not 2 <= len(n) <= 4 or not all(_han(ch) for ch in n):
        return False
    return len(n) < 4 or not n.endswith(_ORG_ENDINGS)


def mask_name(name: str | None) -> str | None:
    """An individual's name with only the surname kept (张**); others as they are."""
    if not is_individual(name):
        return name
    n = name.strip()
    return n[0] + "*" * (len(n) - 1)


def mask_account(number: str | None) -> str | None:
    """An account number with only its last four characters kept."""
    if not number:
        return number
    n = number.strip()
    return "*" * max(len(n) - 4, 4) + n[-4:] if len(n) > 4 else "*" * len(n)
