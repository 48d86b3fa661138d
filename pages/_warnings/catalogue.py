"""规则与阈值: every rule with its explanation, basis and the thresholds in
force; for one rule (`rule` in the URL) its settings form and their history.
The form is read-only until a callback finds the signed-in viewer may set
thresholds (staff, admin); a change is checked again, recorded with the
viewer's name and address, and the rules are evaluated again at once."""
from __future__ import annotations

from collections import Counter

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, dcc, html, no_update

from components import drill, levels
from components.shell import answer
from data.i18n import N_, _, ngettext, pgettext
from data.rules import RULES, SettingError
from pages._warnings.breaches import AREAS
from service import auth, view

ENTITY_ZH = {"agency": N_("预算单位"), "project": N_("项目"), "quota": N_("预算指标"),
             "payment": N_("支付凭证"), "mof_div": N_("区划"),
             "direct_fund_region": N_("直达资金×区划"), "region_debt_type": N_("区划×债务类型"),
             "debt_service": N_("还本付息计划"), "bond_project": N_("专项债项目"),
             "enterprise": N_("企业"), "dataset_region": N_("数据集×区划")}
FORM = "rule-form"


def _catalogue(state: drill.PageState, settings, counts) -> html.Table:
    """Every rule as a row people read (and print): what it judges, the
    standard with the thresholds in force, why it matters and its basis."""
    head = (_("规则"), _("领域 · 对象"), _("判定标准（当前阈值）"), _("这是什么、为什么重要"),
            _("依据"), _("状态"), _("当前预警"))
    rows = []
    for rid, rule in RULES.items():
        setting = settings[rid]
        n = counts.get(rid, 0)
        rows.append(html.Tr([
            html.Td([dcc.Link(_(rule.name_zh), href=state.link(rule=rid), className="rule-link"),
                     html.Div(rid, className="rule-id")]),
            html.Td([_(AREAS.get(rule.area, rule.area)), html.Br(),
                     _(ENTITY_ZH.get(rule.entity_type, rule.entity_type))]),
            html.Td(rule.formula(setting.thresholds)),
            html.Td(_(rule.explain_zh)),
            html.Td(_(rule.basis)),
            html.Td(_("启用") if setting.enabled else _("已停用")),
            html.Td(dcc.Link(str(n), href=state.link(tab=None, rule=rid),
                             title=_("查看这条规则的当前预警")) if n else "0", className="num"),
        ], id=f"rule-row-{rid}", className="rule-row" + ("" if setting.enabled else " rule-off")))
    return html.Div(html.Table([html.Thead(html.Tr([html.Th(h) for h in head])),
                                html.Tbody(rows)],
                               className="table rule-catalogue", id="rule-catalogue"),
                    className="table-responsive")


UNIT_HINT = {"pp": N_("个百分点"), "ratio": N_("比例，如 0.7 即 70%"), "yuan": N_("元"),
             "days": N_("天"), "text": N_("文字")}
READ_ONLY = N_("阈值由工作人员修改，此处仅供查看。 / Thresholds are changed by staff; shown read-only.")


def _form(rid: str, setting) -> html.Div:
    rule = RULES[rid]
    # Read-only as rendered (the render is shared by every viewer of a masking);
    # `editable` opens it to a viewer who may set thresholds.
    fields = [dbc.Row([
        dbc.Label(_("{label}（{unit}）").format(label=_(t.label_zh), unit=_(UNIT_HINT[t.unit])),
                  html_for=f"threshold-{t.key}", width=6),
        dbc.Col(dbc.Input(id={"type": "rule-threshold", "key": t.key},
                          value=str(setting.thresholds[t.key]), type="text", disabled=True,
                          className="rule-threshold"), width=6),
    ], className="mb-2") for t in rule.thresholds]
    return html.Div([
        html.H3(_("{name}（{code}）").format(name=_(rule.name_zh), code=rid),
                className="section-title"),
        html.P(_(rule.explain_zh), className="rule-explain"),
        html.P([_("依据："), _(rule.basis)], className="rule-basis"),
        html.P([_("判定标准："), rule.formula(setting.thresholds)], className="rule-formula",
               id="rule-formula"),
        dcc.Store(id="rule-form-rule", data=rid),
        dbc.Form([
            *fields,
            dbc.Checklist(id="rule-enabled",
                          options=[{"label": _("启用这条规则"), "value": "on", "disabled": True}],
                          value=["on"] if setting.enabled else [], switch=True, className="mb-3"),
            html.Div(dbc.Button(_("保存并重新评估"), id="rule-save", color="primary",
                                className="rule-save"), id="rule-save-wrap", hidden=True),
            html.P([html.I(className="bi bi-lock me-2", **{"aria-hidden": "true"}), _(READ_ONLY)],
                   id="rule-read-only", className="rule-read-only"),
        ], className="rule-form no-print", id=FORM),
        html.Div(id="rule-result", role="status", **{"aria-live": "polite"}),
        html.H3(_("修改记录"), className="section-title"),
        html.Div(_history(rid), id="rule-history"),
    ], className="rule-detail")


