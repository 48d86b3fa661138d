"""名词解释: the terms a deputy meets on the pages, each in plain words —
这是什么 (`what`), 为什么重要 (`why`) and 依据 (`basis`). A term that is a
warning rule's indicator takes `why` and `basis` from the rule registry
(data.rules.RULES), so the glossary never says something the rule does not.

`key` is the term's anchor on the glossary page (`/glossary#debt-ratio`).
The texts are held as their Chinese source strings (`*_zh`); `name`, `what`,
`why` and `basis` give them in the current language."""
from __future__ import annotations

from dataclasses import dataclass

from data.i18n import N_, _
from data.rules import RULES


@dataclass(frozen=True)
class Term:
    key: str
    name_zh: str
    what_zh: str
    why_zh: str
    basis_zh: str
    rule: str | None = None  # the rule whose indicator this is

    @property
    def name(self) -> str:
        return _(self.name_zh)

    @property
    def what(self) -> str:
        return _(self.what_zh)

    @property
    def why(self) -> str:
        return _(self.why_zh)

    @property
    def basis(self) -> str:
        return _(self.basis_zh).format(rules=len(RULES))

    def search_text(self) -> str:
        """What the glossary's search box matches against."""
        return " ".join((self.name, self.key, self.what, self.why, self.basis))


def _own(key: str, name: str, what: str, why: str, basis: str) -> Term:
    return Term(key, name, what, why, basis)


def _rule(key: str, name: str, what: str, rule_id: str) -> Term:
    """A rule's indicator: why it matters and its basis are the rule's."""
    rule = RULES[rule_id]
    return Term(key, name, what, rule.explain_zh, rule.basis, rule_id)


