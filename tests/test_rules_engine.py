"""The rule engine's machinery (data.rules), on both backends: the registry
against the contract, stored results keeping their identity across runs,
settings changes with their history (and every kind of bad value refused with
nothing changed), the evaluation after each import (whose failure never undoes
the import), the `rules run` command, and band() at its boundaries.

The rules' verdicts themselves are checked against an independent oracle in
tests/test_rules_cases.py and tests/test_rules_demo.py. Expected figures here
are worked out by hand in the comments."""
from __future__ import annotations

import math
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, insert, select

from data import i18n
from data import schema as s
from data.importer import import_files
from data.rules import (LEVEL_ORDER, LEVELS, RULES, Breach, RuleSetting, SettingError, band,
                        change_setting, evaluate, latest_run, load_settings, run, run_history,
                        setting_history, stored_breaches)
from data.rules import engine as rule_engine
from data.rules.registry import AREAS, ENTITY_TYPES, UNITS
from service.cli import register
from tests.files.contract import PAYMENT_HEADER, dimension_files, payment, write
from tests.querycheck import build_aggregate

ROOT = Path(__file__).resolve().parent.parent
C = "510101"
D1 = date(2026, 8, 7)    # day 219 of 365: TP = 0.6
D2 = date(2026, 9, 30)   # day 273: TP = 273/365 = 0.747945…
D3 = date(2026, 12, 31)  # TP = 1


# -- registry ---------------------------------------------------------------------------------

def contract_rule_ids() -> list[str]:
    for path in (ROOT / "docs" / "contract.md", Path("/work/shared/SPEC.md")):
        if path.exists():
            text = path.read_text(encoding="utf-8")
            table = text[text.index("## 2."):]
            ids = re.findall(r"^\| ([A-Z][A-Z0-9_]+) \|", table, flags=re.M)
            if ids:
                return [i for i in ids if i != "ID"]
    raise AssertionError("no contract with the rule table")


def test_registry_holds_the_contracts_27_rules_in_its_order():
    assert list(RULES) == contract_rule_ids()
    assert len(RULES) == 27
    assert set(rule_engine.EVALUATORS) == set(RULES)


def test_every_rule_is_described_and_its_thresholds_are_sane():
    assert LEVELS == ("green", "yellow", "orange", "red")
    assert LEVEL_ORDER == {"red": 0, "orange": 1, "yellow": 2, "green": 3}
    for rule in RULES.values():
        assert rule.entity_type in ENTITY_TYPES and rule.area in AREAS, rule.id
        with i18n.use("en"):  # the English comes from the catalog
            assert rule.name != rule.name_zh and rule.explain != rule.explain_zh, rule.id
            assert all(t.label != t.label_zh for t in rule.thresholds), rule.id
        assert rule.name_zh and rule.basis, rule.id
        assert rule.explain_zh.count("。") >= 2, rule.id  # two or three sentences
        assert set(rule.levels) <= {"yellow", "orange", "red"}, rule.id
        rendered = rule.formula()
        assert "{" not in rendered and "}" not in rendered, rule.id
        for t in rule.thresholds:
            assert t.unit in UNITS and t.label_zh, (rule.id, t.key)
            if t.unit != "text":
                assert t.default >= 0, (rule.id, t.key)
            if t.level:
                assert t.level in rule.levels and t.op, (rule.id, t.key)


def test_defaults_are_the_contracts():
    d = {rid: rule.defaults() for rid, rule in RULES.items()}
    assert d["EXEC_LAG"] == {"min_quota": 100000, "yellow_lag_pp": 10, "red_lag_pp": 20}
    assert d["DEBT_RATIO"] == {"yellow_ratio": Decimal("1.2"), "orange_ratio": 2, "red_ratio": 3}
    assert d["LARGE_CASH"] == {"yellow_amount": 50000, "red_amount": 200000}
    assert d["UNION_PAYMENT"] == {"keyword": "工会", "min_amount": 10000}
    assert d["PROJECT_STALLED"] == {"min_quota": 100000, "idle_days": 90}
    assert d["DATA_STALE"] == {"max_age_days": 40}
    assert d["SOE_ALR"] == {"industrial_yellow": Decimal("0.65"), "industrial_red": Decimal("0.7"),
                            "non_industrial_yellow": Decimal("0.7"),
                            "non_industrial_red": Decimal("0.75")}


