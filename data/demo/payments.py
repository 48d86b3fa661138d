"""Payments (国库集中支付) drawn month by month from a county's plan and written
straight to the file, sorted by date within each month, so memory stays
bounded by one county-month whatever the scale."""
from __future__ import annotations

from datetime import date

from data.demo import catalog as cat
from data.demo.plan import CountyPlan, Line, gov_eco
from data.demo.util import month_end, rng, split_fen, workday_on_or_after, workdays, yuan

HEADER = ["PAY_CERT_ID", "FISCAL_YEAR", "PAY_DATE", "MOF_DIV_CODE", "AGENCY_CODE", "BGT_ID",
          "PRO_CODE", "EXP_FUNC_CODE", "DEP_BGT_ECO_CODE", "GOV_BGT_ECO_CODE", "FUND_TYPE_CODE",
          "PAY_TYPE_CODE", "SET_MODE_CODE", "PAYEE_ACCT_NAME", "PAYEE_ACCT_NO", "USE_DES", "AMOUNT",
          "DIRECT_FUND_CODE", "BOND_CODE"]

_KIND = {
    "30201": "office", "30202": "office", "30218": "material", "30203": "service",
    "30209": "service", "30227": "service", "30213": "construction", "30215": "hotel",
    "30216": "hotel", "30217": "hotel", "30231": "vehicle", "31002": "equipment",
    "31003": "equipment", "31007": "equipment", "31001": "construction", "31005": "construction",
    "31006": "construction", "31204": "agri", "39908": "village", "31009": "village",
    "31012": "person", "30211": "person", "30226": "person", "30304": "person", "30305": "person",
    "30306": "person", "30307": "person", "30308": "person", "30310": "person",
}
_USE = {
    "30201": "办公用品采购", "30202": "资料印刷", "30206": "电费", "30207": "通信及网络费",
    "30209": "物业管理费", "30211": "差旅费报销", "30212": "因公出国(境)费用",
    "30213": "维修维护费", "30215": "会议费", "30216": "培训费", "30217": "公务接待费",
    "30218": "专用材料购置", "30226": "劳务费", "30227": "委托业务费", "30228": "拨付工会经费",
    "30231": "公务用车运行维护费", "30304": "抚恤金发放", "30305": "生活补助发放",
    "30306": "救济费发放", "30307": "医疗救助金发放", "30308": "学生资助金发放",
    "30310": "农业生产补贴发放", "31001": "工程进度款", "31002": "办公设备购置",
    "31003": "专用设备购置", "31005": "工程进度款", "31006": "维修改造工程款",
    "31007": "信息系统建设", "31009": "土地补偿款", "31012": "拆迁补偿款",
    "31201": "资本金注入", "31302": "财政补助资金拨付", "31204": "企业补贴资金", "39908": "村级组织运转补助",
    "30101": "基本工资", "30102": "津贴补贴", "30103": "年终一次性奖金", "30107": "绩效工资",
    "30108": "机关事业单位基本养老保险缴费", "30110": "职工基本医疗保险缴费", "30113": "住房公积金",
}
_CARD = {"30201", "30211", "30215", "30217", "30231"}
_CASH = {"30226", "30306"}


class Payees:
    """A county's fictional suppliers, villages and people, with account numbers."""

    def __init__(self, seed: int, cp: CountyPlan):
        r = rng(seed, cp.code, "payees")
        c = cp.name
        self.fixed = {
            "30205": (f"{c}自来水有限公司", f"1{cp.code}00000001"),
            "30206": (f"国网示范省电力有限公司{c}供电公司", f"1{cp.code}00000002"),
            "30207": (f"中国电信股份有限公司{c}分公司", f"1{cp.code}00000003"),
            "30212": ("示范市国际旅行社有限公司", f"1{cp.code}00000004"),
            "salary": (f"{c}农村商业银行代发工资专户", f"1{cp.code}00000005"),
            "30108": (f"{c}社会保险基金专户", f"1{cp.code}00000006"),
            "30110": (f"{c}医疗保障基金专户", f"1{cp.code}00000007"),
            "30113": (f"示范市住房公积金管理中心{c}管理部", f"1{cp.code}00000008"),
            "31302": (f"{c}社会保障基金财政专户", f"1{cp.code}00000009"),
        }
        n = 8
        self.firms: dict[str, list[tuple[str, str]]] = {}
        for kind in sorted(cat.FIRM_TRADES):
            trades = cat.FIRM_TRADES[kind]
            names = []
            for word in cat.FIRM_WORDS:
                for trade in trades:
                    prefix = c if r.random() < 0.7 else "示范市"
                    names.append(f"{prefix}{word}{trade}")
            r.shuffle(names)
            picked = []
            for name in names[: 10 + len(trades) * 6]:
                n += 1
                picked.append((name, f"1{cp.code}{n:08d}"))
            self.firms[kind] = picked
        self.firms["soe"] = [(name.replace("{c}", c), f"1{cp.code}{8000 + i:08d}")
                             for i, (_s, name, _t, _a, _r) in enumerate(cat.ENTERPRISES)]
        self.villages = []
        for code, tname, _p in cp.townships:
            for word in cat.VILLAGE_WORDS[: 6]:
                n += 1
                self.villages.append((f"{c}{tname}{word}村民委员会", f"1{cp.code}{n:08d}"))
        self.people = []
        for i in range(800):
            name = r.choice(cat.SURNAMES) + r.choice(cat.GIVEN)
            self.people.append((name, f"6217{cp.code}{i:09d}"))

    def pick(self, line: Line, r) -> tuple[str, str]:
        dep = line.dep
        if dep in self.fixed:
            return self.fixed[dep]
        if dep == "30228":
            return f"{line.agency.name}工会委员会", f"1{line.agency.code}28"
        if dep == "31201":
            return r.choice(self.firms["soe"])
        kind = _KIND.get(dep, "service")
        if kind == "person":
            return r.choice(self.people)
        if kind == "village":
            return r.choice(self.villages)
        return r.choice(self.firms[kind])


