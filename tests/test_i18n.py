"""Chinese and English: every interface string is in the English catalog,
no Chinese text is left outside gettext, the pages and callbacks a presenter
walks answer in English with only the store's own names left in Chinese, the
language follows the URL and then its cookie, and numbers, units and dates
read right in both languages."""
from __future__ import annotations

import ast
import io
import json
import re
import tokenize
from datetime import date
from pathlib import Path

import dash
import pytest
import sqlalchemy as sa
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from components import format as fmt
from data import i18n
from tests.conftest import DEMO_AS_OF

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u3400-\u9fff]")
# "数据库暂时无法连接 / The database is unreachable": already both languages.
BILINGUAL = re.compile(r"[\u4e00-\u9fff].* / .*[A-Za-z]{3}")
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\(\w+\)s")
GETTEXT = {"_", "N_", "gettext", "ngettext", "pgettext"}
# Modules whose strings people read in the interface or its documents. The
# importer and the demo speak in data and bilingual errors; tests and
# benchmarks are not the interface.
UI_SOURCES = ["app.py", "pages", "components", "service", "data/rules", "data/query",
              "data/glossary.py", "data/measures.py", "data/problems.py", "data/accounts.py",
              "data/brief.py", "data/export_xlsx.py", "data/audit_export.py", "data/status.py"]


def catalog_entries() -> dict[tuple[str | None, str], object]:
    with i18n.catalog_path("en").open("rb") as f:
        cat = read_po(f, locale="en")
    return {(m.context, m.id[0] if isinstance(m.id, (tuple, list)) else m.id): m
            for m in cat if m.id}


