"""The warning rules of SPEC §2: what each rule is, its thresholds with their
defaults, its basis and its explanation. This is the only place that holds a
threshold; the evaluations (one module per area) read them from the settings
in force, which start from the defaults here.

Every numeric threshold is a non-negative number: lags are kept as positive
percentage points (a gap crosses a lag line L when gap ≤ −L), ratios as
fractions, money in yuan, periods in days.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from data.i18n import N_, _, ngettext
from data.rules import links
from data.rules.grading import LEVEL_ORDER

ENTITY_TYPES = ("agency", "project", "quota", "payment", "mof_div", "direct_fund_region",
                "region_debt_type", "debt_service", "bond_project", "enterprise",
                "dataset_region")
AREAS = ("execution", "revenue", "payments", "direct", "debt", "assets", "data")
UNITS = ("pp", "ratio", "yuan", "days", "text")

# SOE_ALR grades industrial and non-industrial enterprises on their own lines;
# financial enterprises (INDUSTRY_TYPE 3) are not evaluated.
SOE_LINE_GROUPS = {"1": "industrial", "2": "non_industrial"}


@dataclass(frozen=True)
class Threshold:
    """A setting of a rule. One with a `level` is a line: a value crossing it
    (by `op`) is at least that level; lines of one `group` must stay in order
    (yellow, then orange, then red, in the direction of `op`)."""

    key: str
    label_zh: str
    unit: str
    default: Decimal | str
    level: str | None = None
    op: str | None = None
    group: str = ""

    @property
    def label(self) -> str:
        return _(self.label_zh)

    @property
    def worse(self) -> str | None:
        """'higher' or 'lower': which way of the line is worse; None for a parameter."""
        if self.op is None:
            return None
        return "lower" if self.op in ("<", "<=") else "higher"


@dataclass(frozen=True)
class FixedLine:
    """A line that is part of the rule's definition, not a setting (an excess over 0)."""

    level: str
    op: str
    value: Decimal


@dataclass(frozen=True)
class Rule:
    """A rule's texts (name_zh, value_zh, basis, formula_zh, explain_zh and its
    thresholds' label_zh) are the Chinese source strings of the catalog: show
    them through `_()`, or `name`, `explain` and Threshold.label, which do."""

    id: str
    name_zh: str
    entity_type: str
    area: str
    levels: tuple[str, ...]
    value_unit: str | None      # unit of Breach.value
    value_zh: str               # what Breach.value is
    thresholds: tuple[Threshold, ...]
    basis: str
    formula_zh: str             # {key} placeholders: see formula()
    explain_zh: str
    link_to: Callable = field(repr=False, compare=False)
    fixed_lines: tuple[FixedLine, ...] = ()
    minimum: str | None = None  # key of the minimum quota below which an entity is not evaluated

    @property
    def name(self) -> str:
        return _(self.name_zh)

    @property
    def explain(self) -> str:
        return _(self.explain_zh)

    def threshold(self, key: str) -> Threshold:
        for t in self.thresholds:
            if t.key == key:
                return t
        raise KeyError(key)

    def defaults(self) -> dict[str, Decimal | str]:
        return {t.key: t.default for t in self.thresholds}

    def lines(self, group: str = "") -> list[Threshold]:
        """The threshold lines of one group, worst level first."""
        return sorted((t for t in self.thresholds if t.level and t.group == group),
                      key=lambda t: LEVEL_ORDER[t.level])

    def lines_zh(self, thresholds: dict | None = None) -> str:
        """The lines in force, mildest first, as a short phrase for a tooltip or
        a caption, in the current language:
        `关注线：落后序时进度 10 个百分点；严重线：落后序时进度 20 个百分点`."""
        values = {**self.defaults(), **(thresholds or {})}
        lines = sorted((t for t in self.thresholds if t.level),
                       key=lambda t: (t.group, -LEVEL_ORDER[t.level]))
        return _("；").join(f"{t.label} {show(t.unit, values[t.key])}" for t in lines)

    def formula(self, thresholds: dict | None = None) -> str:
        """formula_zh in the current language with the thresholds in force
        (default: the defaults)."""
        values = {**self.defaults(), **(thresholds or {})}
        return _(self.formula_zh).format(**{t.key: show(t.unit, values[t.key]) for t in self.thresholds})

    def link(self, breach) -> tuple[str, dict[str, str]]:
        """The page path and URL query parameters that show the breach's entity."""
        return self.link_to(breach)


