"""Warning levels as people see them: colour-blind-safe colours (Okabe–Ito),
always with an icon and a word so colour is never the only signal."""
from __future__ import annotations

from dataclasses import dataclass

from dash import html


@dataclass(frozen=True)
class Level:
    key: str
    label: str  # Chinese word shown beside the colour
    label_en: str
    color: str
    text_color: str  # readable on `color`
    icon: str  # Bootstrap Icons class


LEVELS: dict[str | None, Level] = {
    "green": Level("green", "正常", "normal", "#009E73", "#ffffff", "bi-check-circle-fill"),
    "yellow": Level("yellow", "关注", "watch", "#F0E442", "#000000", "bi-exclamation-circle-fill"),
    "orange": Level("orange", "预警", "warning", "#E69F00", "#000000",
                    "bi-exclamation-triangle-fill"),
    "red": Level("red", "严重", "severe", "#D55E00", "#ffffff", "bi-x-octagon-fill"),
    None: Level("none", "不评价", "not evaluated", "#999999", "#000000", "bi-dash-circle"),
}

ORDER = ["red", "orange", "yellow", "green", None]


def level(key: str | None) -> Level:
    return LEVELS[key]


def badge(key: str | None, text: str | None = None) -> html.Span:
    """A level badge: icon + word (+ optional text), coloured."""
    lv = LEVELS[key]
    return html.Span(
        [html.I(className=f"bi {lv.icon} me-1", **{"aria-hidden": "true"}), lv.label,
         *([html.Span(f" {text}")] if text else [])],
        className="level-badge",
        style={"backgroundColor": lv.color, "color": lv.text_color},
        title=lv.label_en,
    )


MARK = {"red": "▲", "orange": "▲", "yellow": "▲", "green": "●", None: "○"}


def text(key: str | None) -> str:
    """`▲严重`: the level as a mark and a word, for tables and bar labels."""
    return f"{MARK[key]}{LEVELS[key].label}"
