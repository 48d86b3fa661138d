"""Levels of a fund × region, only as the rule engine gives them: the
DIRECT_ALLOC_SLOW / DIRECT_PAY_LAG breach of the entity FUND@REGION; without
one, green where the rule judged the row (money received past its grace days)
and "宽限期内" / "不评价" where it did not. Never a threshold here."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Sequence

from components import levels
from data.i18n import N_, _, ngettext
from data.query.direct_funds import DirectRow
from data.rules import RULES, Breach
from service import view

ALLOC, PAY = "DIRECT_ALLOC_SLOW", "DIRECT_PAY_LAG"
SHORT = {ALLOC: N_("分配滞后"), PAY: N_("支出滞后")}
WITHIN_GRACE = N_("○宽限期内")
FLAG_LEVELS = ("red", "orange", "yellow")


@dataclass(frozen=True)
class Status:
    level: str | None  # the engine's level; "green" judged without a breach; None not judged
    text: str  # `▲严重 分配滞后`, `●正常`, `○宽限期内`, `○不评价`
    note: str  # the tooltip: the rule, its lines, the breach's message or why it is not judged

    @property
    def flagged(self) -> bool:
        return levels.flagged(self.level)


def sentence(rule_id: str) -> str:
    """The rule and its lines in force, as one sentence before an explanation."""
    return _("{rule}。").format(rule=view.rule_note(rule_id).rstrip("。."))  # i18n: data


def then(first: str, more: str) -> str:
    """Two sentences in a row (English puts a space between them)."""
    return _("{sentence}{more}").format(sentence=first, more=more)


class Verdicts:
    """The breaches of the direct-fund rules as of D within a region, and the
    settings in force (read once: a page asks for every row)."""

    def __init__(self, as_of: date, region: str | None):
        found = [b for b in view.breaches_in(as_of, region) if RULES[b.rule].area == "direct"]
        self.found = found
        self._by = {(b.rule, b.entity_code): b for b in found}
        settings = view.rule_settings()
        self.enabled = {r: settings[r].enabled for r in SHORT}
        self.grace = {r: int(settings[r].thresholds["grace_days"]) for r in SHORT}
        self.note = {r: sentence(r) for r in SHORT}

    def breach(self, rule_id: str, fund: str, region: str) -> Breach | None:
        return self._by.get((rule_id, f"{fund}@{region}"))

    def status(self, rule_id: str, fund: str | None, region: str | None,
               row: DirectRow) -> Status:
        """The level of `fund`@`region` under one rule, for the row showing it."""
        note = self.note[rule_id]
        if row.own:
            return Status(None, _("○本级不单独评价"),
                          then(note, _("规则评价整个区划（含下级），本级数据不单独评价。")))
        b = self.breach(rule_id, fund, region) if fund and region else None
        if b is not None:
            return Status(b.level, f"{levels.text(b.level)} {_(SHORT[rule_id])}",
                          then(note, view.breach_message(b)))
        if not fund or not region:
            return Status(None, levels.text(None), then(note, _("规则按单项资金和区划评价。")))
        if not self.enabled[rule_id]:
            return Status(None, levels.text(None), then(note, _("该规则已停用。")))
        grace = self.grace[rule_id]
        if row.past_grace(grace) > 0:
            return Status("green", levels.text("green"), then(note, _("已评价，未发现问题。")))
        if row.within_grace(grace):
            return Status(None, _(WITHIN_GRACE), then(note, ngettext(
                "资金下达不满 {n} 天，仍在宽限期内，暂不评价。",
                "资金下达不满 {n} 天，仍在宽限期内，暂不评价。", grace).format(n=grace)))
        return Status(None, levels.text(None),
                      then(note, _("截至日期没有超过宽限期的下达资金，不评价。")))

    def in_region(self, region: str) -> list[Breach]:
        """The breaches of the funds at exactly this region."""
        return [b for b in self.found if b.entity_code.rpartition("@")[2] == region]


def worst(statuses: Sequence[Status]) -> str | None:
    return levels.worst(*(s.level for s in statuses if s.flagged))


def counts_text(found: Sequence[Breach]) -> str:
    """`▲严重 2 · ▲关注 1` (empty when none)."""
    counts = Counter(b.level for b in found)
    return " · ".join(f"{levels.text(lv)} {counts[lv]}" for lv in FLAG_LEVELS if counts[lv])