def test_formula_shows_the_thresholds_in_force():
    rule = RULES["EXEC_LAG"]
    assert "10 个百分点" in rule.formula() and "100,000 元" in rule.formula()
    assert "7.5 个百分点" in rule.formula({"yellow_lag_pp": Decimal("7.5")})
    assert "120%" in RULES["DEBT_RATIO"].formula()


def breach(rule, code, **kw) -> Breach:
    values = dict(rule=rule, level="red", entity_type=RULES[rule].entity_type, entity_code=code,
                  value=None, threshold=None, message="", mof_div=None, agency=None, dept=None,
                  name="")
    values.update(kw)
    return Breach(**values)


@pytest.mark.parametrize("rule, code, extra, expected", [
    ("EXEC_LAG", "101001", dict(mof_div=C, agency="101001", dept="101"),
     ("/execution", {"mof_div": C, "dept": "101", "agency": "101001"})),
    ("THREE_PUBLIC_OVER", "101", dict(mof_div=C, agency="101", dept="101"),
     ("/execution", {"mof_div": C, "dept": "101", "agency": "101", "tab": "three"})),
    ("YEAR_END_SURGE", "P1", dict(mof_div=C, agency="101", dept="101"),
     ("/execution", {"mof_div": C, "dept": "101", "agency": "101", "project": "P1", "tab": "yearend"})),
    ("PAY_OVER_QUOTA", "BGT9", dict(mof_div=C, agency="101", dept="101"),
     ("/execution", {"mof_div": C, "dept": "101", "agency": "101", "bgt_id": "BGT9"})),
    ("LARGE_CASH", "PC7", dict(mof_div=C, agency="101", dept="101"),
     ("/execution", {"mof_div": C, "dept": "101", "agency": "101", "q": "PC7"})),
    ("REVENUE_LAG", C, dict(mof_div=C), ("/revenue-expenditure", {"mof_div": C, "tab": "revenue"})),
    ("DIRECT_PAY_LAG", f"ZD003@{C}", dict(mof_div=C),
     ("/direct-funds", {"mof_div": C, "fund": "ZD003"})),
    ("DEBT_OVER_LIMIT", f"{C}:2", dict(mof_div=C), ("/debt", {"mof_div": C, "debt_type": "2"})),
    ("DEBT_OVERDUE", "B9@2026-10-26", dict(mof_div=C), ("/debt", {"mof_div": C, "bond": "B9"})),
    ("BOND_FUNDS_IDLE", "B9/P3", dict(mof_div=C), ("/debt", {"mof_div": C, "bond": "B9"})),
    ("SOE_ALR", "QY1", dict(mof_div=C), ("/assets", {"mof_div": C, "enterprise": "QY1", "tab": "soe"})),
    ("IDLE_ASSETS", "101", dict(mof_div=C, agency="101", dept="101"),
     ("/assets", {"mof_div": C, "agency": "101", "tab": "admin"})),
    ("DATA_STALE", f"revenue@{C}001", dict(mof_div=f"{C}001"), ("/", {"mof_div": f"{C}001"})),
])
def test_link_names_the_drill_state_of_the_entity(rule, code, extra, expected):
    assert RULES[rule].link(breach(rule, code, **extra)) == expected


# -- a hand-made store (rows written with SQLAlchemy Core) ---------------------------------------

def add_region_and_agencies(engine) -> None:
    with engine.begin() as conn:
        conn.execute(insert(s.mof_div).values(mof_div_code=C, mof_div_name="示例县", level=3))
        conn.execute(insert(s.agency), [
            {"agency_code": code, "agency_name": f"单位{code}", "mof_div_code": C, "dept_code": code}
            for code in ("A1", "A2", "A3")])


