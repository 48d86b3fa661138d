"""Deputies' open day: the glossary against the rule registry, the open-day
home's figures against the query layer (and by hand) for a deputy and the
kiosk viewer on the store of tests/overview_fixture.py, the glossary page,
and open-day mode (?open=1) in the shell and across navigation; on SQLite
and PostgreSQL. In a browser: tests/test_browser_openday.py."""
from __future__ import annotations

import sys
from collections import Counter

import pytest
from sqlalchemy import select

from components import explain, urlstate
from components import format as fmt
from components.kpi import money_figure
from data import query as q
from data import schema as s
from data.accounts import Viewer
from data.glossary import TERMS
from data.query import Scope
from data.rules import RULES, breaches_at
from tests.overview_fixture import C, D, Y, load
from tests.sessions import PASSWORD, viewing_as

KIOSK = Viewer(None, None, None, "10.1.1.9")
GENERAL = Scope(as_of=D, year=D.year, mof_div=C, fund_type="1")
WHOLE = Scope(as_of=D, mof_div=C)


# -- the glossary (pure) --------------------------------------------------------------------

def test_rule_backed_terms_say_what_the_rule_registry_says():
    backed = {t.key: t for t in TERMS.values() if t.rule}
    assert {t.rule for t in backed.values()} >= {"EXEC_LAG", "DEBT_RATIO", "LIABILITY_RATIO",
                                                 "THREE_PUBLIC_OVER", "DIRECT_PAY_LAG", "SOE_ALR",
                                                 "IDLE_ASSETS", "BOND_FUNDS_IDLE"}
    for term in backed.values():
        assert term.why == RULES[term.rule].explain_zh
        assert term.basis == RULES[term.rule].basis


def test_the_glossary_holds_the_issue_terms_each_fully_explained():
    names = {t.name for t in TERMS.values()}
    assert {"序时进度", "执行率", "直达资金", "债务率", "负债率", "三公经费", "一般公共预算",
            "政府性基金预算", "国有资本经营预算", "社保基金预算", "专项债券", "国有企业资产负债率",
            "闲置资产", "预警等级", "督办单", "销号"} <= names
    for key, term in TERMS.items():
        assert key == term.key and key.isascii() and " " not in key  # an anchor
        assert term.what and term.why and term.basis, key


def test_the_panel_answers_the_three_questions_and_the_lines():
    term = TERMS["debt-ratio"]
    sections = {d.to_plotly_json()["props"].get("data-section"): d.children
                for d in explain.panel(term, "关注线").children if hasattr(d, "to_plotly_json")}
    assert sections["what"] == term.what
    assert sections["why"] == RULES["DEBT_RATIO"].explain_zh
    assert sections["basis"] == RULES["DEBT_RATIO"].basis
    assert sections["lines"] == "关注线"
    assert [d.children for d in explain.panel(term).children][::2] == ["这是什么", "为什么重要", "依据"]


# -- the pages ---------------------------------------------------------------------------

