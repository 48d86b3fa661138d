"""变化趋势: open breaches by level at each stored evaluation."""
from __future__ import annotations

from dash import html

from components import charts, drill
from components import format as fmt
from data.i18n import _
from service import view


def section(state: drill.PageState) -> tuple[list, list[str]]:
    history = view.run_history()
    dates = sorted({d for d, _level, _n in history})
    counts = {lv: [sum(n for d2, l2, n in history if d2 == d and l2 == lv) for d in dates]
              for lv in ("red", "orange", "yellow")}
    fig = charts.level_trend(
        dates, counts, title=_("未解除的预警数：各次评估（全部区划）"),
        subtitle=_("每次导入数据或手动评估后记录一次；按等级：严重、预警、关注"),
        note=fmt.as_of_note(state.filters.as_of, _("预警规则评估记录")), dark=state.dark)
    notes = [] if len(dates) > 1 else [_("目前只有一次评估记录；每次导入新数据后都会增加一个点。")]
    return [drill.chart("warn-trend", fig, _("预警趋势")),
            html.P(_("曲线下降说明问题在整改或数据在改善；上升说明新发现的问题多于解决的问题。"),
                   className="drill-hint")], notes