def add_quota(engine, agency: str, yuan: int) -> None:
    with engine.begin() as conn:
        conn.execute(insert(s.quota).values(
            bgt_id=f"Q-{agency}", fiscal_year=2026, mof_div_code=C, agency_code=agency,
            exp_func_code="2050101", dep_bgt_eco_code="30201", fund_type_code="1", budget_stage="1",
            doc_date=date(2026, 1, 10), amount=yuan * 100))


def add_payment(engine, cert: str, agency: str, yuan: int, day: date) -> None:
    with engine.begin() as conn:
        conn.execute(insert(s.payment).values(
            pay_cert_id=cert, fiscal_year=day.year, pay_date=day, pay_ym=day.year * 100 + day.month,
            mof_div_code=C, agency_code=agency, bgt_id=f"Q-{agency}", exp_func_code="2050101",
            dep_bgt_eco_code="30201", fund_type_code="1", pay_type_code="1", set_mode_code="1",
            payee_acct_name="某某公司", amount=yuan * 100))
        build_aggregate(conn)


@pytest.fixture
def three_agencies(engine):
    """Quotas of 1,000,000 each. Paid by D1: A1 500,000 (rate .5, gap −10 →
    EXEC_LAG yellow), A2 300,000 (gap −30 → red), A3 550,000 (gap −5 → green)."""
    add_region_and_agencies(engine)
    for agency, paid in (("A1", 500_000), ("A2", 300_000), ("A3", 550_000)):
        add_quota(engine, agency, 1_000_000)
        add_payment(engine, f"P-{agency}", agency, paid, date(2026, 6, 1))
    return engine


def exec_lag_rows(engine, open_only=False) -> dict:
    return {b.entity_code: b for b in stored_breaches(engine, rule="EXEC_LAG", open_only=open_only)}


def test_a_breach_keeps_its_row_across_runs(three_agencies):
    engine = three_agencies
    first = run(engine, D1)
    assert first.counts["EXEC_LAG"] == {"red": 1, "yellow": 1}
    rows = exec_lag_rows(engine)
    assert {c: (b.level, b.first_seen, b.last_seen, b.resolved_on) for c, b in rows.items()} == {
        "A1": ("yellow", D1, D1, None), "A2": ("red", D1, D1, None)}
    assert rows["A2"].value == Decimal("-30") and rows["A2"].threshold == Decimal("-20")
    ids = {c: b.id for c, b in rows.items()}

    # By D2 A1 paid 300,000 more: rate .8, gap +5.2 → green, resolved on D2.
    # A2 stays at .3: gap (.3 − 273/365)·100 = −44.79 → red, still open.
    # A3 at .55: gap −19.79 → yellow, new on D2.
    add_payment(engine, "P-A1-2", "A1", 300_000, date(2026, 9, 1))
    run(engine, D2)
    rows = exec_lag_rows(engine)
    assert {c: (b.level, b.first_seen, b.last_seen, b.resolved_on) for c, b in rows.items()} == {
        "A1": ("yellow", D1, D1, D2), "A2": ("red", D1, D2, None), "A3": ("yellow", D2, D2, None)}
    assert rows["A2"].id == ids["A2"] and rows["A1"].id == ids["A1"]
    assert rows["A2"].value == Decimal("-44.794521")  # (0.3 − 273/365)·100 rounded to 6 places
    assert set(exec_lag_rows(engine, open_only=True)) == {"A2", "A3"}

    # At the year end (TP 1) A1's .8 is 20 pp behind → red again: the same row
    # reopened, first_seen reset to the new episode's start.
    run(engine, D3)
    rows = exec_lag_rows(engine)
    assert (rows["A1"].id, rows["A1"].level, rows["A1"].first_seen, rows["A1"].resolved_on) == \
        (ids["A1"], "red", D3, None)
    assert rows["A2"].first_seen == D1 and rows["A2"].last_seen == D3

    last = latest_run(engine)
    assert last.as_of == D3 and last.counts["EXEC_LAG"] == {"red": 3}
    history = run_history(engine)
    assert [(d, lv) for d, lv, _n in history] == [(d, lv) for d in (D1, D2, D3)
                                                  for lv in ("red", "orange", "yellow")]


