"""The planted cases: one table, used by the generator to plant them, by the
tests to check them and by docs/demo.md to describe them.

Entity codes are for the demo county 990121 示范县 and the given as-of date;
every case holds as of `DEFAULT_AS_OF` (several also hold for other dates).
`kind` is "planted" for a deliberate case, "consequence" for a warning that a
planted case causes elsewhere, and "control" for a near miss that must stay green.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from data.demo.catalog import DEMO_COUNTY

C = DEMO_COUNTY


@dataclass(frozen=True)
class Case:
    rule: str
    level: str           # yellow | orange | red | green (a control)
    entity_type: str
    entity: str
    what: str
    kind: str = "planted"


# Stable identifiers the generator gives the planted records.
def bgt(year: int, agency: str, n: int) -> str:
    return f"{year}{agency}{9000 + n}"


def cert(year: int, n: int) -> str:
    return f"{year}{C}9{n:08d}"


AG = {
    "people_congress": f"{C}101", "finance": f"{C}106", "police": f"{C}114",
    "education": f"{C}118", "exp_school": f"{C}118003", "hrss": f"{C}121",
    "civil": f"{C}122", "health": f"{C}125", "hospital": f"{C}125001",
    "housing": f"{C}128", "construction_center": f"{C}128001", "agri": f"{C}130",
    "transport": f"{C}133", "gov_services": f"{C}138",
    "t1_gov": f"{C}001001", "t3_school": f"{C}003002",
}
TOWN = {1: f"{C}001", 2: f"{C}002", 3: f"{C}003"}
PROJ = {
    "stalled": f"{AG['agri']}0001",          # 高标准农田建设
    "surge": f"{AG['gov_services']}0002",    # 机关办公设备集中更新
    "other_econ": f"{AG['police']}0003",     # 警务辅助保障
    "idle_bond": f"{AG['construction_center']}0092",
}
BOND = {"due_soon": f"{C}9001", "overdue": f"{C}9002", "idle": f"{C}9003"}
SOE = {"ind_yellow": f"QY{C}04", "ind_red": f"QY{C}06", "non_yellow": f"QY{C}09",
       "non_red": f"QY{C}20", "loss": f"QY{C}12", "financial": f"QY{C}22"}

# Targets the generator plants (fractions; gaps in percentage points).
EXEC_GAP = {AG["transport"]: -14.0, AG["agri"]: -24.0}
EXEC_RATE = {AG["housing"]: 0.50}
DIRECT_ALLOC = {"ZD004": 0.88, "ZD005": 0.62}
DIRECT_PAID = {"ZD003": 0.76, "ZD004": 0.97 * 0.88, "ZD005": 0.50 * 0.62}
# A township's share of a direct fund paid slowly while the county's total is on time.
DIRECT_TOWNSHIP_PAID = {"ZD001": (TOWN[3], 0.40)}
DEBT_RATIO = 1.38
LIABILITY_RATIO = 0.63
SPECIAL_LIMIT_FACTOR = 0.97          # special debt limit / special balance
SPECIAL_INTEREST_SHARE = 0.13        # special interest due this year / fund expenditure
ALR = {SOE["ind_yellow"]: 0.675, SOE["ind_red"]: 0.728, SOE["non_yellow"]: 0.716,
       SOE["non_red"]: 0.789, SOE["financial"]: 0.86}
IDLE_SHARE = 0.17
STALE_MONTHS = 3                     # months of revenue missing before the as-of month
REVENUE_LAG_RATIO = 0.85             # yearly collection / budget of the lagging township
TAX_SHARE = 0.60


def due_soon_date(as_of: date) -> date:
    return as_of + timedelta(days=12)


def overdue_date(as_of: date) -> date:
    return as_of - timedelta(days=25)


def planted_cases(as_of: date) -> list[Case]:
    y = as_of.year
    return [
        Case("EXEC_LAG", "yellow", "agency", AG["transport"],
             "县交通运输局: 农村公路 and 养护 projects paid slowly; execution rate ≈ time progress − 14 pp"),
        Case("EXEC_LAG", "red", "agency", AG["agri"],
             "县农业农村局: slow projects plus the stalled 高标准农田 project; rate ≈ time progress − 24 pp"),
        Case("EXEC_LOW_Q3", "red", "agency", AG["housing"],
             "县住房和城乡建设局: execution rate ≈ 50% after 30 September"),
        Case("EXEC_LAG", "red", "agency", AG["housing"],
             "the same agency's 50% rate is also ≥ 20 pp behind time", "consequence"),
        Case("PROJECT_STALLED", "yellow", "project", PROJ["stalled"],
             "高标准农田建设: quota 12,000,000 issued in January/February, half paid by summer, nothing in the last 100 days"),
        Case("YEAR_END_SURGE", "red", "project", PROJ["surge"],
             "机关办公设备集中更新: quota 1,500,000; 62% of it paid in November"),
        Case("PAY_OVER_QUOTA", "red", "quota", bgt(y, AG["police"], 1),
             "执法办案 quota: own amount A, a −20% adjustment names it (ORI_BGT_ID), payments 0.87·A; excess 0.07·A"),
        Case("PAY_OVER_QUOTA", "green", "quota", bgt(y, AG["education"], 3),
             "教师培训 quota: payments 1.15·A exceed the own amount but not A + 30% adjustment", "control"),
        Case("PAY_NO_QUOTA", "red", "payment", cert(y, 1),
             "县卫生健康局: payment of 38,600.00 with an empty BGT_ID"),
        Case("PAY_NO_QUOTA", "red", "payment", cert(y, 2),
             f"县民政局: payment of 12,450.00 naming BGT_ID {y}{AG['civil']}8888, which does not exist"),
        Case("SELF_TRANSFER", "yellow", "payment", cert(y, 3),
             "县财政局 pays 350,000.00 to the payee 示范县财政局 (its own name)"),
        Case("SELF_TRANSFER", "red", "payment", cert(y, 4),
             "县民政局 pays 120,000.00 of direct fund ZD002 to the payee 示范县民政局"),
        Case("LARGE_CASH", "yellow", "payment", cert(y, 5),
             "县人民医院: 68,000.00 in cash (SET_MODE_CODE 2)"),
        Case("LARGE_CASH", "red", "payment", cert(y, 6),
             "城关街道 (990121001) 人民政府: 260,000.00 in cash for 青苗补偿"),
        Case("DUPLICATE_PAYMENT", "yellow", "payment", cert(y, 8),
             "县实验小学: 46,850.00 to the same supplier account twice, two days apart (the later one flags)"),
        Case("UNION_PAYMENT", "yellow", "payment", cert(y, 9),
             "县教育局: 86,000.00 to 示范县教育工会委员会 (other 工会经费 payments stay ≤ 10,000)"),
        Case("OTHER_ECON_SHARE", "yellow", "project", PROJ["other_econ"],
             "警务辅助保障: 45% of the project's quota on 30299 其他商品和服务支出"),
        Case("THREE_PUBLIC_OVER", "red", "agency", AG["health"],
             "县卫生健康局: 公务接待 payments charged to the office-expense quota push 三公 payments over the 三公 quotas"),
        Case("REVENUE_LAG", "yellow", "mof_div", TOWN[2],
             "township 990121002 collects at 85% of its budget's pace (≈ −15 pp)"),
        Case("TAX_SHARE_LOW", "yellow", "mof_div", TOWN[3],
             "township 990121003: tax revenue is 60% of its general-budget revenue (large 国有资源有偿使用收入)"),
        Case("DATA_STALE", "yellow", "revenue", f"revenue@{TOWN[1]}",
             "township 990121001 stops reporting revenue three months before the as-of month"),
        Case("REVENUE_LAG", "yellow", "mof_div", TOWN[1],
             "the missing months leave the stale township ≈ 18 pp behind", "consequence"),
        Case("DIRECT_ALLOC_SLOW", "yellow", "direct_fund", f"ZD004@{C}",
             "就业补助资金: received in June, 88% allocated to quotas"),
        Case("DIRECT_ALLOC_SLOW", "red", "direct_fund", f"ZD005@{C}",
             "衔接推进乡村振兴补助资金: received in July, 62% allocated"),
        Case("DIRECT_PAY_LAG", "red", "direct_fund", f"ZD005@{C}",
             "only 31% of the received amount paid", "consequence"),
        Case("DIRECT_PAY_LAG", "yellow", "direct_fund", f"ZD003@{C}",
             "基本公共卫生服务补助资金: fully allocated, 76% of the received amount paid"),
        Case("DIRECT_PAY_LAG", "red", "direct_fund", f"ZD001@{TOWN[3]}",
             "义务教育补助经费: township 990121003's school pays 40% of its share"),
        Case("DIRECT_PAY_LAG", "green", "direct_fund", f"ZD001@{C}",
             "the county's ZD001 as a whole (its townships included) stays on time", "control"),
        Case("DEBT_RATIO", "yellow", "mof_div", C,
             "debt balance / 综合财力 = 138%"),
        Case("LIABILITY_RATIO", "yellow", "mof_div", C,
             "debt balance / GDP = 63%"),
        Case("DEBT_OVER_LIMIT", "red", "mof_div_debt_type", f"{C}:2",
             "special-debt balance exceeds the special limit by ≈ 3%"),
        Case("INTEREST_BURDEN", "red", "mof_div_debt_type", f"{C}:2",
             "special-bond interest due this year ≈ 13% of 政府性基金预算支出"),
        Case("DEBT_DUE_SOON", "yellow", "debt_service", f"{BOND['due_soon']}@{due_soon_date(as_of)}",
             "a 5-year general bond matures 12 days after the as-of date, unpaid"),
        Case("DEBT_OVERDUE", "red", "debt_service", f"{BOND['overdue']}@{overdue_date(as_of)}",
             "a special bond's interest was due 25 days before the as-of date and is unpaid"),
        Case("BOND_FUNDS_IDLE", "yellow", "bond_project", f"{BOND['idle']}/{PROJ['idle_bond']}",
             "产业园区标准厂房: special bond issued last spring, 22% spent"),
        Case("SOE_ALR", "yellow", "enterprise", SOE["ind_yellow"], "industrial, ALR 67.5%"),
        Case("SOE_ALR", "red", "enterprise", SOE["ind_red"], "industrial, ALR 72.8%"),
        Case("SOE_ALR", "yellow", "enterprise", SOE["non_yellow"], "non-industrial (城投), ALR 71.6%"),
        Case("SOE_ALR", "red", "enterprise", SOE["non_red"], "non-industrial, ALR 78.9%"),
        Case("SOE_ALR", "green", "enterprise", SOE["financial"],
             "financial enterprise (INDUSTRY_TYPE 3) with ALR 86%: not evaluated", "control"),
        Case("SOE_LOSS", "yellow", "enterprise", SOE["loss"],
             "公共交通有限公司: cumulative profit negative in the latest period"),
        Case("IDLE_ASSETS", "yellow", "agency", AG["t3_school"],
             "township 990121003 中心学校: idle buildings after school consolidation, idle/net ≈ 17%"),
    ]


def markdown_table(as_of: date) -> str:
    lines = ["| rule | level | entity | what was planted | kind |", "|---|---|---|---|---|"]
    for c in planted_cases(as_of):
        lines.append(f"| {c.rule} | {c.level} | `{c.entity}` | {c.what} | {c.kind} |")
    return "\n".join(lines)


BEGIN, END = "<!-- planted cases: generated by `python -m data.demo.planted` -->", "<!-- end of planted cases -->"


def update_docs(path) -> None:
    """Rewrite the planted-case table between the markers of docs/demo.md."""
    from pathlib import Path

    from data.demo import DEFAULT_AS_OF

    path = Path(path)
    text = path.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    _old, tail = rest.split(END, 1)
    path.write_text(f"{head}{BEGIN}\n{markdown_table(DEFAULT_AS_OF)}\n{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    from pathlib import Path

    update_docs(Path(__file__).resolve().parents[2] / "docs" / "demo.md")
