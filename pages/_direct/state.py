"""The drill path a 直达资金 URL names: fund → region → recipient agency →
quota, checked against the store and completed upwards (a quota names its
agency and fund); its breadcrumb and the links one level down."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from components import drill
from data.hierarchy import Names, chain
from data.i18n import _
from data.query import Scope, scope_end
from data.query.direct_funds import DirectRow, fund_rows
from data.query.facts import quotas
from service import view
from service.cache import cached_call

KEYS = ("fund", "agency", "bgt_id")  # drill keys besides the region (mof_div)


def sole_root(names: Names) -> str | None:
    roots = [c for c, p in names.region_parent.items() if not p or p not in names.region]
    return roots[0] if len(roots) == 1 else None


@dataclass(frozen=True)
class Path:
    region: str | None  # the region figures are about: mof_div, else the only top region
    fund: DirectRow | None = None  # the fund's figures at the region
    agency: str | None = None
    quota: dict | None = None

    @property
    def level(self) -> str:
        if self.quota is not None:
            return "quota"
        if self.agency:
            return "agency"
        return "fund" if self.fund is not None else "root"

    def scope(self, state: drill.PageState) -> Scope:
        """Year, D and the region: the cuts the direct-fund figures take."""
        return Scope(as_of=state.filters.as_of, year=state.filters.year, mof_div=self.region)

    def as_of(self, state: drill.PageState) -> date:
        """D of the figures and of the breaches shown with them."""
        return scope_end(self.scope(state))

    def link(self, state: drill.PageState, **changes) -> str:
        """The URL of this path with `changes` (a search belongs to its level)."""
        keys = {"fund": self.fund.code if self.fund else None, "agency": self.agency,
                "bgt_id": self.quota["bgt_id"] if self.quota else None, "q": None}
        return state.link(**{**keys, **changes})


def resolve(state: drill.PageState) -> tuple[Path, list[str]]:
    names = view.names()
    region = state.filters.mof_div or sole_root(names)
    scope = Scope(as_of=state.filters.as_of, year=state.filters.year, mof_div=region)
    fund, agency, bgt = (state.get(k) for k in KEYS)
    notes: list[str] = []
    if state.filters.fund_type:
        notes.append(_("直达资金不区分资金性质，“资金性质”筛选在本页不起作用。"))
    quota = None
    if bgt:
        quota = next((q for q in cached_call(quotas, Scope(as_of=scope.as_of, year=scope.year),
                                             bgt_id=bgt) if q["bgt_id"] == bgt), None)
        if quota is None:
            notes.append(_("指标“{bgt}”在 {year} 年截至日期前未下达，已显示上一级。").format(
                bgt=bgt, year=scope.fiscal_year))
        else:  # the quota is authoritative for the path above it
            agency, fund = quota["agency_code"], quota["direct_fund_code"] or fund
    row = None
    if fund:
        row = next((r for r in cached_call(fund_rows, scope) if r.code == fund), None)
        if row is None:
            notes.append(_("所选区划和日期没有直达资金“{fund}”的数据，已显示全部直达资金。").format(
                fund=fund))
    if agency and agency not in names.agency:
        notes.append(_("链接中的单位代码“{agency}”不存在，已显示上一级。").format(agency=agency))
        agency = None
    if agency and row is None:
        if not fund:
            notes.append(_("链接指定了单位但没有指定直达资金，已显示全部直达资金。"))
        agency = None
    return Path(region, row, agency, quota if agency else None), notes


def region_steps(names: Names, region: str | None) -> list[tuple[str, str, str]]:
    """Breadcrumb steps of the selected region, from the top (the only top
    region is "全部区划" itself)."""
    if region is None:
        return []
    root = sole_root(names)
    return [("mof_div", c, _("区划：{name}").format(name=names.region.get(c, c)))
            for c in chain(names.region_parent, region) if c != root]


def crumbs(state: drill.PageState, path: Path) -> list[drill.Crumb]:
    names = view.names()
    steps = []
    if path.fund:
        steps.append(("fund", path.fund.code, _("资金：{name}").format(name=path.fund.name)))
    steps += region_steps(names, state.filters.mof_div)
    if path.agency:
        steps.append(("agency", path.agency,
                      _("单位：{name}").format(name=names.agency_label(path.agency))))
    if path.quota:
        steps.append(("bgt_id", path.quota["bgt_id"],
                      _("指标：{code}").format(code=path.quota["bgt_id"])))
    # a search belongs to the quota it was made on: no crumb keeps it
    plain = replace(state, params={k: v for k, v in state.params.items() if k != "q"})
    return drill.crumbs_for(plain, _("全部区划 · 直达资金"), steps)


def region_label(path: Path) -> str:
    everywhere = _("全部区划")
    return view.names().region.get(path.region, everywhere) if path.region else everywhere