def _history(rid: str):
    rows = view.rule_setting_history(rid)
    if not rows:
        return html.P(_("这条规则的阈值从未修改，使用默认值。"), className="drill-empty")
    head = (_("时间"), _("修改人"), pgettext("设置", "项目"), _("原值"), _("新值"))
    return html.Div(html.Table([
        html.Thead(html.Tr([html.Th(h) for h in head])),
        html.Tbody([html.Tr([html.Td(str(r["changed_at"])[:19]), html.Td(r["username"] or "—"),
                             html.Td(r["field"]), html.Td(r["old_value"] or "—"),
                             html.Td(r["new_value"] or "—")]) for r in rows]),
    ], className="table table-sm rule-history"), className="table-responsive")


@callback(Output({"type": "rule-threshold", "key": ALL}, "disabled"),
          Output("rule-enabled", "options"), Output("rule-save-wrap", "hidden"),
          Output("rule-read-only", "hidden"),
          Input("rule-form-rule", "data"), State({"type": "rule-threshold", "key": ALL}, "id"),
          State("rule-enabled", "options"))
def editable(_rid, ids, options):
    """The form opens for a viewer who may set thresholds; for the others it
    stays read-only with a note (the save is checked again in `save`)."""
    viewer = auth.current_viewer()
    may = viewer is not None and viewer.can("set_thresholds")
    return ([not may] * len(ids), [{**o, "disabled": not may} for o in options or []],
            not may, may)


@callback(Output("rule-result", "children"), Output("rule-history", "children"),
          Output("rule-formula", "children"),
          Input("rule-save", "n_clicks"),
          State({"type": "rule-threshold", "key": ALL}, "value"),
          State({"type": "rule-threshold", "key": ALL}, "id"),
          State("rule-enabled", "value"), State("rule-form-rule", "data"),
          prevent_initial_call=True)
def save(_clicks, values, ids, enabled, rid):
    if not rid or rid not in RULES:
        return no_update, no_update, no_update
    thresholds = {i["key"]: v for i, v in zip(ids, values)}
    try:
        viewer = auth.require("set_thresholds")
        summary = view.change_rule_setting(viewer, rid, enabled="on" in (enabled or []),
                                           thresholds=thresholds)
    except auth.Refused as err:
        return answer(err.message), no_update, no_update
    except (SettingError, PermissionError) as err:
        return answer(str(err)), no_update, no_update
    setting = view.rule_settings()[rid]
    total = sum(sum(c.values()) for c in summary.counts.values())
    return (answer(ngettext("已保存，并按新阈值重新评估：共 {n} 项预警。",
                            "已保存，并按新阈值重新评估：共 {n} 项预警。", total).format(n=total),
                   ok=True),
            _history(rid), [_("判定标准："), RULES[rid].formula(setting.thresholds)])


def section(state: drill.PageState) -> tuple[list, list[str]]:
    settings = view.rule_settings()
    counts = Counter(b.rule for b in view.breaches(state.filters.as_of))
    rid = state.get("rule")
    detail = [_form(rid, settings[rid])] if rid in RULES else [
        html.P(_("点击一条规则，查看说明和阈值；工作人员可在此修改阈值或停用规则。"),
               className="drill-hint")]
    return [
        html.Div([_("等级："), levels.badge("yellow"), _("需要关注"), levels.badge("orange"),
                  _("应当预警"), levels.badge("red"), _("情况严重")], className="warn-legend"),
        *detail,
        html.H3(ngettext("规则目录（{n} 条）：点击规则名称查看说明、修改阈值",
                         "规则目录（{n} 条）：点击规则名称查看说明、修改阈值", len(RULES))
                .format(n=len(RULES)), className="section-title"),
        _catalogue(state, settings, counts),
    ], []