@pytest.fixture
def app_on(engine, db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    load(engine)
    import app as app_module
    from service import cache

    cache.clear()
    return app_module


def walk(node):
    """Every component and string of a tree."""
    if isinstance(node, (list, tuple)):
        for n in node:
            yield from walk(n)
        return
    yield node
    kids = getattr(node, "children", None)
    if kids is not None:
        yield from walk(kids)


def find(tree, id_):
    return next((n for n in walk(tree) if getattr(n, "id", None) == id_), None)


def strings(tree) -> list[str]:
    return [n for n in walk(tree) if isinstance(n, str)]


def text(tree) -> str:
    return " ".join(strings(tree))


def props(node) -> dict:
    return node.to_plotly_json()["props"]


def account(engine, role: str) -> Viewer:
    from data import accounts

    name = f"{role}-o"
    return Viewer(accounts.create_user(engine, name, role, PASSWORD), name, role, "10.1.1.1")


@pytest.mark.parametrize("who", ["deputy", "kiosk"])
def test_the_home_shows_the_overview_figures(app_on, engine, who):
    viewer = account(engine, "deputy") if who == "deputy" else KIOSK
    page = sys.modules["pages.openday"]
    with viewing_as(app_on.server, viewer):
        tree = page.layout(as_of=D.isoformat(), mof_div=C)
    spent = q.execution_total(engine, GENERAL)
    assert (spent.paid, spent.budget) == (Y(450_000), Y(1_450_000))  # by hand, as the overview test
    execution = text(find(tree, "openday-execution"))
    assert fmt.pct(450_000 / 1_450_000) in execution and fmt.pp(spent.gap_pp) in execution
    (revenue,) = q.budgets(engine, GENERAL)
    assert " ".join(money_figure(revenue.revenue)) in text(find(tree, "openday-revenue"))
    direct = find(tree, "openday-direct")
    assert fmt.pct(350_000 / 1_200_000) in text(direct)
    assert props(direct)["data-level"] == "red"
    debt = q.debt_position(engine, WHOLE)
    assert fmt.pct(debt.debt_ratio) in text(find(tree, "openday-debt"))
    assert fmt.pct(debt.liability_ratio) in text(find(tree, "openday-debt"))
    # every card has its explanation, with the glossary link keeping the filters
    for card, term in (("openday-execution", "execution-rate"), ("openday-debt", "debt-ratio"),
                       ("openday-warnings", "warning-level")):
        panel = find(tree, f"{card}-explain")
        assert props(panel)["data-term"] == term
        assert TERMS[term].why in text(panel)
        more = next(n for n in walk(panel) if getattr(n, "className", "") == "explain-more touch-link")
        assert more.href == f"/glossary?as_of={D.isoformat()}&mof_div={C}#{term}"


def test_the_home_counts_the_open_warnings_by_level(app_on, engine):
    page = sys.modules["pages.openday"]
    with viewing_as(app_on.server, KIOSK):
        tree = page.layout(as_of=D.isoformat())
    found = breaches_at(engine, D)  # every region: no region filter to apply
    counts = Counter(b.level for b in found)
    card = find(tree, "openday-warnings")
    assert str(len(found)) in strings(card)
    for lv in ("red", "orange", "yellow"):
        link = next(n for n in walk(card) if getattr(n, "href", None)
                    == f"/warnings?as_of={D.isoformat()}&level={lv}")
        assert f" {counts[lv]} 项" in link.children


def test_the_home_and_glossary_show_no_payee_to_masked_viewers(app_on, engine):
    with engine.connect() as conn:
        payees = set(conn.execute(select(s.payment.c.payee_acct_name)).scalars())
    assert payees
    for viewer in (account(engine, "deputy"), KIOSK):
        with viewing_as(app_on.server, viewer):
            shown = text(sys.modules["pages.openday"].layout(as_of=D.isoformat()))
            shown += text(sys.modules["pages.glossary"].layout())
        assert not [p for p in payees if p and p in shown]


def test_a_deputy_problem_card_counts_their_own(app_on, engine):
    from data import problems
    from pages._openday import cards

    deputy, staff = account(engine, "deputy"), account(engine, "staff")
    problems.create(engine, deputy, "代表的问题", None, C)
    problems.create(engine, staff, "工作人员的问题", None, C)
    with viewing_as(app_on.server, deputy):
        card = cards.problem_card({"mof_div": C, "params": {"open": "1"}})
    assert find(card, "openday-problems-own") is not None
    assert "1" in strings(find(card, "openday-problem-card"))
    with viewing_as(app_on.server, KIOSK):
        card = cards.problem_card({"mof_div": C, "params": {}})
    assert "2" in strings(card)
    assert not any(getattr(n, "href", None) == "/problems" for n in walk(card))  # no way in


def test_the_glossary_page_lists_every_term_with_its_anchor(app_on, engine):
    page = sys.modules["pages.glossary"]
    with viewing_as(app_on.server, account(engine, "deputy")):
        tree = page.layout(open="1")
    for key, term in TERMS.items():
        entry = find(tree, key)
        assert entry is not None and term.name in text(entry)
        assert term.what in text(entry) and term.basis in text(entry)
    assert RULES["DEBT_RATIO"].lines_zh() in text(find(tree, "debt-ratio"))
    assert find(tree, "glossary-search") is not None


# -- open-day mode -----------------------------------------------------------------------

def test_open_mode_survives_navigation():
    from components import shell

    params = urlstate.parse("?open=1&mof_div=330402&dept=101")
    assert urlstate.keep_global(params) == {"open": "1", "mof_div": "330402"}
    ids = [{"type": "shell-nav", "path": p} for p in ("/", "/glossary")]
    links, brand = shell.nav_links("?open=1&mof_div=330402", ids)
    assert links == ["/?mof_div=330402&open=1", "/glossary?mof_div=330402&open=1"]
    assert brand == "/open?mof_div=330402&open=1"
    assert shell.nav_links("?mof_div=330402", ids)[1] == "/?mof_div=330402"
    assert shell.mode("?open=1")[0] == "shell open"
    assert shell.mode("?kiosk=1")[0] == "shell kiosk"


def test_open_mode_keeps_a_short_navigation(app_on):
    from components import shell

    items = {i.children.id["path"]: (i.className or "").split() for i in shell._nav().children}
    kept = [p for p, classes in items.items() if "open-day" in classes]
    assert kept == [p["path"] for p in shell.nav_pages() if p["path"] in shell.OPEN_NAV]
    assert set(kept) == set(shell.OPEN_NAV)  # every page of the open-day navigation exists
    assert [p for p, classes in items.items() if "open-only" in classes] == ["/open"]