def test_runs_count_every_level_and_summarise(three_agencies):
    summary = run(three_agencies, D1)
    assert summary.as_of == D1 and summary.run_id == latest_run(three_agencies).id
    assert summary.total == sum(n for levels in summary.counts.values() for n in levels.values())
    assert summary.lines()[0].startswith(f"规则评估 / rules evaluated as of {D1}: {summary.total} breaches")
    assert any(line.startswith("  EXEC_LAG 预算执行进度滞后") for line in summary.lines())


def test_an_empty_store_is_not_evaluated(engine):
    summary = run(engine)
    assert summary.as_of is None and summary.run_id is None and summary.counts == {}
    assert latest_run(engine) is None and run_history(engine) == []


def test_evaluate_is_ordered_by_rule_then_entity(three_agencies):
    breaches = evaluate(three_agencies, D2)
    order = {rid: i for i, rid in enumerate(RULES)}
    assert breaches == sorted(breaches, key=lambda b: (order[b.rule], b.entity_code))
    assert all(b.level in ("yellow", "orange", "red") for b in breaches)
    lag = [b for b in breaches if b.rule == "EXEC_LAG"]
    # By D2 (TP 273/365): A1 .5 → −24.79 red, A2 .3 → −44.79 red, A3 .55 → −19.79 yellow.
    assert [(b.entity_code, b.level, b.mof_div, b.agency, b.dept, b.name) for b in lag] == [
        ("A1", "red", C, "A1", "A1", "单位A1"), ("A2", "red", C, "A2", "A2", "单位A2"),
        ("A3", "yellow", C, "A3", "A3", "单位A3")]
    assert lag[1].message == "单位A2 执行率 30.0%，低于序时进度 44.8 个百分点（严重线 20）"


# -- settings -----------------------------------------------------------------------------------------

def test_a_setting_change_is_stored_with_history_and_used(three_agencies):
    engine = three_agencies
    assert {b.entity_code for b in evaluate(engine, D1) if b.rule == "EXEC_LAG"} == {"A1", "A2"}
    new = change_setting(engine, "EXEC_LAG", username="alice", thresholds={"yellow_lag_pp": "5"})
    assert new.thresholds["yellow_lag_pp"] == Decimal("5") and new.enabled
    assert load_settings(engine)["EXEC_LAG"] == new
    [row] = setting_history(engine, "EXEC_LAG")
    assert (row["rule"], row["field"], row["old_value"], row["new_value"], row["username"]) == \
        ("EXEC_LAG", "yellow_lag_pp", "10", "5", "alice")
    # A3's gap of −5 now reaches the yellow line of −5.
    assert {b.entity_code: b.level for b in evaluate(engine, D1) if b.rule == "EXEC_LAG"} == \
        {"A1": "yellow", "A2": "red", "A3": "yellow"}
    # The same value again changes nothing and records nothing.
    change_setting(engine, "EXEC_LAG", username="bob", thresholds={"yellow_lag_pp": 5})
    assert len(setting_history(engine)) == 1

    run(engine, D1)
    change_setting(engine, "EXEC_LAG", username="bob", enabled=False)
    assert [(r["field"], r["old_value"], r["new_value"]) for r in setting_history(engine)][-1] == \
        ("enabled", "true", "false")
    assert not [b for b in evaluate(engine, D1) if b.rule == "EXEC_LAG"]
    run(engine, D1)  # a disabled rule's stored breaches are resolved
    assert exec_lag_rows(engine, open_only=True) == {}


def test_evaluate_with_given_settings_leaves_the_stored_ones(three_agencies):
    engine = three_agencies
    given = {"EXEC_LAG": RuleSetting(True, {"red_lag_pp": 9, "yellow_lag_pp": "4"})}
    got = {b.entity_code: b.level for b in evaluate(engine, D1, given) if b.rule == "EXEC_LAG"}
    assert got == {"A1": "red", "A2": "red", "A3": "yellow"}  # −10 ≤ −9; −5 ≤ −4
    assert load_settings(engine)["EXEC_LAG"].thresholds["red_lag_pp"] == 20