def show(unit: str, value) -> str:
    """A threshold as people read it, in the current language."""
    if unit == "text":
        return _("「{value}」").format(value=value)
    d = Decimal(value)
    if unit == "ratio":
        return f"{plain(d * 100)}%"
    if unit == "pp":
        return _("{value} 个百分点").format(value=plain(d))
    if unit == "yuan":
        return _("{amount} 元").format(amount=f"{d:,.2f}".rstrip("0").rstrip("."))
    return ngettext("{n} 天", "{n} 天", int(d)).format(n=plain(d))


def plain(d: Decimal) -> str:
    """A Decimal without exponent or trailing zeros."""
    text = f"{d:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _t(key, zh, unit, default, level=None, op=None, group=""):
    return Threshold(key, zh, unit, default if unit == "text" else Decimal(default),
                     level, op, group)


def _min_quota():
    return _t("min_quota", N_("最低指标额"), "yuan", "100000")


def _lags():
    return (_t("yellow_lag_pp", N_("关注线：落后序时进度"), "pp", "10", "yellow", "<=-"),
            _t("red_lag_pp", N_("严重线：落后序时进度"), "pp", "20", "red", "<=-"))


def _grace():
    return _t("grace_days", N_("下达后宽限天数"), "days", "30")


_RED = ("red",)
_YELLOW = ("yellow",)
_YELLOW_RED = ("yellow", "red")