def extracted() -> dict[tuple[str | None, str], tuple[str, int]]:
    """(context, msgid) → (file, line) of every string the project marks, as
    `make i18n` finds them."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    out = {}
    keywords = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2),
                "pgettext": ((1, "c"), 2)}
    # Babel's default filter also skips `_`-directories: pages/_debt and the like.
    def wanted(path: str) -> bool:
        name = Path(path).name
        return not name.startswith(".") and name not in ("tests", "bench", "__pycache__")

    for path, line, msg, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords, directory_filter=wanted):
        msgid = msg[0] if isinstance(msg, (tuple, list)) else msg
        if msgid:
            out.setdefault((context, msgid), (path, line))
    return out


def test_every_marked_string_has_an_english_translation():
    entries = catalog_entries()
    missing = []
    for (context, msgid), where in extracted().items():
        m = entries.get((context, msgid))
        strings = [] if m is None else (list(m.string) if isinstance(m.string, (tuple, list))
                                        else [m.string])
        if m is None or m.fuzzy or not all(strings):
            missing.append(f"{where[0]}:{where[1]} {msgid!r}")
            continue
        for s in strings:
            assert sorted(PLACEHOLDER.findall(s)) == sorted(PLACEHOLDER.findall(msgid)), \
                f"{where[0]}:{where[1]}: placeholders of {msgid!r} differ in {s!r}"
            assert not CJK.search(s), f"{msgid!r} translated into Chinese: {s!r}"
    assert not missing, "run `make i18n` and translate:\n" + "\n".join(missing)


def _python_files():
    for entry in UI_SOURCES:
        path = ROOT / entry
        yield from (sorted(path.rglob("*.py")) if path.is_dir() else [path])


def _untranslated(path: Path) -> list[str]:
    src = path.read_text(encoding="utf-8")
    tree = ast.parse(src)
    data_lines = {tok.start[0] for tok in tokenize.generate_tokens(io.StringIO(src).readline)
                  if tok.type == tokenize.COMMENT and "i18n: data" in tok.string}
    allowed: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant):
            allowed.add(id(body[0].value))  # docstrings
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in GETTEXT:
            allowed.update(id(sub) for arg in node.args for sub in ast.walk(arg))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and id(node) not in allowed and CJK.search(node.value) \
                and not BILINGUAL.search(node.value) \
                and not data_lines & set(range(node.lineno, node.end_lineno + 1)):
            out.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:50]!r}")
    return out


def test_no_chinese_text_outside_gettext_in_python():
    found = [hit for path in _python_files() for hit in _untranslated(path)]
    assert not found, "wrap in _() / N_(), or mark a data value `# i18n: data`:\n" + \
        "\n".join(found)


def test_no_chinese_text_outside_gettext_in_templates():
    found = []
    for path in sorted((ROOT / "service" / "templates").glob("*.html")):
        text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", "", path.read_text(encoding="utf-8"),
                      flags=re.S)
        found += [f"{path.name}: {line.strip()[:60]!r}" for line in text.splitlines()
                  if CJK.search(line)]
    assert not found, "\n".join(found)


def test_the_scanner_finds_what_it_should(tmp_path):
    """The two checks above can fail: a bare literal, an f-string and a
    string beside (not inside) a gettext call are all reported."""
    bad = tmp_path / "bad.py"
    bad.write_text('from data.i18n import _\nA = "预算"\nB = f"{A}执行"\nC = _("总览") + "合计"\n'
                   'D = "区划"  # i18n: data\nE = "库 / database unreachable"\n')
    hits = [h.split(": ", 1)[1] for h in _untranslated_rel(bad)]
    assert hits == ["'预算'", "'执行'", "'合计'"]


def _untranslated_rel(path: Path) -> list[str]:
    global ROOT
    saved, ROOT = ROOT, path.parent
    try:
        return _untranslated(path)
    finally:
        ROOT = saved


# -- formatting ------------------------------------------------------------------------------

def test_money_dates_and_gaps_in_both_languages():
    with i18n.use("zh"):
        assert fmt.money(123_456_789) == "123.46 万元"
        assert fmt.money(12_345_678_900) == "1.23 亿元"
        assert fmt.long_date(date(2025, 9, 30)) == "2025年9月30日"
        assert fmt.month_label(2025, 9) == "2025年9月"
        assert fmt.pp(-1.8) == "-1.8 个百分点"
        assert fmt.as_of_note(date(2025, 9, 30)) == "数据截至 2025年9月30日"
    with i18n.use("en"):
        # the same figures, the unit named in English
        assert fmt.money(123_456_789) == "123.46 (10k yuan)"
        assert fmt.money(12_345_678_900) == "1.23 (100m yuan)"
        assert fmt.yuan(12_345) == "123.45 (yuan)"
        assert fmt.long_date(date(2025, 9, 30)) == "30 Sep 2025"
        assert fmt.month_label(2025, 1) == "Jan 2025"
        assert fmt.pp(-1.8) == "-1.8 pp"
        assert fmt.days(1) == "1 day" and fmt.days(3) == "3 days"
        assert fmt.as_of_note(date(2025, 9, 30), "Treasury") == \
            "Data as of 30 Sep 2025 · Source: Treasury"


def test_a_string_without_translation_falls_back_to_chinese():
    with i18n.use("en"):
        assert i18n.gettext("没有这条译文的句子") == "没有这条译文的句子"
    assert i18n.parse("en-GB") == "en" and i18n.parse("zh_CN") == "zh" and i18n.parse("fr") is None


# -- the language of a request -------------------------------------------------------------

@pytest.fixture
def demo_server(demo_engine, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", demo_engine.url.render_as_string(hide_password=False))
    import app as app_module
    from service import cache

    cache.clear()
    return app_module.server


@pytest.fixture
def client(demo_server, demo_engine):
    from tests.sessions import signed_in

    return signed_in(demo_server, demo_engine, "staff")


def test_the_url_sets_the_language_and_its_cookie_keeps_it(client):
    first = client.get("/execution?lang=en")
    html = first.get_data(as_text=True)
    assert '<html lang="en">' in html
    assert client.get_cookie("lang").value == "en"
    # the next page, without `lang`, is still English: the cookie
    assert '<html lang="en">' in client.get("/execution").get_data(as_text=True)
    back = client.get("/execution?lang=zh")
    assert '<html lang="zh-CN">' in back.get_data(as_text=True)
    assert client.get_cookie("lang").value == "zh"


def test_the_index_serves_plotlys_chinese_locale_locally(client):
    html = client.get("/").get_data(as_text=True)
    src = re.search(r'<script src="([^"]*plotly-locales/zh-cn\.js[^"]*)"', html).group(1)
    script = client.get(src.split("?")[0]).get_data(as_text=True)
    assert "name: 'zh-CN'" in script and "'Download plot as a PNG': '下载图表为PNG格式'" in script
    assert "PlotlyLocales" in script


def _texts(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k not in ("id", "className", "href", "src", "style", "customdata", "data-lang"):
                yield from _texts(v)
    elif isinstance(node, list):
        for v in node:
            yield from _texts(v)
    elif isinstance(node, str):
        yield node


def _store_values(engine) -> list[str]:
    """Every Chinese text the store holds (names of regions, units, projects …)
    and the rules' text settings (keywords): data, shown as imported in either
    language."""
    from data.rules import RULES

    md = sa.MetaData()
    md.reflect(bind=engine)
    out = {str(t.default) for r in RULES.values() for t in r.thresholds
           if isinstance(t.default, str) and CJK.search(t.default)}
    with engine.connect() as c:
        for t in md.tables.values():
            for col in t.columns:
                if isinstance(col.type, (sa.String, sa.Text)):
                    out.update(v for (v,) in c.execute(sa.select(col).distinct())
                               if isinstance(v, str) and CJK.search(v))
    return sorted(out, key=len, reverse=True)


def _not_data(text: str, values: list[str]) -> bool:
    """Whether `text` holds Chinese that is not a store value, nor a part of
    one (a name shortened for a chart label, `财政对城乡居民…`)."""
    rest = text
    for v in values:
        if v in rest:
            rest = rest.replace(v, " ")
    for token in re.split(r"<[^>]+>|\s+", rest):
        token = token.rstrip("…")
        if CJK.search(token) and not any(token in v for v in values):
            return True
    return False


def _english_walk(engine):
    from bench.page_speed import page_request, walk

    steps = list(walk(engine, DEMO_AS_OF))
    for page in dash.page_registry.values():
        steps.append((page["path"], page_request(page["path"], {})))
    return steps


def test_a_presenters_walk_in_english_shows_chinese_only_in_the_stores_names(
        client, demo_engine, backend):
    if backend != "sqlite":
        pytest.skip("the texts do not depend on the store's engine")
    from tests.sessions import csrf_header

    client.get("/?lang=en")
    headers = csrf_header(client)
    values = _store_values(demo_engine)
    leaks = []
    for label, body in _english_walk(demo_engine):
        res = client.post("/_dash-update-component", json=body, headers=headers)
        assert res.status_code in (200, 204), (label, res.get_data(as_text=True)[:300])
        if res.status_code == 204:
            continue
        for text in _texts(json.loads(res.get_data(as_text=True))):
            if CJK.search(text) and _not_data(text, values):
                leaks.append(f"{label}: {text[:80]!r}")
    shell_html = json.dumps(client.get("/_dash-layout").get_json())
    leaks += [f"shell: {t[:80]!r}" for t in _texts(json.loads(shell_html))
              if CJK.search(t) and _not_data(t, values) and t != i18n.LANGUAGES["zh"]]
    assert not leaks, "\n".join(dict.fromkeys(leaks))