BAD = [
    ("NOPE", {}, "unknown rule"),
    ("EXEC_LAG", {"purple": 1}, "has no threshold 'purple'"),
    ("EXEC_LAG", {"yellow_lag_pp": "abc"}, "yellow_lag_pp) must be a number"),
    ("EXEC_LAG", {"yellow_lag_pp": True}, "yellow_lag_pp) must be a number"),
    ("EXEC_LAG", {"red_lag_pp": -1}, "red_lag_pp) must not be negative"),
    ("EXEC_LAG", {"red_lag_pp": "NaN"}, "red_lag_pp) must be a finite number"),
    ("EXEC_LAG", {"red_lag_pp": math.inf}, "red_lag_pp) must be a finite number"),
    ("EXEC_LAG", {"red_lag_pp": float("nan")}, "red_lag_pp) must be a finite number"),
    ("EXEC_LAG", {"yellow_lag_pp": 25}, "(yellow_lag_pp) = 25 must not be past"),
    ("EXEC_LAG", {"yellow_lag_pp": 5, "red_lag_pp": "4"}, "must not be past"),
    ("DEBT_RATIO", {"orange_ratio": "1.1"}, "(yellow_ratio) = 1.2 must not be past"),
    ("DEBT_RATIO", {"red_ratio": "1.9"}, "(orange_ratio) = 2 must not be past"),
    ("DIRECT_ALLOC_SLOW", {"red_ratio": "1.2"}, "(yellow_ratio) = 1 must not be past"),
    ("SOE_ALR", {"non_industrial_red": "0.69"}, "(non_industrial_yellow) = 0.7 must not be past"),
    ("PROJECT_STALLED", {"idle_days": 2.5}, "idle_days) must be a whole number of days"),
    ("LARGE_CASH", {"yellow_amount": "50000.001"}, "yellow_amount) has at most 2 decimals"),
    ("UNION_PAYMENT", {"keyword": "  "}, "keyword) must be non-empty text"),
    ("UNION_PAYMENT", {"keyword": 5}, "keyword) must be non-empty text"),
]


@pytest.mark.parametrize("rule, thresholds, english", BAD, ids=[f"{r}-{e}" for r, _t, e in BAD])
def test_a_bad_setting_is_refused_and_changes_nothing(engine, rule, thresholds, english):
    before = load_settings(engine)
    with pytest.raises(SettingError) as info:
        change_setting(engine, rule, username="alice", thresholds=thresholds, enabled=False)
    zh, en = str(info.value).split(" / ", 1)
    assert english in en and re.search(r"[\u4e00-\u9fff]", zh), str(info.value)
    assert load_settings(engine) == before and setting_history(engine) == []


def test_a_bad_enabled_flag_is_refused(engine):
    with pytest.raises(SettingError, match="enabled must be true or false"):
        change_setting(engine, "EXEC_LAG", username="alice", enabled="no")
    assert load_settings(engine)["EXEC_LAG"].enabled and setting_history(engine) == []


def test_lines_may_meet_and_move_together(engine):
    change_setting(engine, "EXEC_LAG", username="alice", thresholds={"yellow_lag_pp": 30, "red_lag_pp": 30})
    assert load_settings(engine)["EXEC_LAG"].thresholds == {
        "min_quota": 100000, "yellow_lag_pp": 30, "red_lag_pp": 30}
    assert [r["field"] for r in setting_history(engine)] == ["yellow_lag_pp", "red_lag_pp"]


# -- after every import --------------------------------------------------------------------------------

def contract_files(folder: Path) -> list[Path]:
    """Dimensions of tests/files/contract.py and two payments of 2025-09-15 on
    quota BGT-1, which is not in the store: PAY_NO_QUOTA red on both (their
    amounts differ: no DUPLICATE_PAYMENT), and nothing else."""
    return [*dimension_files(folder),
            write(folder, "payment.csv", PAYMENT_HEADER,
                  [payment("PC1"), payment("PC2", amount="2000.00")])]


