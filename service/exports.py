"""Meeting exports made on the server: a chart's figure as PNG or SVG (Kaleido's
headless Chromium, no network), a table as .xlsx (data.export_xlsx), and the
file names that say what and as of when.

Kaleido's sync server is started once per process, on the first export, with
MathJax off (its default is a CDN) and plotly.js from the plotly package, so
no render ever reaches the network. Text is set in Noto Sans SC: Chromium
draws it from the system's Noto Sans CJK SC (the same design) for the PNG;
the SVG keeps its text as text and carries the vendored Noto Sans SC slices
that cover its characters as embedded @font-face data, so it shows the same
glyphs on a machine without the font."""
from __future__ import annotations

import base64
import copy
import re
import threading
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

from components.format import long_date
from data.export_xlsx import Column, workbook
from data.i18n import N_, _
from service.pdf import ASSETS, FONT_FAMILY

FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WIDTH = 1280  # px of the slide-sized image; PNG at SCALE× for a projector
SCALE = 2
DEFAULT_HEIGHT = 520
ROW_CAP = 100_000  # rows one table export may hold
SYSTEM = N_("财政监督大脑·人大预算联网监督系统")
FONT_DIR = ASSETS / "vendor" / "noto-sans-sc"

_start = threading.Lock()
_started = False


class ExportError(RuntimeError):
    """An export could not be made; `message` is Chinese / English."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _kaleido():
    global _started
    import kaleido

    with _start:
        if not _started:
            kaleido.start_sync_server(mathjax=False, silence_warnings=True)
            _started = True
    return kaleido


def figure_image(figure: dict[str, Any], fmt: str) -> bytes:
    """The figure (as Dash holds it: {data, layout}) as PNG or SVG."""
    if fmt not in FORMATS:
        raise ExportError("不支持的格式“{fmt}” / unsupported format {fmt!r}".format(fmt=fmt))
    if not isinstance(figure, dict) or not isinstance(figure.get("data"), list):
        raise ExportError("没有可导出的图表 / no chart to export")
    fig = copy.deepcopy({"data": figure["data"], "layout": figure.get("layout") or {}})
    layout = fig["layout"]
    layout.pop("images", None)  # an image source could be a URL: nothing leaves the server
    layout.setdefault("font", {})["family"] = FONT_FAMILY
    height = int(layout.get("height") or DEFAULT_HEIGHT)
    opts = {"format": fmt, "width": WIDTH, "height": height, "scale": SCALE if fmt == "png" else 1}
    try:
        out = _kaleido().calc_fig_sync(fig, opts=opts)
    except Exception as err:  # noqa: BLE001 - Kaleido raises many kinds; the reader gets one
        raise ExportError(f"图表导出失败 / the chart could not be rendered: {err}") from err
    return embed_font(out.decode("utf-8")).encode("utf-8") if fmt == "svg" else out


# -- the font inside an SVG ------------------------------------------------------------------

_FACE = re.compile(r"@font-face\s*{(?P<body>[^}]*)}")
_SRC = re.compile(r"url\(\./(?P<file>[^)]+\.woff2)\)")
_RANGE = re.compile(r"unicode-range:\s*(?P<ranges>[^;]+);")
_WEIGHT = re.compile(r"font-weight:\s*(?P<weight>\d+)")


@lru_cache(maxsize=1)
def font_slices() -> tuple[tuple[Path, str, tuple[tuple[int, int], ...]], ...]:
    """(file, unicode-range text, code point ranges) of each regular-weight
    slice of the vendored Noto Sans SC."""
    out = []
    for face in _FACE.finditer((FONT_DIR / "noto-sans-sc.css").read_text(encoding="utf-8")):
        body = face["body"]
        weight, src, ranges = _WEIGHT.search(body), _SRC.search(body), _RANGE.search(body)
        if not (weight and src and ranges) or weight["weight"] != "400":
            continue
        spans = []
        for part in ranges["ranges"].split(","):
            lo, _, hi = part.strip().removeprefix("U+").partition("-")
            spans.append((int(lo, 16), int(hi or lo, 16)))
        out.append((FONT_DIR / src["file"], ranges["ranges"].strip(), tuple(spans)))
    return tuple(out)


def embed_font(svg: str) -> str:
    """The SVG with the font slices its text needs as data: @font-face rules."""
    used = {ord(c) for text in re.findall(r">([^<]+)<", svg) for c in text}
    faces = []
    for path, ranges, spans in font_slices():
        if any(lo <= c <= hi for c in used for lo, hi in spans):
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            faces.append("@font-face{font-family:'Noto Sans SC';font-weight:400;"
                         f"src:url(data:font/woff2;base64,{data}) format('woff2');"
                         f"unicode-range:{ranges};}}")
    if not faces:
        return svg
    root = re.search(r"<svg[^>]*>", svg)
    style = f"<style>{''.join(faces)}</style>"
    return svg[:root.end()] + style + svg[root.end():] if root else svg


# -- tables -------------------------------------------------------------------------------------

def lead_lines(what: str, source: str, as_of: date, note: str | None = None) -> list[str]:
    """The lines above a table's headers, in the current language: what it
    is, where from, as of when."""
    lines = [what, _("来源：{source}").format(source=f"{_(SYSTEM)} {source}"),
             _("数据截至 {date}").format(date=long_date(as_of))]
    return lines + ([note] if note else [])


def table_xlsx(what: str, source: str, as_of: date, columns: Sequence[Column],
               rows: Sequence[Sequence[Any]], note: str | None = None) -> bytes:
    return workbook(what, columns, rows, lead_lines(what, source, as_of, note))


def capped_note(total: int, shown: int) -> str | None:
    if total <= shown:
        return None
    return _("注：共 {total} 行，超过导出上限，仅导出前 {shown} 行；请缩小范围后再导出。").format(
        total=f"{total:,}", shown=f"{shown:,}")


_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def file_name(what: str, as_of: date, ext: str) -> str:
    """`预算执行率-部门_2026-11-20.png`: what and the data date, safe on any disk."""
    stem = _UNSAFE.sub("_", what).strip("_.") or _("导出")
    return f"{stem[:80]}_{as_of.isoformat()}.{ext}"
