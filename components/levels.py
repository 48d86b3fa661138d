"""Warning levels as people see them: colour-blind-safe colours (Okabe–Ito),
always with an icon and a word so colour is never the only signal. The levels,
their order and their words are the rule engine's (data.rules)."""
from __future__ import annotations

from dataclasses import dataclass

from dash import html

from data.rules.grading import LEVEL_ORDER, LEVEL_ZH


@dataclass(frozen=True)
class Level:
    key: str
    label: str  # Chinese word shown beside the colour
    label_en: str
    color: str
    text_color: str  # readable on `color`
    icon: str  # Bootstrap Icons class


LEVELS: dict[str | None, Level] = {
    "green": Level("green", LEVEL_ZH["green"], "normal", "#009E73", "#ffffff",
                   "bi-check-circle-fill"),
    "yellow": Level("yellow", LEVEL_ZH["yellow"], "watch", "#F0E442", "#000000",
                    "bi-exclamation-circle-fill"),
    "orange": Level("orange", LEVEL_ZH["orange"], "warning", "#E69F00", "#000000",
                    "bi-exclamation-triangle-fill"),
    "red": Level("red", LEVEL_ZH["red"], "severe", "#D55E00", "#ffffff", "bi-x-octagon-fill"),
    None: Level("none", "不评价", "not evaluated", "#999999", "#000000", "bi-dash-circle"),
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
        title=title or lv.label_en,
    )


# Level marks as text glyphs (the CJK fonts carry them): the mark and the word
# travel with a bar label or a table cell, in an export too.
MARK = {"red": "▲", "orange": "▲", "yellow": "▲", "green": "●", None: "○"}


def text(key: str | None) -> str:
    """`▲严重`: the level as a mark and a word, for tables and bar labels."""
    return f"{MARK[key]}{LEVELS[key].label}"