def count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def test_rules_run_after_an_import(engine, tmp_path):
    report = import_files(engine, contract_files(tmp_path))
    assert report.rules.as_of == date(2025, 9, 15)  # the latest PAY_DATE
    assert report.rules.counts["PAY_NO_QUOTA"] == {"red": 2}
    assert report.rules_line().startswith("规则评估 / rules evaluated as of 2025-09-15:")
    assert report.rules_error is None
    assert {b.entity_code for b in stored_breaches(engine, rule="PAY_NO_QUOTA")} == {"PC1", "PC2"}
    assert latest_run(engine).data_version == report.data_version


def test_an_import_can_skip_the_rules(engine, tmp_path):
    report = import_files(engine, contract_files(tmp_path), evaluate_rules=False)
    assert report.rules is None and report.rules_line() is None and latest_run(engine) is None


def broken(_ctx):
    raise RuntimeError("boom")


def test_a_failing_rule_does_not_undo_the_import(engine, tmp_path, monkeypatch):
    monkeypatch.setitem(rule_engine.EVALUATORS, "EXEC_LAG", broken)
    report = import_files(engine, contract_files(tmp_path))
    assert count(engine, s.payment) == 2
    assert report.rules is None and report.rules_error == "RuntimeError: boom"
    assert report.lines()[-1] == "规则评估失败 / rule evaluation failed: RuntimeError: boom"
    assert latest_run(engine) is None and stored_breaches(engine) == []