_RULES = [
    Rule(
        "EXEC_LAG", N_("预算执行进度滞后"), "agency", "execution",
        _YELLOW_RED, "pp", N_("执行率减序时进度（百分点，负数为落后）"),
        (_min_quota(), *_lags()),
        N_("人大预算联网监督的通行做法：以序时进度衡量预算执行，执行明显落后的单位列入关注（阈值可由工作人员调整）。"),
        N_("执行率 = 当年截至评估日的支付额 ÷ 当年截至评估日下达的指标额；差距 =（执行率 − 序时进度）× 100。"
           "差距 ≤ −{yellow_lag_pp} 为关注，≤ −{red_lag_pp} 为严重；指标额不足 {min_quota} 的单位不评估。"
           "序时进度 = 评估日是当年第几天 ÷ 当年天数。"),
        N_("预算批下来后，钱应当随着时间大体均衡地花出去。某个单位花钱的进度明显落后于时间进度，"
           "往往说明项目没有按计划推进，年底容易突击花钱，或者资金沉淀闲置。代表可以询问落后的原因和后续安排。"),
        links.agency(), minimum="min_quota"),
    Rule(
        "EXEC_LOW_Q3", N_("三季度末执行率偏低"), "agency", "execution",
        _RED, "ratio", N_("执行率（已支付 ÷ 已下达指标）"),
        (_min_quota(),
         _t("red_rate", N_("严重线：执行率低于"), "ratio", "0.6", "red", "<")),
        N_("朔州市财政局预算执行管理的做法：到三季度末（9 月 30 日）支出进度应达到 60%，达不到的单位重点督促。"),
        N_("评估日在 9 月 30 日或之后时，执行率 = 当年截至评估日的支付额 ÷ 下达的指标额，"
           "低于 {red_rate} 为严重；指标额不足 {min_quota} 的单位不评估。"),
        N_("到了三季度末，一年已经过去四分之三，正常情况下大部分预算应已支出。执行率仍然很低的单位，"
           "到年底要么花不完，要么集中突击花钱，都会影响资金效益。"),
        links.agency(), minimum="min_quota"),
    Rule(
        "PROJECT_STALLED", N_("项目长期未执行"), "project", "execution",
        _YELLOW, "days", N_("评估日距最近一笔支付（无支付时距首次下达指标）的天数"),
        (_min_quota(),
         _t("idle_days", N_("无支付天数"), "days", "90", "yellow", ">=")),
        N_("湖北省预算执行在线监控的做法：指标下达后长期没有支付的项目列为关注。"),
        N_("项目当年已下达指标合计不少于 {min_quota}，首次下达已满 {idle_days}，"
           "且最近 {idle_days}（截至评估日，含当天）没有任何支付，为关注。"),
        N_("钱已经安排给项目，却长时间一分没花，说明项目可能停工、没有开工或者前期准备不足。"
           "资金趴在账上既办不成事，也可能年底被收回或突击使用。"),
        links.project(), minimum="min_quota"),
    Rule(
        "YEAR_END_SURGE", N_("年底突击花钱"), "project", "execution",
        _RED, "ratio", N_("11—12 月支付额 ÷ 项目全年指标"),
        (_t("red_share", N_("严重线：11—12 月支付占比超过"), "ratio", "0.5", "red", ">"),),
        N_("审计署计算机审计方法 A0110（年底突击花钱）。"),
        N_("项目当年 11 月、12 月（截至评估日）的支付额 ÷ 项目当年截至评估日的指标额，超过 {red_share} 为严重。"),
        N_("一个项目全年的钱大半集中在最后两个月花出去，常见的原因是前期拖延、年底怕资金被收回而赶着花。"
           "这样花钱容易出现浪费、验收不实或者虚列支出，代表可以追问这些支出是否确有必要。"),
        links.project("yearend")),
    Rule(
        "PAY_OVER_QUOTA", N_("超指标支付"), "quota", "payments",
        _RED, "yuan", N_("支付额超出可用指标的金额（元）"),
        (),
        N_("预算管理一体化“先有预算、后有支出”：每笔支出都要在已下达的指标额度内支付。"),
        N_("同一指标编号下当年截至评估日的支付合计 > 可用指标（本指标金额 + 原指标编号指向它的调整指标金额）为严重。"),
        N_("预算指标是花钱的“额度”。支付超过了额度，说明花钱没有按批准的预算执行，是预算约束失效的直接表现。"),
        links.quota, fixed_lines=(FixedLine("red", ">", Decimal(0)),)),
    Rule(
        "PAY_NO_QUOTA", N_("无指标支付"), "payment", "payments",
        _RED, "yuan", N_("支付金额（元）"),
        (),
        N_("预算管理一体化“先有预算、后有支出”：没有指标不得支付。"),
        N_("支付凭证没有填写指标编号，或者填写的指标编号在库中不存在（任何年度），为严重。"),
        N_("每一笔财政支出都应当对应一个已批准的预算指标。找不到指标的支付，等于花了预算之外的钱，需要查清资金来源和审批依据。"),
        links.payment),
    Rule(
        "SELF_TRANSFER", N_("向本单位账户转款"), "payment", "payments",
        _YELLOW_RED, "yuan", N_("支付金额（元）"),
        (),
        N_("审计署计算机审计方法 A0108（向本单位转款），以及直达资金不得转入本单位账户“过桥”的管理要求。"),
        N_("收款人名称（去掉首尾空格）与付款单位名称相同为关注；该笔支付使用直达资金的为严重。"),
        N_("财政资金应当直接付给实际收款的企业或个人。转到本单位自己的账户，资金就脱离了国库监控，"
           "可能被挪作他用或者变相沉淀；直达资金这样做尤其不允许。"),
        links.payment),
    Rule(
        "LARGE_CASH", N_("大额现金支付"), "payment", "payments",
        _YELLOW_RED, "yuan", N_("支付金额（元）"),
        (_t("yellow_amount", N_("关注线：现金金额不低于"), "yuan", "50000", "yellow", ">="),
         _t("red_amount", N_("严重线：现金金额不低于"), "yuan", "200000", "red", ">=")),
        N_("现金提取和大额现金支付监控的通行做法（阈值可由工作人员调整）。"),
        N_("结算方式为现金（SET_MODE_CODE 2）的支付，金额不低于 {yellow_amount} 为关注，不低于 {red_amount} 为严重。"),
        N_("公务支出原则上通过转账或公务卡支付，留下清楚的记录。大额现金难以追踪去向，是资金被挪用、套取的常见渠道。"),
        links.payment),
    Rule(
        "DUPLICATE_PAYMENT", N_("疑似重复支付"), "payment", "payments",
        _YELLOW, "days", N_("与之前同额支付相隔的天数"),
        (_t("window_days", N_("间隔天数不超过"), "days", "3", "yellow", "<="),),
        N_("设计提案：同一单位短时间内向同一收款人支付相同金额，疑似重复支付。"),
        N_("同一单位、同一收款人（两笔都有收款账号时比账号，否则比收款人名称）、同一金额，"
           "支付日期比之前一笔晚不超过 {window_days}（同一天的以凭证号大者为后一笔），后一笔为关注。"),
        N_("同一笔钱在几天内向同一个收款人付了两次，可能是操作失误，也可能是有人故意重复报销、重复付款。需要核实是否确有两笔业务。"),
        links.payment),
    Rule(
        "UNION_PAYMENT", N_("向工会转款"), "payment", "payments",
        _YELLOW, "yuan", N_("支付金额（元）"),
        (_t("keyword", N_("关键词"), "text", "工会"),  # i18n: data (matched in payees and purposes)
         _t("min_amount", N_("关注线：金额超过"), "yuan", "10000", "yellow", ">")),
        N_("审计署计算机审计方法 A0109（向工会转款）。"),
        N_("收款人名称或用途中含有 {keyword}，且金额超过 {min_amount}，为关注。"),
        N_("工会经费有规定的来源和比例。财政资金大额转给工会，可能是借工会名义发放福利或者转移资金，需要看是否有正当依据。"),
        links.payment),
    Rule(
        "OTHER_ECON_SHARE", N_("预算编制不细化"), "project", "execution",
        _YELLOW, "ratio", N_("“其他”类经济科目指标 ÷ 项目指标"),
        (_t("yellow_share", N_("关注线：“其他”科目占比超过"), "ratio", "0.2", "yellow", ">"),),
        N_("审计署计算机审计方法 A0129（预算编制不细化）。"),
        N_("项目当年截至评估日的指标中，部门经济科目以 99 结尾（“其他……支出”）的金额 ÷ 项目指标额，超过 {yellow_share} 为关注。"),
        N_("预算应当写清楚钱花在什么上面。大量挂在“其他支出”科目下，说明预算编得粗，代表和公众看不清钱的用途，也不便于监督。"),
        links.project()),
    Rule(
        "THREE_PUBLIC_OVER", N_("三公经费超预算"), "agency", "execution",
        _RED, "yuan", N_("三公支付额减三公指标额（元）"),
        (),
        N_("三公经费（因公出国（境）、公务接待、公务用车购置及运行维护）实行预算总额控制。"),
        N_("单位当年截至评估日在 30212、30217、30231、31013 四个科目上的支付合计 > 同四个科目上的指标合计，为严重。"),
        N_("“三公”经费是群众最关心的公务开支，必须控制在预算之内。超支说明单位没有守住厉行节约的要求。"),
        links.agency("three"), fixed_lines=(FixedLine("red", ">", Decimal(0)),)),
    Rule(
        "REVENUE_LAG", N_("收入进度滞后"), "mof_div", "revenue",
        _YELLOW_RED, "pp", N_("收入完成率减序时进度（百分点，负数为落后）"),
        _lags(),
        N_("人大预算联网监督的通行做法：以序时进度衡量收入预算完成情况。"),
        N_("一般公共预算收入（资金性质 1）当年截至评估日所属期的累计数 ÷ 当年收入预算（各阶段合计），"
           "减去序时进度；落后 {yellow_lag_pp} 为关注，落后 {red_lag_pp} 为严重。含下级区划。"),
        N_("收入完成的比例落后于一年过去的比例，全年收入预算就可能完不成。"
           "收入短收，已经安排的支出就可能没有着落，需要及早研究增收或者压减支出的措施。"),
        links.revenue),
    Rule(
        "TAX_SHARE_LOW", N_("税收占比偏低"), "mof_div", "revenue",
        _YELLOW, "ratio", N_("税收收入 ÷ 一般公共预算收入"),
        (_t("yellow_share", N_("关注线：税收占比低于"), "ratio", "0.7", "yellow", "<"),),
        N_("收入质量分析的通行做法：税收占比反映财政收入的质量（阈值可由工作人员调整）。"),
        N_("当年截至评估日所属期的税收收入（收入科目 101 开头）÷ 一般公共预算收入，低于 {yellow_share} 为关注。含下级区划。"),
        N_("税收是最稳定、最可持续的收入。税收占比低，说明收入更多靠罚没、资源出让等一次性收入，质量不高，也可能存在虚增收入。"),
        links.revenue),
    Rule(
        "DIRECT_ALLOC_SLOW", N_("直达资金分配滞后"), "direct_fund_region", "direct",
        _YELLOW_RED, "ratio", N_("已分配（下达指标）÷ 上级下达金额"),
        (_grace(),
         _t("yellow_ratio", N_("关注线：分配率低于"), "ratio", "1", "yellow", "<"),
         _t("red_ratio", N_("严重线：分配率低于"), "ratio", "0.8", "red", "<")),
        N_("直达资金“快速直达、精准直达”的要求：收到后要及时分配下达到单位和项目。"),
        N_("本区划及下级收到已超过 {grace_days} 的直达资金，带该资金代码的指标（同一范围）÷ 这些收到金额，"
           "低于 {yellow_ratio} 为关注，低于 {red_ratio} 为严重。"),
        N_("直达资金是中央直接下达、用于惠企利民的钱，要求尽快落实到具体单位和项目。迟迟分不下去，钱就到不了老百姓和企业手里。"),
        links.direct_fund),
    Rule(
        "DIRECT_PAY_LAG", N_("直达资金支出滞后"), "direct_fund_region", "direct",
        _YELLOW_RED, "pp", N_("支出率减序时进度（百分点，负数为落后）"),
        (_grace(), *_lags()),
        N_("直达资金按月监控支出进度的做法。"),
        N_("本区划及下级收到已超过 {grace_days} 的直达资金，带该资金代码的当年支付（同一范围）÷ 这些收到金额，"
           "减去序时进度；落后 {yellow_lag_pp} 为关注，落后 {red_lag_pp} 为严重。"),
        N_("直达资金分下去之后还要真正花出去。支出明显慢于时间进度，说明资金在单位账上沉淀，没有及时发挥作用。"),
        links.direct_fund),
    Rule(
        "DEBT_RATIO", N_("债务率"), "mof_div", "debt",
        ("yellow", "orange", "red"), "ratio", N_("债务余额 ÷ 综合财力"),
        (_t("yellow_ratio", N_("关注线：债务率不低于"), "ratio", "1.2", "yellow", ">="),
         _t("orange_ratio", N_("预警线：债务率不低于"), "ratio", "2", "orange", ">="),
         _t("red_ratio", N_("严重线：债务率不低于"), "ratio", "3", "red", ">=")),
        N_("财政部地方政府债务风险评估和预警的分档做法（2019）。"),
        N_("评估日的债务余额（含下级区划）÷ 本区划当年综合财力，不低于 {yellow_ratio} 为关注，"
           "不低于 {orange_ratio} 为预警，不低于 {red_ratio} 为严重；没有本区划综合财力数据的不评估。"),
        N_("债务率衡量政府欠的债和一年可用财力的比例。比例越高，还债压力越大，挤占教育、医疗等正常支出的风险越大。"),
        links.debt_region),
    Rule(
        "LIABILITY_RATIO", N_("负债率"), "mof_div", "debt",
        _YELLOW, "ratio", N_("债务余额 ÷ 地区生产总值"),
        (_t("yellow_ratio", N_("关注线：负债率不低于"), "ratio", "0.6", "yellow", ">="),),
        N_("国际通行的政府负债率 60% 警戒线。"),
        N_("评估日的债务余额（含下级区划）÷ 本区划当年地区生产总值，不低于 {yellow_ratio} 为关注；没有本区划数据的不评估。"),
        N_("负债率把政府债务和当地经济总量相比。超过警戒线，说明债务规模相对经济实力偏大。"),
        links.debt_region),
    Rule(
        "DEBT_OVER_LIMIT", N_("债务余额超限额"), "region_debt_type", "debt",
        _RED, "yuan", N_("该类债务余额（元）；阈值为限额"),
        (),
        N_("地方政府债务限额管理：债务余额不得突破人大批准的限额。"),
        N_("评估日某类债务（一般债务、专项债务）余额（含下级区划）> 本区划当年该类债务限额，为严重。"),
        N_("债务限额由人大批准，是政府举债的“天花板”。余额超过限额就是违规举债。"),
        links.debt_type),
    Rule(
        "INTEREST_BURDEN", N_("付息支出占比"), "region_debt_type", "debt",
        _RED, "ratio", N_("当年应付利息 ÷ 对应支出"),
        (_t("red_share", N_("严重线：利息占比超过"), "ratio", "0.1", "red", ">"),),
        N_("国办函〔2016〕88 号：专项债务付息支出超过政府性基金预算支出 10%、一般债务付息支出超过一般公共预算支出 10% 的，启动财政重整计划。"),
        N_("当年应付的一般债务利息（含下级区划的债券）÷ 本区划一般公共预算支出，或专项债务利息 ÷ 政府性基金预算支出，"
           "超过 {red_share} 为严重。"),
        N_("利息是必须按时支付的硬支出。利息占支出的比例太高，说明财政已被债务拖累，按规定要启动财政重整。"),
        links.debt_type),
    Rule(
        "DEBT_DUE_SOON", N_("债务即将到期"), "debt_service", "debt",
        _YELLOW, "days", N_("距到期日的天数"),
        (_t("window_days", N_("提前提醒天数"), "days", "30", "yellow", "<="),),
        N_("偿债计划管理：到期债务要提前筹措偿还资金。"),
        N_("应还日期在评估日之后 {window_days} 以内，且评估日尚未偿还，为关注。"),
        N_("一笔政府债务的本金或利息一个月内就要到期，但还没有偿还。到期前要落实好还款资金，否则可能逾期，损害政府信用。"),
        links.debt_service),
    Rule(
        "DEBT_OVERDUE", N_("债务逾期"), "debt_service", "debt",
        _RED, "yuan", N_("评估日尚未偿还的本息（元）"),
        (),
        N_("逾期债务管理：政府债务必须按期足额偿还。"),
        N_("应还日期早于评估日，且到评估日未足额偿还（没有实还日期、实还日期晚于评估日，或实还金额少于应还本息），为严重。"),
        N_("应该还的本金或利息过了还款日还没有足额还上。"
           "政府债务逾期直接损害政府信用，还可能引发连锁风险，是最严重的债务问题之一。"),
        links.debt_service),
    Rule(
        "BOND_FUNDS_IDLE", N_("专项债资金闲置"), "bond_project", "debt",
        _YELLOW, "ratio", N_("已支出 ÷ 安排金额"),
        (_t("idle_days", N_("发行后天数"), "days", "180"),
         _t("yellow_share", N_("关注线：支出比例低于"), "ratio", "0.5", "yellow", "<")),
        N_("专项债券“借、用、还”全过程监督（设计提案）。"),
        N_("债券发行已满 {idle_days}，项目使用该债券的支付（任何年度，截至评估日）÷ 安排给项目的金额，低于 {yellow_share} 为关注。"),
        N_("专项债是借来的钱，从发行起就要付利息。借了钱却长期不用，白白负担利息，也说明项目准备不充分。"),
        links.bond_project),
    Rule(
        "SOE_ALR", N_("国企资产负债率超警戒线"), "enterprise", "assets",
        _YELLOW_RED, "ratio", N_("负债总额 ÷ 资产总额"),
        (_t("industrial_yellow", N_("工业企业关注线"), "ratio", "0.65", "yellow", ">=", "industrial"),
         _t("industrial_red", N_("工业企业严重线"), "ratio", "0.7", "red", ">=", "industrial"),
         _t("non_industrial_yellow", N_("非工业企业关注线"), "ratio", "0.7", "yellow", ">=", "non_industrial"),
         _t("non_industrial_red", N_("非工业企业严重线"), "ratio", "0.75", "red", ">=", "non_industrial")),
        N_("国资委 2017 年起对中央企业资产负债率实行分类管控（工业企业 65%/70%，非工业企业 70%/75%）。"),
        N_("企业评估日所在月及以前最近一期：资产负债率 = 负债总额 ÷ 资产总额。工业企业不低于 {industrial_yellow} 为关注、"
           "不低于 {industrial_red} 为严重；非工业企业不低于 {non_industrial_yellow} 为关注、不低于 {non_industrial_red} 为严重；金融企业不评估。"),
        N_("资产负债率是企业欠的债占全部资产的比例。"
           "比例高说明企业主要靠借钱经营，一旦经营不善就可能还不上，最后可能要政府兜底。"),
        links.enterprise),
    Rule(
        "SOE_LOSS", N_("国企亏损"), "enterprise", "assets",
        _YELLOW, "yuan", N_("最近一期累计利润总额（元）"),
        (),
        N_("国有资产报告制度：亏损企业要说明原因并提出扭亏措施。"),
        N_("企业评估日所在月及以前最近一期的累计利润总额小于 0，为关注。"),
        N_("企业最近一期报表的累计利润是负数，也就是在亏钱。"
           "国有企业是全民的资产，持续亏损意味着国有资产在减少，需要了解亏损原因和扭亏办法。"),
        links.enterprise, fixed_lines=(FixedLine("yellow", "<", Decimal(0)),)),
    Rule(
        "IDLE_ASSETS", N_("资产闲置"), "agency", "assets",
        _YELLOW, "ratio", N_("闲置资产 ÷ 资产净值"),
        (_t("yellow_share", N_("关注线：闲置占比超过"), "ratio", "0.1", "yellow", ">"),),
        N_("行政事业性国有资产管理：闲置资产应当调剂使用或者处置（阈值可由工作人员调整）。"),
        N_("单位评估日所在月及以前最近一期资产报告中，闲置资产合计 ÷ 资产净值合计，超过 {yellow_share} 为关注。"),
        N_("单位占用的房屋、设备等是用财政资金购置的。大量闲置既浪费，又可能被违规出租出借，应当盘活或调剂给需要的单位。"),
        links.admin_asset),
    Rule(
        "DATA_STALE", N_("数据报送滞后"), "dataset_region", "data",
        _YELLOW, "days", N_("评估日距最新数据日期的天数"),
        (_t("max_age_days", N_("关注线：超过天数未更新"), "days", "40", "yellow", ">"),),
        N_("联网监督数据每月 10 日前报送上月数据的要求。"),
        N_("支付、收入、国企财务、行政事业资产四类数据，各区划（含下级）评估日及以前的最新数据日期（按月报送的以月末为准）"
           "早于评估日前 {max_age_days}，为关注。"),
        N_("监督要靠及时的数据。数据迟迟不报，监督就看不到最新情况，也可能掩盖问题。"),
        links.overview),
]

RULES: dict[str, Rule] = {r.id: r for r in _RULES}