def _use(line: Line, month: int) -> str:
    text = _USE.get(line.dep, "业务支出")
    if line.mode == "salary":
        return f"{month}月{text}"
    if line.pro is not None:
        return f"{line.pro.name}{text}"
    return text


def _row(cp: CountyPlan, line: Line, when: date, amount: int, payee, use: str, set_mode: str,
         dep: str | None = None, direct: str | None = None):
    dep = dep or line.dep
    pay_type = "1" if amount >= 10_000_000 or line.mode in ("salary", "program") else "2"
    return [when, line.agency.code, line.agency.div, line.bgt_id,
            line.pro.code if line.pro else "", line.func, dep, gov_eco(dep, line.agency.kind),
            line.fund, pay_type, set_mode, payee[0], payee[1], use, amount,
            direct if direct is not None else (line.direct or ""), line.bond or ""]


def _set_mode(dep: str, amount: int, r) -> str:
    if dep in _CARD and amount < 500_000 and r.random() < 0.6:
        return "3"
    if dep in _CASH and amount < 500_000 and r.random() < 0.15:
        return "2"
    return "1"


def _month_rows(cp: CountyPlan, payees: Payees, year: int, month: int, r) -> list[list]:
    as_of = cp.as_of
    horizon = as_of if year == as_of.year else date(year, 12, 31)
    rows: list[list] = []
    for line in cp.lines[year]:
        if line.mode == "none":
            continue
        for e in line.extras:
            if e["date"].month == month and e["date"].year == year:
                rows.append(_extra_row(cp, line, e))
        amount = line.month_amounts.get(month)
        if not amount:
            continue
        if line.mode == "salary":
            when = workday_on_or_after(date(year, month, line.pay_day))
            payee = payees.fixed["salary" if line.dep not in payees.fixed else line.dep]
            rows.append(_row(cp, line, when, amount, payee, _use(line, month), "1"))
            continue
        if line.mode == "program":
            when = workday_on_or_after(date(year, month, line.pay_day))
            use = f"{month}月{cat.PROGRAMS[line.program][0]}"
            for name, account, monthly in line.persons:
                rows.append(_row(cp, line, when, monthly, (name, account), use, "1"))
            continue
        first = max(line.doc_date, date(year, month, 1))
        last = min(horizon, line.stop or horizon, month_end(year, month))
        days = workdays(first, last)
        k = line.month_counts[month]
        if line.piece_cap:
            weights = [r.uniform(0.9, 1.1) for _ in range(k)]
        else:
            weights = [r.lognormvariate(0, 0.7) for _ in range(k)]
        use = _use(line, month)
        late = days[-7:]
        for piece in split_fen(amount, weights):
            if piece == 0:
                continue
            when = r.choice(late) if r.random() < 0.55 else r.choice(days)
            payee = payees.pick(line, r)
            set_mode = _set_mode(line.dep, piece, r)
            if piece >= 500_000 and r.random() < 0.004:
                refund = piece // r.randrange(4, 10)
                back = [d for d in days if d > when]
                if back:
                    rows.append(_row(cp, line, when, piece + refund, payee, use, set_mode))
                    rows.append(_row(cp, line, r.choice(back), -refund, payee, f"退回{use}", "1"))
                    continue
            rows.append(_row(cp, line, when, piece, payee, use, set_mode))
    for agency, e in cp.free_payments:
        if e["date"].month == month and e["date"].year == year:
            rows.append(_free_row(cp, agency, e, year))
    return rows


def _extra_row(cp: CountyPlan, line: Line, e: dict) -> list:
    row = _row(cp, line, e["date"], e["amount"], (e["payee"], e["account"]), e["use"],
               e["set_mode"], dep=e["dep"], direct=e["direct"])
    row.append(e["n"])
    return row


def _free_row(cp: CountyPlan, agency, e: dict, year: int) -> list:
    dep = e["dep"]
    return [e["date"], agency.code, agency.div, e["bgt_id"] or "", "", agency.func, dep,
            gov_eco(dep, agency.kind), "1", "2", e["set_mode"], e["payee"], e["account"], e["use"],
            e["amount"], "", "", e["n"]]


def write_payments(out, cp: CountyPlan, seed: int) -> None:
    """Append the county's payments of both years to the open payment file."""
    from data.demo import planted as pl

    payees = Payees(seed, cp)
    for year in sorted(cp.lines):
        last_month = 12 if year < cp.as_of.year else cp.as_of.month
        seq = 0
        for month in range(1, last_month + 1):
            r = rng(seed, cp.code, "pay", year, month)
            rows = _month_rows(cp, payees, year, month, r)
            rows.sort(key=lambda row: (row[0], row[1], row[3]))
            batch = []
            for row in rows:
                if len(row) == 18:
                    pay_cert = pl.cert(year, row[17])
                else:
                    seq += 1
                    pay_cert = f"{year}{cp.code}{seq:09d}"
                (when, agency, div, bgt_id, pro, func, dep, gov, fund, pay_type, set_mode,
                 name, account, use, amount, direct, bond) = row[:17]
                batch.append((pay_cert, year, when.isoformat(), div, agency, bgt_id, pro, func, dep,
                              gov, fund, pay_type, set_mode, name, account, use, yuan(amount),
                              direct, bond))
            out.write_many(batch)
