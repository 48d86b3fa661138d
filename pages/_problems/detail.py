"""One problem (`?id=N`): its particulars, the breaches it was found from
(each linking to the drill state that shows it), the full history, its
files, and for staff the steps its state allows and the upload of evidence.
Each callback checks the viewer itself (service.auth.require) and answers a
refusal with a Chinese / English alert, changing nothing."""
from __future__ import annotations

import base64
import binascii
from datetime import date
from typing import Any

from dash import Input, Output, State, callback, dcc, html, no_update

from components import drill, levels
from components import format as fmt
from components import problems as ui
from components.shell import answer, notice
from data import problem_files, problems
from data.accounts import Viewer
from data.db import get_engine
from data.hierarchy import Names
from data.i18n import _, ngettext
from data.problems import ACTION_ZH, STATUS_ZH, TRANSITIONS, Problem, ProblemError
from data.rules import RULES, Breach
from pages._problems.common import region_label, unit_label
from pages._warnings.breaches import href as breach_href
from service import auth, view
from service.files import attachment_root

BODY = "prob-detail-body"
ALERT = "prob-alert"
PID = "prob-id"
PARAMS = "prob-params"
SIZE_UNITS = (("MB", 1024 * 1024), ("KB", 1024))


def file_href(pid: int, fid: int) -> str:
    return f"/files/problems/{pid}/attachments/{fid}"


def notice_href(pid: int) -> str:
    return f"/files/problems/{pid}/notice.pdf"


def _size(n: int) -> str:
    for unit, scale in SIZE_UNITS:
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return ngettext("{n} 字节", "{n} 字节", n).format(n=n)


def _breach_items(p: Problem, params: dict[str, str]) -> list[dict[str, Any]]:
    """The linked breaches as they stood, each with the link to its entity."""
    items = []
    for w in p.warnings:
        rule = RULES.get(w.rule)
        b = Breach(rule=w.rule, level=w.level, entity_type=w.entity_type,
                   entity_code=w.entity_code, value=w.value, threshold=w.threshold,
                   message=w.message, mof_div=w.mof_div, name=w.name, agency=w.agency,
                   dept=w.dept)
        items.append({
            "rule": _("{name}（{code}）").format(name=_(rule.name_zh), code=w.rule)
            if rule else w.rule,
            "entity": _("{name}（{code}）").format(name=w.name, code=w.entity_code)
            if w.name and w.name != w.entity_code else w.entity_code,
            "level": levels.text(w.level),
            "value": fmt.measure(w.value, rule.value_unit if rule else None),
            "threshold": fmt.measure(w.threshold, rule.value_unit if rule else None),
            "message": view.breach_message(b),
            "href": breach_href(params, b) if rule else None,
        })
    return items


def _events(p: Problem, names: Names) -> list[dict[str, Any]]:
    return [{"at": e.at.strftime("%Y-%m-%d %H:%M"), "user": e.user,
             "action": _(ACTION_ZH.get(e.action, e.action)),
             "from": _(STATUS_ZH[e.from_status]) if e.from_status else None,
             "to": _(STATUS_ZH[e.to_status]), "text": e.text,
             "detail": _("责任单位：{unit}；整改期限：{deadline}").format(
                 unit=unit_label(names, e.unit), deadline=fmt.long_date(e.deadline))
             if e.action == "assign" else None} for e in p.history]


def _facts(p: Problem, names: Names, today: date) -> html.Dl:
    items: list[tuple[str, Any]] = [
        (_("状态"), html.Span(ui.status_badge(p.status), id="prob-status")),
        (_("区划"), region_label(names, p.mof_div)),
        (_("责任单位"), unit_label(names, p.unit)),
        (_("整改期限"), html.Span([fmt.long_date(p.deadline)]
                                  + ([" ", ui.overdue_mark(p.deadline, today)] if p.overdue else []),
                                  id="prob-deadline")),
    ]
    if p.notice_no:
        items.append((_("督办单"), html.Span([p.notice_no, " ", ui.download_link(
            _("下载督办单（PDF）"), notice_href(p.id), problem_files.notice_name(p),
            "prob-notice")])))
    items += [(_("提出人"), p.created_by_name),
              (_("登记时间"), p.created_at.strftime("%Y-%m-%d %H:%M"))]
    if p.closed_at:
        items.append((_("销号时间"), p.closed_at.strftime("%Y-%m-%d %H:%M")))
    if p.source_url:
        internal = p.source_url.startswith("/") and not p.source_url.startswith("//")
        items.append((_("提出页面"), dcc.Link(p.source_url, href=p.source_url, id="prob-source")
                      if internal else p.source_url))
    return drill.facts(items)


def _units(names: Names) -> list[tuple[str, str]]:
    """Every agency and region a problem may be handed to."""
    agencies = sorted(names.agency, key=lambda c: (names.dept_of.get(c, c), c))
    return ([(c, _("单位：{unit}").format(unit=unit_label(names, c))) for c in agencies]
            + [(c, _("区划：{unit}").format(unit=unit_label(names, c)))
               for c in sorted(names.region)])