_TERMS = (
    _own("time-progress", N_("序时进度"),
         N_("一年中已经过去的时间所占的比例：到评估日是当年的第几天，除以全年天数。"
            "例如 9 月 30 日的序时进度约为 74.8%。"),
         N_("它是衡量“快慢”的尺子：收入完成、支出执行都拿来和它比较，"
            "明显落后说明进度偏慢，明显超前也值得问一问。"),
         N_("预算执行分析的通行口径：全年任务按时间均衡推进。")),
    _rule("execution-rate", N_("执行率"),
          N_("已经支付出去的钱占已下达预算指标的比例：已支付 ÷ 已下达指标。"),
          "EXEC_LAG"),
    _rule("revenue-progress", N_("收入完成率"),
          N_("当年已经收到的收入占全年收入预算的比例：已完成收入 ÷ 收入预算。"),
          "REVENUE_LAG"),
    _rule("tax-share", N_("税收占比"),
          N_("税收收入占一般公共预算收入的比例。"),
          "TAX_SHARE_LOW"),
    _rule("direct-funds", N_("直达资金"),
          N_("中央财政通过特殊转移支付机制直接下达到市县基层、用于惠企利民的资金；"
             "支付进度 = 已支付 ÷ 已收到（上级下达）的金额。"),
          "DIRECT_PAY_LAG"),
    _rule("debt-ratio", N_("债务率"),
          N_("政府债务余额占当年综合财力的比例：债务余额 ÷ 综合财力。"),
          "DEBT_RATIO"),
    _rule("liability-ratio", N_("负债率"),
          N_("政府债务余额占本地区生产总值（GDP）的比例：债务余额 ÷ 地区生产总值。"),
          "LIABILITY_RATIO"),
    _rule("debt-limit", N_("债务限额"),
          N_("人大批准的政府债务余额上限，分一般债务和专项债务两类。"),
          "DEBT_OVER_LIMIT"),
    _rule("three-public", N_("三公经费"),
          N_("因公出国（境）费、公务接待费、公务用车购置及运行维护费这三项公务开支。"),
          "THREE_PUBLIC_OVER"),
    _own("general-budget", N_("一般公共预算"),
         N_("以税收为主体的财政收入，安排用于保障和改善民生、推动经济社会发展、"
            "维护国家安全、维持国家机构正常运转等方面的收支预算。"),
         N_("这是政府最主要的一本“账”，教育、医疗、社保补助、机关运转等日常开支大多从这里安排。"),
         N_("《中华人民共和国预算法》第五条、第六条。")),
    _own("fund-budget", N_("政府性基金预算"),
         N_("依照法律、行政法规在一定期限内向特定对象征收、收取或者以其他方式筹集的资金，"
            "专项用于特定公共事业发展的收支预算，例如国有土地使用权出让收入。"),
         N_("这本账的钱专款专用，收入受土地市场等影响波动大，专项债券的还本付息也主要靠它。"),
         N_("《中华人民共和国预算法》第五条、第九条。")),
    _own("state-capital-budget", N_("国有资本经营预算"),
         N_("对国有资本收益（如国有企业上交的利润）作出支出安排的收支预算。"),
         N_("它反映国有企业为全民创造的收益交了多少、用在了哪里，是监督国有资本的一本账。"),
         N_("《中华人民共和国预算法》第五条、第十条。")),
    _own("social-security-budget", N_("社保基金预算"),
         N_("社会保险基金预算：对社会保险缴款、一般公共预算安排和其他方式筹集的资金，"
            "专项用于社会保险（养老、医疗、失业、工伤等）的收支预算。"),
         N_("它关系每个人的养老金和医保待遇，要做到收支平衡、可持续。"),
         N_("《中华人民共和国预算法》第五条、第十一条。")),
    _rule("special-bonds", N_("专项债券"),
          N_("地方政府为有一定收益的公益性项目发行的债券，用项目对应的政府性基金收入或专项收入偿还。"),
          "BOND_FUNDS_IDLE"),
    _rule("soe-alr", N_("国有企业资产负债率"),
          N_("国有企业负债总额占资产总额的比例：负债总额 ÷ 资产总额。"),
          "SOE_ALR"),
    _rule("idle-assets", N_("闲置资产"),
          N_("行政事业单位用财政资金形成、但目前没有使用的房屋、土地、设备等资产。"),
          "IDLE_ASSETS"),
    _own("warning-level", N_("预警等级"),
         N_("预警规则对一项指标或一笔支付的判断，分为正常、关注、预警、严重四级，"
            "每一级都用图标和文字标出，不只靠颜色。"),
         N_("等级告诉代表先看哪里：严重的问题要优先过问，关注的问题要跟踪变化。"),
         N_("本系统的 {rules} 条预警规则，每条规则的阈值和依据都可以在预警中心查看。")),
    _own("problem-loop", N_("问题闭环"),
         N_("发现的问题从待核实、已交办、整改中、已反馈到已销号的全过程；"
            "整改率 = 已销号 ÷ 已交办，逾期 = 已交办或整改中且超过整改期限。"),
         N_("监督不止于发现问题，还要看问题是否真正整改到位，做到件件有着落。"),
         N_("本系统问题闭环的办理流程，每一步都有记录，可以追溯。")),
    _own("notice", N_("督办单"),
         N_("问题交办给有关单位时生成的正式文书，写明问题、关联的预警及其依据、整改期限。"),
         N_("有了督办单，整改的责任单位、要求和期限都白纸黑字，便于跟踪和问责。"),
         N_("本系统问题闭环：交办时出具督办单（PDF），可下载、打印、盖章。")),
    _own("close", N_("销号"),
         N_("单位反馈整改情况后，经工作人员核实确认整改到位，问题办结，状态变为“已销号”；"
            "整改不到位的退回重改。"),
         N_("销号意味着问题真正解决了，而不只是回了一封信；整改率就按销号数计算。"),
         N_("本系统问题闭环：只有“已反馈”的问题才能销号，每次销号都留痕。")),
)

TERMS: dict[str, Term] = {t.key: t for t in _TERMS}
