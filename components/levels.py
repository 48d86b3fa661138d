"""Warning levels as people see them: colour-blind-safe colours (Okabe–Ito),
always with an icon and a word so colour is never the only signal. The levels
and their order are the rule engine's (data.rules), and so are the Chinese
words (data.rules.grading.LEVEL_ZH), written out here for the catalog."""
from __future__ import annotations

from dataclasses import dataclass

from dash import html

from data.i18n import N_, _
from data.rules.grading import LEVEL_ORDER


@dataclass(frozen=True)
class Level:
    key: str
    label_zh: str  # the word shown beside the colour (a msgid)
    color: str
    text_color: str  # readable on `color`
    icon: str  # Bootstrap Icons class

    @property
    def label(self) -> str:
        """The word in the current language."""
        return _(self.label_zh)


LEVELS: dict[str | None, Level] = {
    "green": Level("green", N_("正常"), "#009E73", "#ffffff", "bi-check-circle-fill"),
    "yellow": Level("yellow", N_("关注"), "#F0E442", "#000000", "bi-exclamation-circle-fill"),
    "orange": Level("orange", N_("预警"), "#E69F00", "#000000", "bi-exclamation-triangle-fill"),
    "red": Level("red", N_("严重"), "#D55E00", "#ffffff", "bi-x-octagon-fill"),
    None: Level("none", N_("不评价"), "#999999", "#000000", "bi-dash-circle"),
}


def flagged(key: str | None) -> bool:
    """A level that marks a breach (yellow, orange or red)."""
    return key not in (None, "green")


def worst(*keys: str | None) -> str | None:
    """The worst of some levels (None where none is given)."""
    present = [k for k in keys if k is not None]
    return min(present, key=LEVEL_ORDER.__getitem__) if present else None


def level(key: str | None) -> Level:
    return LEVELS[key]


def badge(key: str | None, text: str | None = None, title: str | None = None) -> html.Span:
    """A level badge: icon + word (+ optional text), coloured; `title` (the
    tooltip) names the rule and its lines where a rule decided the level."""
    lv = LEVELS[key]
    return html.Span(
        [html.I(className=f"bi {lv.icon} me-1", **{"aria-hidden": "true"}), lv.label,
         *([html.Span(f" {text}")] if text else [])],
        className="level-badge",
        style={"backgroundColor": lv.color, "color": lv.text_color},
        title=title,
    )


# Level marks as text glyphs (the CJK fonts carry them): the mark and the word
# travel with a bar label or a table cell, in an export too.
MARK = {"red": "▲", "orange": "▲", "yellow": "▲", "green": "●", None: "○"}


def text(key: str | None) -> str:
    """`▲严重`: the level as a mark and a word, for tables and bar labels."""
    return f"{MARK[key]}{LEVELS[key].label}"