@pytest.fixture
def cli(db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    app = Flask("rules_cli_test")
    register(app)
    return app.test_cli_runner()


def test_cli_import_reports_the_rules(cli, engine, tmp_path):
    result = cli.invoke(args=["import", *map(str, contract_files(tmp_path))])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "payment.csv: payment 2 rows"
    assert "规则评估 / rules evaluated as of 2025-09-15: 2 breaches (red 2, orange 0, yellow 0)" \
        in result.stderr


def test_cli_import_with_a_failing_rule_exits_0(cli, engine, tmp_path, monkeypatch):
    monkeypatch.setitem(rule_engine.EVALUATORS, "EXEC_LAG", broken)
    result = cli.invoke(args=["import", *map(str, contract_files(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "规则评估失败 / rule evaluation failed: RuntimeError: boom" in result.stdout
    assert count(engine, s.payment) == 2


def test_cli_rules_run(cli, engine, tmp_path):
    import_files(engine, contract_files(tmp_path), evaluate_rules=False)
    result = cli.invoke(args=["rules", "run", "--as-of", "2025-09-30"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("规则评估 / rules evaluated as of 2025-09-30: 2 breaches (red 2, orange 0, yellow 0)")
    assert lines[1:] == ["  PAY_NO_QUOTA 无指标支付 / Payment without a quota: red 2"]
    assert latest_run(engine).as_of == date(2025, 9, 30)
    assert cli.invoke(args=["rules", "run"]).exit_code == 0
    assert latest_run(engine).as_of == date(2025, 9, 15)


def test_cli_rules_run_refuses_a_bad_date(cli):
    result = cli.invoke(args=["rules", "run", "--as-of", "2025-02-30"])
    assert result.exit_code == 2
    assert "日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD: '2025-02-30'" in result.output


# -- band() --------------------------------------------------------------------------------------------

BUDGET = 100_000 * 100  # the EXEC_LAG minimum, in fen


@pytest.mark.parametrize("rule, value, context, expected", [
    ("EXEC_LAG", -9.99, {"budget_fen": BUDGET}, "green"),
    ("EXEC_LAG", -10, {"budget_fen": BUDGET}, "yellow"),
    ("EXEC_LAG", -9.9999999999999, {"budget_fen": BUDGET}, "yellow"),  # float noise of −10
    ("EXEC_LAG", (0.5 - 0.6) * 100, {"budget_fen": BUDGET}, "yellow"),   # −9.999999999999998
    ("EXEC_LAG", -19.999, {"budget_fen": BUDGET}, "yellow"),
    ("EXEC_LAG", Decimal("-20"), {"budget_fen": BUDGET}, "red"),
    ("EXEC_LAG", -50, {"budget_fen": BUDGET - 1}, None),                   # below the minimum
    ("EXEC_LAG", None, {"budget_fen": BUDGET}, None),
    ("REVENUE_LAG", -10, {}, "yellow"),
    ("DIRECT_PAY_LAG", -20.0, {}, "red"),
    ("DIRECT_ALLOC_SLOW", 1, {}, "green"),
    ("DIRECT_ALLOC_SLOW", 0.9999, {}, "yellow"),
    ("DIRECT_ALLOC_SLOW", 0.8, {}, "yellow"),
    ("DIRECT_ALLOC_SLOW", 0.7999, {}, "red"),
    ("DEBT_RATIO", 1.1999, {}, "green"),
    ("DEBT_RATIO", 1.2, {}, "yellow"),
    ("DEBT_RATIO", 2, {}, "orange"),
    ("DEBT_RATIO", 3, {}, "red"),
    ("LIABILITY_RATIO", 0.6, {}, "yellow"),
    ("TAX_SHARE_LOW", 0.7, {}, "green"),
    ("TAX_SHARE_LOW", 0.6999, {}, "yellow"),
    ("SOE_ALR", 0.65, {"industry_type": "1"}, "yellow"),
    ("SOE_ALR", 0.70, {"industry_type": "1"}, "red"),
    ("SOE_ALR", 0.70, {"industry_type": "2"}, "yellow"),
    ("SOE_ALR", 0.7499, {"industry_type": "2"}, "yellow"),
    ("SOE_ALR", 0.99, {"industry_type": "3"}, None),
    ("IDLE_ASSETS", 0.1, {}, "green"),
    ("IDLE_ASSETS", 0.1001, {}, "yellow"),
    ("YEAR_END_SURGE", 0.5, {}, "green"),
    ("YEAR_END_SURGE", 0.5001, {}, "red"),
    ("INTEREST_BURDEN", 0.1, {}, "green"),
    ("INTEREST_BURDEN", 0.1000001, {}, "red"),
    ("OTHER_ECON_SHARE", 0.2, {}, "green"),
    ("OTHER_ECON_SHARE", 0.21, {}, "yellow"),
    ("LARGE_CASH", 49_999.99, {}, "green"),
    ("LARGE_CASH", 50_000, {}, "yellow"),
    ("LARGE_CASH", Decimal("200000.00"), {}, "red"),
    ("EXEC_LOW_Q3", 0.6, {"budget_fen": BUDGET}, "green"),
    ("EXEC_LOW_Q3", 0.5999, {"budget_fen": BUDGET}, "red"),
    ("EXEC_LOW_Q3", 0.1, {"budget_fen": BUDGET, "as_of": date(2026, 9, 29)}, None),
    ("EXEC_LOW_Q3", 0.1, {"budget_fen": BUDGET, "as_of": date(2026, 9, 30)}, "red"),
    ("THREE_PUBLIC_OVER", 0, {}, "green"),
    ("THREE_PUBLIC_OVER", 0.01, {}, "red"),
])
def test_band_boundaries(rule, value, context, expected):
    assert band(rule, value, **context) == expected


def test_band_follows_given_settings():
    lenient = {"EXEC_LAG": RuleSetting(True, {"yellow_lag_pp": 15, "red_lag_pp": 30})}
    assert band("EXEC_LAG", -12, lenient, budget_fen=BUDGET) == "green"
    assert band("EXEC_LAG", -12, RuleSetting(True, {"yellow_lag_pp": 12}), budget_fen=BUDGET) == "yellow"
    assert band("EXEC_LAG", -12, {"EXEC_LAG": RuleSetting(False, {})}, budget_fen=BUDGET) is None


def test_band_asks_for_what_it_needs():
    with pytest.raises(TypeError, match="budget_fen"):
        band("EXEC_LAG", -12)
    with pytest.raises(TypeError, match="industry_type"):
        band("SOE_ALR", 0.9)
    with pytest.raises(ValueError, match="unknown rule"):
        band("NOPE", 1)
    with pytest.raises(ValueError, match="has no bands"):
        band("PAY_NO_QUOTA", 1)