def body(p: Problem, params: dict[str, str], viewer: Viewer) -> list:
    """The problem as it now stands; staff also get its forms."""
    names, today = view.names(), date.today()
    files = [{"id": f["id"], "name": f["file_name"], "href": file_href(p.id, f["id"]),
              "kind": _(problem_files.KINDS.get(f["kind"], f["kind"])), "size": _size(f["size"]),
              "at": f["uploaded_at"].strftime("%Y-%m-%d %H:%M"), "by": f["uploaded_by"]}
             for f in p.files]
    staff = viewer.can("handle_problems")
    allowed = [a for a, (sources, _target) in TRANSITIONS.items() if p.status in sources]
    return [
        _facts(p, names, today),
        html.H3(_("问题描述"), className="section-title"),
        html.P(p.description or _("（无）"), className="prob-description"),
        html.H3(ngettext("关联预警（{n} 项，发现时的数据）", "关联预警（{n} 项，发现时的数据）",
                         len(p.warnings)).format(n=len(p.warnings)), className="section-title"),
        ui.breach_table(_breach_items(p, params)),
        html.H3(_("办理过程"), className="section-title"),
        ui.timeline(_events(p, names)),
        html.H3(ngettext("材料（{n} 件）", "材料（{n} 件）", len(files)).format(n=len(files)),
                className="section-title"),
        ui.file_list(files),
        *([ui.upload_box(problem_files.MAX_BYTES, _(problem_files.ALLOWED_ZH))]
          if staff and p.open else []),
        *([ui.action_form(allowed, _units(names), today)] if staff and allowed else []),
    ]


def section(state: drill.PageState, viewer: Viewer) -> tuple[str, list]:
    """(title, body) of the problem `id` names; "not found" for one the viewer may not see."""
    back = dcc.Link(_("← 返回问题清单"), href=state.link(id=None), className="prob-back no-print")
    raw = state.get("id") or ""
    try:
        if not raw.isdigit():
            raise ProblemError(404, f"问题不存在 / no such problem: {raw}")
        p = problems.get(get_engine(), viewer, int(raw))
    except ProblemError:
        return _("问题详情"), [back, notice(
            _("问题 {id} 不存在，或当前账户无权查看。 / No such problem, or this account may "
              "not see it.").format(id=raw), "warning", "bi-question-circle")]
    return _("问题 #{id}：{title}").format(id=p.id, title=p.title), [
        back, dcc.Store(id=PID, data=p.id), dcc.Store(id=PARAMS, data=state.params),
        html.Div(id=ALERT, role="status", **{"aria-live": "polite"}),
        html.Div(body(p, state.params, viewer), id=BODY),
    ]


@callback(Output(ui.ACTION_ASSIGN_FIELDS, "hidden"), Output(ui.ACTION_TEXT_LABEL, "children"),
          Input(ui.ACTION, "value"))
def fields_for(action: str | None):
    """The unit and deadline only for 交办; the text's label says when it is required."""
    return action != "assign", ui.text_label(action)


@callback(Output(BODY, "children"), Output(ALERT, "children"),
          Input(ui.ACTION_GO, "n_clicks"), State(ui.ACTION, "value"),
          State(ui.ACTION_UNIT, "value"), State(ui.ACTION_DEADLINE, "date"),
          State(ui.ACTION_TEXT, "value"), State(PID, "data"), State(PARAMS, "data"),
          prevent_initial_call=True)
def act(clicks, action, unit, deadline, text, pid, params):
    """One step of the problem (data.problems.act); the detail shows the new state."""
    if not clicks or pid is None:
        return no_update, no_update
    try:
        viewer = auth.require("handle_problems")
        if not action:
            raise ProblemError(400, "action: 请先选择一项处理 / choose a step first", "action")
        p = problems.act(get_engine(), viewer, pid, action,
                         unit=unit if action == "assign" else None,
                         deadline=deadline if action == "assign" else None, text=text)
    except (auth.Refused, ProblemError) as err:
        return no_update, answer(err.message, False)
    done = _("已{action}：问题现为「{status}」。").format(action=_(ACTION_ZH[action]),
                                                     status=_(p.status_zh))
    if action == "assign":
        done += _("督办单 {notice} 已出具，可在上方下载。").format(notice=p.notice_no)
    return body(p, params or {}, viewer), answer(done, True)


def decode_upload(contents: str) -> bytes:
    """The bytes of a dcc.Upload data URL (`data:<type>;base64,<data>`)."""
    head, _sep, data = (contents or "").partition(",")
    try:
        if not head.endswith(";base64"):
            raise ValueError(head)
        return base64.b64decode(data, validate=True)
    except (ValueError, binascii.Error):
        raise ProblemError(400, "file: 无法读取上传的文件 / the upload could not be read",
                           "file") from None


@callback(Output(BODY, "children", allow_duplicate=True),
          Output(ALERT, "children", allow_duplicate=True),
          Input(ui.UPLOAD, "contents"), State(ui.UPLOAD, "filename"), State(PID, "data"),
          State(PARAMS, "data"), prevent_initial_call=True)
def upload(contents, filename, pid, params):
    """Store an uploaded file as evidence (data.problem_files checks it)."""
    if not contents or pid is None:
        return no_update, no_update
    try:
        viewer = auth.require("handle_problems")
        engine = get_engine()
        problem_files.save(engine, viewer, pid, filename, decode_upload(contents),
                           attachment_root())
        p = problems.get(engine, viewer, pid)
    except (auth.Refused, ProblemError) as err:
        return no_update, answer(err.message, False)
    done = _("已上传「{name}」。").format(name=problem_files.clean_name(filename))
    return body(p, params or {}, viewer), answer(done, True)

