"""The briefing export: one dated, self-contained HTML file (and a PDF printed from it).

`render_html` writes a single document that opens from a USB stick on a machine without a
network: CSS inline, plotly.js inlined once, every folium map in an `<iframe srcdoc>` with
Leaflet's JS and CSS (and the marker images, as data: URIs) copied in from `static/vendor/`.
A Content-Security-Policy in the document forbids every fetch, and `outside_references`
checks the result (nested map documents included) before it is returned. Every text from
the data is escaped with `html.escape`; nothing is inserted raw.

`pdf` prints the paper version of the same briefing with headless Chromium (Debian's
`chromium` package): each map becomes a static picture (`map_pictures`: fitted to its
content, no zoom buttons or layer boxes, its legend printed under it), and every horizon
fills one A4 landscape sheet, its charts and maps taking the height the tiles leave.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import mimetypes
import numbers
import os
import re
import shutil
import signal
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import folium
import pandas as pd
import plotly.graph_objects as go
import plotly.offline

from pax import config, i18n

# Forbids every request: scripts and styles only inline, images only data:/blob:.
CSP = (
    "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; "
    "frame-src 'self' about: data:; child-src 'self' about: data:"
)
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}
MAP_HEIGHT = 420
# Small maps on paper: a compact legend and layer list leave the areas visible.
MAP_CSS = (
    ".leaflet-container{font-size:12px}.pax-legend{padding:4px 7px;line-height:1.25}"
    ".leaflet-control-layers-expanded{padding:4px 8px}"
)
CHROMIUM_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--run-all-compositor-stages-before-draw",
    "--virtual-time-budget=10000",
    # The print width (A4 landscape, 10 mm margins): charts are laid out as they print.
    "--window-size=1123,794",
)
# A map on paper: drawn at twice the pixels of its slot on the sheet (2 × 520 × 440 CSS px),
# without Leaflet's controls (nothing to click on paper; the scale bar, in a corner of the
# frame, would keep the picture from being cut to the areas) on a white ground.
PICTURE_SIZE = (520, 440)
PICTURE_SCALE = 2
PICTURE_CSS = (
    ".leaflet-control-zoom,.leaflet-control-layers,.leaflet-control-attribution,"
    ".leaflet-control-scale"
    "{display:none!important}.leaflet-container{background:#fff}"
    "html,body{height:100%;margin:0}.folium-map{height:100%!important}"
)
NO_CHROMIUM = (
    "PDF kunde inte skapas: Chromium saknas på servern (installera Debians paket chromium "
    "eller ange sökvägen i PAX_CHROMIUM). HTML-filen går att ladda ned ändå."
)


@dataclass
class Tile:
    label: str
    value: str
    delta: str | None = None
    source: str = ""


@dataclass
class Section:
    title: str
    subtitle: str = ""
    tiles: list[Tile] = field(default_factory=list)
    figures: list[go.Figure] = field(default_factory=list)
    maps: list[folium.Map] = field(default_factory=list)
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    # Source and period lines under each figure and map (same order; may be shorter).
    figure_captions: list[str] = field(default_factory=list)
    map_captions: list[str] = field(default_factory=list)


@dataclass
class Briefing:
    title: str
    subtitle: str
    date: dt.date
    sections: list[Section]
    changes: list[str]
    sources: pd.DataFrame
    disclosure: str
    fictional: bool
    lang: str = "sv"
    since: dt.date | None = None  # the last meeting, shown beside the changes
    slug: str = ""  # the area of a neighbourhood briefing, in the file name


def _t(key: str, lang: str) -> str:
    """The document's own words (`doc_` keys of `pax.i18n`)."""
    return i18n.t(f"doc_{key}", lang)


def _e(value) -> str:
    """Escaped text of any value (None and NaN become a dash)."""
    if value is None:
        return "–"
    if not isinstance(value, str):
        try:
            if pd.isna(value):
                return "–"
        except (TypeError, ValueError):  # a list or an array: shown as text
            pass
    return html.escape(str(value), quote=True)


# --- maps ------------------------------------------------------------------------------


def _vendor_file(url: str, static_dir: Path) -> Path:
    """The local copy behind a `…/vendor/…` URL; anything else is refused."""
    vendor = (static_dir / "vendor").resolve()
    marker = "vendor/"
    if marker not in url:
        raise ValueError(f"Kartan vill hämta {url} utifrån; bara static/vendor/ kan bäddas in.")
    path = (vendor / url.split(marker, 1)[1].split("?")[0]).resolve()
    if vendor not in path.parents or not path.is_file():
        raise ValueError(f"Kartan vill hämta {url}, som inte finns i static/vendor/.")
    return path


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _inline_css(path: Path) -> str:
    """The stylesheet with its relative images as data: URIs (missing ones dropped)."""

    def image(match: re.Match) -> str:
        target = match.group(2).strip()
        if target.startswith(("#", "data:")):
            return match.group(0)
        local = (path.parent / target).resolve()
        if local.is_file() and path.parent.resolve() in local.parents:
            return f"url({_data_uri(local)})"
        return "none"

    css = re.sub(r"url\((['\"]?)([^)'\"]+)\1\)", image, path.read_text(encoding="utf-8"))
    return css.replace("</", "<\\/")


def _inline_js(path: Path) -> str:
    return re.sub(r"</(script)", r"<\\/\1", path.read_text(encoding="utf-8"), flags=re.I)


def _render_without_tiles(m: folium.Map) -> str:
    """The map's HTML without online basemap tiles (PAX_TILES_URL would be fetched: a
    briefing never has them); the map itself is left as it was."""
    children = dict(m._children)
    try:
        for name, child in children.items():
            if isinstance(child, folium.raster_layers.TileLayer):
                del m._children[name]
        return m.get_root().render()
    finally:
        m._children.clear()
        m._children.update(children)


def map_document(m: folium.Map, static_dir: Path, css: str = MAP_CSS) -> str:
    """The map as a complete HTML document with Leaflet inlined from static/vendor/."""
    doc = _render_without_tiles(m)

    def script(match: re.Match) -> str:
        path = _vendor_file(match.group(1), static_dir)
        code = f"<script>{_inline_js(path)}</script>"
        if path.name == "leaflet.js":
            # Leaflet's attribution links to its web site: plain text instead, no link out.
            code += "<script>L.Control.Attribution.mergeOptions({prefix: 'Leaflet'});</script>"
        return code

    def link(match: re.Match) -> str:
        href = re.search(r"""\bhref\s*=\s*["']([^"']+)["']""", match.group(0))
        if not href:
            return ""
        return f"<style>{_inline_css(_vendor_file(href.group(1), static_dir))}</style>"

    doc = re.sub(
        r"""<script\b[^>]*\bsrc\s*=\s*["']([^"']+)["'][^>]*>\s*</script>""", script, doc, flags=re.I
    )
    doc = re.sub(r"<link\b[^>]*>", link, doc, flags=re.I)
    doc = doc.replace("</head>", f"<style>{css}</style></head>", 1)
    return doc.replace(
        "<head>", f'<head><meta http-equiv="Content-Security-Policy" content="{CSP}">', 1
    )


def _map_height(m: folium.Map) -> int:
    value, unit = getattr(m, "height", (MAP_HEIGHT, "px"))
    return int(value) if unit == "px" else MAP_HEIGHT


# --- the document ----------------------------------------------------------------------

CSS = """
@page { size: A4 landscape; margin: 10mm; }
* { box-sizing: border-box; }
html { font-size: 17px; }
body { font-family: "Source Sans 3", "Source Sans Pro", Arial, Helvetica, sans-serif;
  color: #1b1b1b; background: #fff; margin: 0 auto; padding: 12px 0 32px; max-width: 1040px;
  line-height: 1.4; }
header { border-bottom: 4px solid #1f4e79; padding-bottom: 10px; margin-bottom: 18px; }
h1 { font-size: 2.1rem; margin: 0 0 4px; color: #1f4e79; }
h2 { font-size: 1.6rem; margin: 0 0 2px; color: #1f4e79; }
h3 { font-size: 1.15rem; margin: 14px 0 6px; }
.subtitle, .date { font-size: 1.1rem; margin: 2px 0; color: #333; }
.badge { display: inline-block; background: #fff3e0; color: #8a3c00; border: 1px solid #ef6c00;
  border-radius: 4px; padding: 1px 8px; font-size: .9rem; font-weight: 600; }
.changes { background: #f3f6fa; border-left: 6px solid #1f4e79; padding: 10px 16px;
  margin: 0 0 22px; break-inside: avoid; }
.changes ul { margin: 6px 0 2px; padding-left: 1.3em; font-size: 1.1rem; }
.changes li { margin: 3px 0; }
section.horizon { margin: 0 0 26px; }
/* A class, not `section + section`: plotly appends a tester <svg> to the body while
   the page is still being parsed, between the sections. */
section.horizon.next { break-before: page; }
h2, h3 { break-after: avoid; }
.section-sub { color: #444; margin: 0 0 10px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(185px, 1fr));
  gap: 10px; margin-bottom: 12px; }
.tile { border: 1px solid #c9d3de; border-radius: 6px; padding: 8px 12px; break-inside: avoid; }
.tile .label { font-size: .95rem; color: #333; }
.tile .value { font-size: 1.9rem; font-weight: 700; line-height: 1.2; }
.tile .delta { font-size: .95rem; color: #1f4e79; }
.tile .source, figcaption, .note { font-size: .78rem; color: #555; line-height: 1.3; }
.sentences p { font-size: 1.05rem; margin: 4px 0; }
.visuals { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr));
  gap: 14px; }
figure { margin: 0; break-inside: avoid; min-width: 0; }
figure.chart { overflow: hidden; }
figure.map iframe { width: 100%; border: 1px solid #c9d3de; display: block; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 10px; font-size: .92rem;
  break-inside: auto; }
th, td { border: 1px solid #c9d3de; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #eef2f7; }
td.num { text-align: right; white-space: nowrap; }
tr { break-inside: avoid; }
.back { break-before: page; }
.disclosure { font-size: 1rem; border-top: 1px solid #c9d3de; margin-top: 14px;
  padding-top: 8px; }
.legend-below { display: flex; flex-wrap: wrap; gap: 2px 14px; align-items: center;
  font-size: .85rem; line-height: 1.35; margin: 4px 0 2px; }
.legend-below div { display: inline-block; }
.legend-below i { display: inline-block; width: 14px; height: 14px; margin-right: 5px;
  vertical-align: middle; border: 1px solid #999; }
@media print {
  html { font-size: 12pt; }
  body { max-width: none; padding: 0; }
  .modebar, .modebar-container { display: none !important; }
}
"""


# The paper version: the page is laid out at the printed width in the browser too, so
# the charts Plotly sizes on load are the charts that print. A horizon with charts or
# maps is one sheet (the printable height of A4 landscape, a millimetre to spare): its
# visuals share the height its title, tiles and sentences leave.
PAPER_CSS = """
html, body.paper { font-size: 15px; }
body.paper { width: 277mm; max-width: none; margin: 0; padding: 0; }
.paper header { padding-bottom: 6px; margin-bottom: 10px; }
.paper h1 { font-size: 1.8rem; }
.paper .changes { margin: 0 0 12px; padding: 6px 14px; }
.paper .changes ul { font-size: 1rem; }
.paper .cover { break-after: page; }
.paper .sheet { height: 189mm; display: flex; flex-direction: column; overflow: hidden; }
.paper .sheet > * { flex: 0 0 auto; }
.paper .tiles { grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); margin-bottom: 8px; }
.paper .tile .value { font-size: 1.6rem; }
.paper .tiles-source { font-size: .78rem; color: #555; margin: -4px 0 6px; }
.paper header h1 { display: inline; margin-right: 14px; }
.paper header .subtitle { display: inline; }
.paper .sentences p { margin: 2px 0; }
.paper .sheet > .visuals { flex: 1 1 0; min-height: 0; display: flex; gap: 14px;
  margin-top: 6px; }
.paper .visuals > figure { flex: 1 1 0; min-width: 0; min-height: 0; display: flex;
  flex-direction: column; }
.paper .visuals .plot { flex: 1 1 0; min-height: 0; }
.paper .picture .frame { flex: 1 1 0; min-height: 0; display: flex; gap: 12px;
  align-items: flex-end; }
.paper .picture img { flex: 0 1 auto; min-width: 0; height: 100%; max-width: 72%;
  object-fit: contain; object-position: left bottom; }
.paper .picture .legends { flex: 1 1 0; min-width: 120px; }
.paper .picture .legend-below { display: block; font-size: .9rem; }
.paper .picture .legend-below div { display: block; margin: 2px 0; }
.paper .visuals figcaption { flex: 0 0 auto; }
.paper .tables { break-before: page; }
.paper table { font-size: .85rem; }
@media print { html, body.paper { font-size: 15px; } }
"""
# More changes than this and the list gets a page of its own (see render_html).
PAPER_CHANGES_ON_SHEET = 5

RESIZE = (
    "<script>window.addEventListener('load', function () {"
    "document.querySelectorAll('.plotly-graph-div').forEach(function (gd) {"
    "Plotly.Plots.resize(gd); }); });</script>"
)


def _tile(tile: Tile) -> str:
    parts = [
        f'<div class="label">{_e(tile.label)}</div>',
        f'<div class="value">{_e(tile.value)}</div>',
    ]
    if tile.delta:
        parts.append(f'<div class="delta">{_e(tile.delta)}</div>')
    if tile.source:
        parts.append(f'<div class="source">{_e(tile.source)}</div>')
    return '<div class="tile">' + "".join(parts) + "</div>"


def _cell(value, lang: str) -> str:
    if isinstance(value, bool):
        return _e(_t("yes" if value else "no", lang))
    if isinstance(value, numbers.Real) and not pd.isna(value):
        decimals = 0 if float(value).is_integer() else 1
        return i18n.number(value, decimals, lang)  # digits and spaces only
    if isinstance(value, dt.date) and not pd.isna(value):
        return _e(i18n.date(value, lang))
    return _e(value)


def numeric_text(value: str) -> bool:
    """A printed figure — `1 234`, `12,5 %`, `−2,7`, a protected `<3` or `..` — which a
    table aligns to the right like a number."""
    plain = value.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", "")
    plain = plain.replace("−", "").replace("+", "").rstrip("%").replace("<", "").replace("≈", "")
    return plain.replace("..", "0").replace("–", "").isdigit()


def _table(title: str, frame: pd.DataFrame, lang: str) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in frame.columns)
    rows = []
    for values in frame.itertuples(index=False):
        cells = []
        for i, v in enumerate(values):
            numeric = isinstance(v, numbers.Real) and not isinstance(v, bool)
            numeric |= i > 0 and isinstance(v, str) and numeric_text(v)
            cells.append(
                f'<td class="num">{_cell(v, lang)}</td>'
                if numeric
                else f"<td>{_cell(v, lang)}</td>"
            )
        rows.append("<tr>" + "".join(cells) + "</tr>")
    caption = f"<h3>{_e(title)}</h3>" if title else ""
    return f"{caption}<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _figure(fig: go.Figure, caption: str, paper: bool = False) -> str:
    # A copy on plotly's own white template: inside a Streamlit process the default
    # template is Streamlit's, which leaves the margins to the app's front end (axis
    # labels would be cut off in the file).
    fig = go.Figure(fig).update_layout(template="plotly_white")
    height = fig.layout.height or 380
    if paper:  # the chart takes the height its sheet leaves (CSS), not a fixed one
        fig.update_layout(height=None, autosize=True)
    div = fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        config={**PLOTLY_CONFIG, "staticPlot": True} if paper else PLOTLY_CONFIG,
        default_width="100%",
        default_height="100%" if paper else f"{int(height)}px",
    )
    if paper:
        div = f'<div class="plot">{div}</div>'
    note = f"<figcaption>{_e(caption)}</figcaption>" if caption else ""
    return f'<figure class="chart">{div}{note}</figure>'


def _legends(m: folium.Map) -> str:
    """The legends a map keeps for under it (`maps.base_map(legends_below=True)`); their
    HTML is the map module's own, its texts escaped there."""
    below = getattr(m, "pax_below", None) or []
    return "".join(f'<div class="legend-below">{part}</div>' for part in below)


def _map(m: folium.Map, caption: str, static_dir: Path, lang: str) -> str:
    doc = map_document(m, static_dir)
    height = _map_height(m) + 4
    note = f"<figcaption>{_e(caption)}</figcaption>" if caption else ""
    return (
        f'<figure class="map"><iframe class="pax-map" title="{_e(caption or _t("map", lang))}" '
        f'style="height:{height}px" srcdoc="{html.escape(doc, quote=True)}"></iframe>'
        f"{_legends(m)}{note}</figure>"
    )


def _picture(m: folium.Map, png: bytes, caption: str, lang: str) -> str:
    """A map on paper: its static picture with the legend beside it, then its source."""
    note = f"<figcaption>{_e(caption)}</figcaption>" if caption else ""
    src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return (
        f'<figure class="picture"><div class="frame"><img class="pax-map-picture" src="{src}" '
        f'alt="{_e(caption or _t("map", lang))}"><div class="legends">{_legends(m)}</div>'
        f"</div>{note}</figure>"
    )


def _section(
    s: Section,
    static_dir: Path,
    lang: str,
    first: bool,
    pictures: list[bytes] | None = None,
    lead: str = "",
) -> str:
    """One horizon. On paper (`pictures` given, one per map) the horizon is one sheet —
    `lead` (the header on the first) on top, the visuals filling what the tiles leave —
    and its tables follow on the next page."""
    kind = "horizon" if first else "horizon next"
    visuals = [
        _figure(
            fig, s.figure_captions[i] if i < len(s.figure_captions) else "", pictures is not None
        )
        for i, fig in enumerate(s.figures)
    ] + [
        (
            _picture(m, pictures[i], s.map_captions[i] if i < len(s.map_captions) else "", lang)
            if pictures is not None
            else _map(m, s.map_captions[i] if i < len(s.map_captions) else "", static_dir, lang)
        )
        for i, m in enumerate(s.maps)
    ]
    sheet = pictures is not None and bool(visuals)
    out = [f'<section class="{kind}">']
    out.append('<div class="sheet">' if sheet else "")
    out.append(lead)
    out.append(f"<h2>{_e(s.title)}</h2>")
    if s.subtitle:
        out.append(f'<p class="section-sub">{_e(s.subtitle)}</p>')
    if s.tiles:
        sources = {t.source for t in s.tiles}
        if pictures is not None and len(s.tiles) > 1 and len(sources) == 1:
            # On paper one line under the row says what every tile would repeat.
            row = [Tile(t.label, t.value, t.delta) for t in s.tiles]
            out.append('<div class="tiles">' + "".join(_tile(t) for t in row) + "</div>")
            out.append(f'<p class="tiles-source">{_e(sources.pop())}</p>')
        else:
            out.append('<div class="tiles">' + "".join(_tile(t) for t in s.tiles) + "</div>")
    if s.sentences:
        out.append(
            '<div class="sentences">' + "".join(f"<p>{_e(x)}</p>" for x in s.sentences) + "</div>"
        )
    if visuals:
        out.append('<div class="visuals">' + "".join(visuals) + "</div>")
    out.append("</div>" if sheet else "")
    if s.tables:
        out.append('<div class="tables">')
        out += [_table(title, frame, lang) for title, frame in s.tables]
        out.append("</div>")
    out.append("</section>")
    return "".join(out)


def _sources_table(frame: pd.DataFrame, lang: str) -> str:
    columns = {
        "title": _t("title", lang),
        "publisher": _t("publisher", lang),
        "licence": _t("licence", lang),
        "period": _t("period", lang),
        "fictional": _t("fictional_col", lang),
    }
    shown = frame.reindex(columns=list(columns)).copy()
    shown["fictional"] = [
        _t("yes" if bool(v) and not pd.isna(v) else "no", lang) for v in shown["fictional"]
    ]
    shown["period"] = [
        v if isinstance(v, str) else ("–" if pd.isna(v) else v) for v in shown["period"]
    ]
    return _table("", shown.rename(columns=columns), lang)


def render_html(b: Briefing, static_dir: Path, pictures: list[bytes] | None = None) -> str:
    """One self-contained HTML document (see the module docstring). With `pictures` (one
    PNG per map, in the order of the sections' maps: `map_pictures`) it is the paper
    version: static maps and one A4 landscape sheet per horizon."""
    lang = b.lang
    paper = pictures is not None
    has_figures = any(s.figures for s in b.sections)
    head = [
        "<!DOCTYPE html>",
        f'<html lang="{"en" if lang == "en" else "sv"}"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(b.title)} – {_e(i18n.date(b.date, lang))}</title>",
        f"<style>{CSS}{PAPER_CSS if paper else ''}</style>",
    ]
    if has_figures:
        head.append("<script>window.PlotlyConfig = {MathJaxConfig: 'local'};</script>")
        head.append(f"<script>{plotly.offline.get_plotlyjs()}</script>")
    head.append('</head><body class="paper">' if paper else "</head><body>")
    badge = f' <span class="badge">{_e(_t("fictional", lang))}</span>' if b.fictional else ""
    top = [
        "<header>",
        f"<h1>{_e(b.title)}</h1>",
        f'<p class="subtitle">{_e(b.subtitle)}</p>' if b.subtitle else "",
        f'<p class="date">{_e(_t("dated", lang))} {_e(i18n.date(b.date, lang))}{badge}</p>',
        "</header>",
    ]
    if b.changes or b.since:  # an area briefing has no meeting list: no empty box then
        since = f" ({_e(i18n.date(b.since, lang))})" if b.since else ""
        items = "".join(f"<li>{_e(x)}</li>" for x in b.changes)
        top.append(
            f'<div class="changes"><h2>{_e(_t("changes", lang))}{since}</h2>'
            + (f"<ul>{items}</ul>" if items else f"<p>{_e(_t('no_changes', lang))}</p>")
            + "</div>"
        )
    lead = "".join(x for x in top if x)
    body = []
    if paper:
        # A short header shares the first sheet with the first horizon; a long list of
        # changes gets a page of its own, so the first horizon's maps keep their size.
        own_page = len(b.changes) > PAPER_CHANGES_ON_SHEET or not b.sections
        if own_page:
            body.append(f'<div class="cover">{lead}</div>')
        remaining = iter(pictures)
        for i, s in enumerate(b.sections):
            first = i == 0 and not own_page
            mine = [next(remaining) for _ in s.maps]
            body.append(_section(s, static_dir, lang, first, mine, lead if first else ""))
    else:
        body.append(lead)
        body += [_section(s, static_dir, lang, i == 0) for i, s in enumerate(b.sections)]
    body.append(f'<section class="back"><h2>{_e(_t("sources", lang))}</h2>')
    body.append(_sources_table(b.sources, lang))
    body.append(f'<p class="disclosure">{_e(b.disclosure)}</p>')
    body.append(f'<p class="note">{_e(_t("made", lang))}</p></section>')
    if has_figures:
        # A chart is drawn as soon as it is parsed, before the map beside it exists: fit
        # every chart to its final column once the page has loaded.
        body.append(RESIZE)
    body.append("</body></html>")
    doc = "\n".join(head) + "\n" + "\n".join(x for x in body if x)
    outside = outside_references(doc)
    if outside:
        raise ValueError(f"Lägesbilden skulle hämta något utifrån: {outside[:3]}")
    return doc


# --- checking ---------------------------------------------------------------------------

URL_ATTRIBUTES = {"src", "href", "srcset", "poster", "data", "action", "formaction", "background"}


class _References(HTMLParser):
    """Every URL an element of the document (or of a srcdoc inside it) would load."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.srcdocs: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in URL_ATTRIBUTES:
                self.urls.append(value)
            elif name == "srcdoc":
                self.srcdocs.append(value)
            elif name == "style":
                self.styles.append(value)
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def outside_references(doc: str) -> list[str]:
    """URLs in src/href/… attributes and CSS url()/@import that would leave the file
    (anything but data:, blob:, about: and #fragments), and any /app/static path, in the
    document and in every iframe srcdoc inside it (recursively). Script code is not an
    element: a URL inside a JavaScript string is not a resource."""
    parser = _References()
    parser.feed(doc)
    parser.close()
    found = []
    for url in parser.urls:
        value = url.strip().lower()
        if not value.startswith(("data:", "blob:", "about:", "#", "javascript:void")):
            found.append(url)
    for css in parser.styles:
        for target in re.findall(r"url\(\s*['\"]?([^)'\"]+)", css):
            if not target.strip().lower().startswith(("data:", "blob:", "#")):
                found.append(target)
        found += re.findall(r"@import\s+[^;]+", css)
    if "/app/static" in doc:
        found.append("/app/static")
    for inner in parser.srcdocs:
        found += outside_references(inner)
    return found


# --- PDF and file names -----------------------------------------------------------------


def find_chromium() -> str | None:
    """PAX_CHROMIUM, Debian's /usr/bin/chromium, or the first chromium on PATH."""
    for candidate in (
        config.get("PAX_CHROMIUM") or None,
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def _chromium(exe: str | None, args: list[str], page: str, out_name: str, timeout: int) -> bytes:
    """Run headless Chromium once on the HTML `page` (written to a private folder) with
    `args` naming `{out}`, the file it writes; that file's bytes. RuntimeError with a
    Swedish sentence when Chromium is missing, fails or takes longer than `timeout` s."""
    exe = exe or find_chromium()
    if not exe:
        raise RuntimeError(NO_CHROMIUM)
    with tempfile.TemporaryDirectory(prefix="pax-lagesbild-") as tmp:
        src, out = Path(tmp) / "lagesbild.html", Path(tmp) / out_name
        src.write_text(page, encoding="utf-8")
        cmd = [
            exe,
            *CHROMIUM_ARGS,
            f"--user-data-dir={Path(tmp) / 'profil'}",
            *(a.format(out=out) for a in args),
            src.as_uri(),
        ]
        try:
            proc = subprocess.Popen(
                cmd,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError as exc:
            raise RuntimeError(
                f"PDF kunde inte skapas: Chromium gick inte att starta ({exc})."
            ) from exc
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(proc)
            raise RuntimeError(
                f"PDF kunde inte skapas: Chromium blev inte klar inom {timeout} sekunder. "
                "HTML-filen går att ladda ned ändå."
            ) from None
        finally:
            _kill(proc)  # renderer and helper processes of the same session
        data = out.read_bytes() if out.exists() else b""
    if not data:
        last = (err or b"").decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        raise RuntimeError(
            f"PDF kunde inte skapas: Chromium avslutades med kod {proc.returncode}. {last[0]}"
        )
    return data


def to_pdf(doc: str, chromium: str | None = None, timeout: int = 120) -> bytes:
    """Print the HTML to PDF (A4 landscape) with headless Chromium; RuntimeError with a
    Swedish sentence when Chromium is missing, fails or takes longer than `timeout` s."""
    data = _chromium(
        chromium, ["--print-to-pdf={out}", "--no-pdf-header-footer"], doc, "lagesbild.pdf", timeout
    )
    if not data.startswith(b"%PDF"):
        raise RuntimeError("PDF kunde inte skapas: Chromium skrev ingen PDF-fil.")
    return data


def map_pictures(
    maps: list[folium.Map],
    static_dir: Path,
    chromium: str | None = None,
    size: tuple[int, int] = PICTURE_SIZE,
    scale: int = PICTURE_SCALE,
    timeout: int = 120,
) -> list[bytes]:
    """Each map as a PNG picture (`size` CSS pixels at `scale`): drawn by one Chromium
    run from the maps' own documents stacked on one page, then cut apart. Each map keeps
    its fit (the municipality, or an area and its neighbours); Leaflet's zoom buttons,
    layer box and attribution are not drawn. Legends kept for under the map
    (`legends_below`) are not in the picture: the document prints them as text."""
    width, height = size
    frames = [
        f'<iframe style="display:block;border:0;width:{width}px;height:{height}px" '
        f'srcdoc="{html.escape(map_document(m, static_dir, PICTURE_CSS), quote=True)}"></iframe>'
        for m in maps
    ]
    return pictures(frames, [size] * len(maps), chromium, scale=scale, timeout=timeout)


def chart_pictures(
    figures: list[go.Figure],
    sizes: list[tuple[int, int]],
    chromium: str | None = None,
    scale: int = PICTURE_SCALE,
    timeout: int = 120,
) -> list[bytes]:
    """Each Plotly figure as a PNG picture of its size (CSS pixels at `scale`), drawn
    by one Chromium run with plotly.js inlined once (static plots: no mode bar)."""
    frames = []
    for fig, (width, height) in zip(figures, sizes, strict=True):
        fig = go.Figure(fig).update_layout(template="plotly_white", width=width, height=height)
        div = fig.to_html(
            full_html=False,
            include_plotlyjs=False,
            config={**PLOTLY_CONFIG, "staticPlot": True, "responsive": False},
            default_width=f"{width}px",
            default_height=f"{height}px",
        )
        frames.append(f'<div style="width:{width}px;height:{height}px;overflow:hidden">{div}</div>')
    head = f"<script>{plotly.offline.get_plotlyjs()}</script>" if figures else ""
    return pictures(frames, sizes, chromium, scale=scale, timeout=timeout, head=head, trim=False)


# The tallest screenshot one Chromium run draws (device pixels); taller stacks are split.
MAX_SHOT_HEIGHT = 12000


def pictures(
    frames: list[str],
    sizes: list[tuple[int, int]],
    chromium: str | None = None,
    scale: int = PICTURE_SCALE,
    timeout: int = 120,
    head: str = "",
    trim: bool = True,
) -> list[bytes]:
    """PNG pictures of HTML elements (`frames`, each drawn at its `size` in CSS pixels):
    stacked on one page, taken in one Chromium screenshot (more when the stack would be
    taller than MAX_SHOT_HEIGHT), then cut apart. `trim` cuts each picture to what is
    drawn on it, a margin kept (a map's white around it wastes its sheet's height)."""
    from PIL import Image, ImageChops  # Streamlit's own dependency

    batches: list[list[int]] = []
    height_so_far = 0
    for i, (_, height) in enumerate(sizes):
        if not batches or (height_so_far + height) * scale > MAX_SHOT_HEIGHT:
            batches.append([])
            height_so_far = 0
        batches[-1].append(i)
        height_so_far += height
    out: list[bytes] = []
    for batch in batches:
        width = max(sizes[i][0] for i in batch)
        total = sum(sizes[i][1] for i in batch)
        page = (
            f'<!DOCTYPE html><html><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            "<style>html,body{margin:0;padding:0;background:#fff;overflow:hidden}</style>"
            f"{head}</head><body>{''.join(frames[i] for i in batch)}</body></html>"
        )
        shot = _chromium(
            chromium,
            [
                "--screenshot={out}",
                "--hide-scrollbars",
                f"--force-device-scale-factor={scale}",
                f"--window-size={width},{total}",  # after CHROMIUM_ARGS': wins
            ],
            page,
            "bilder.png",
            timeout,
        )
        with Image.open(io.BytesIO(shot)) as whole:
            if whole.size != (width * scale, total * scale):
                raise RuntimeError(
                    f"Bilderna kunde inte skapas: Chromium ritade {whole.size[0]}×"
                    f"{whole.size[1]} bildpunkter i stället för {width * scale}×{total * scale}."
                )
            whole = whole.convert("RGB")
            top = 0
            for i in batch:
                w, h = sizes[i][0] * scale, sizes[i][1] * scale
                picture = whole.crop((0, top, w, top + h))
                top += h
                box = ImageChops.difference(picture, Image.new("RGB", (w, h), "#ffffff")).getbbox()
                if trim and box:
                    pad = 6 * scale
                    picture = picture.crop(
                        (
                            max(box[0] - pad, 0),
                            max(box[1] - pad, 0),
                            min(box[2] + pad, w),
                            min(box[3] + pad, h),
                        )
                    )
                buffer = io.BytesIO()
                picture.save(buffer, format="PNG", optimize=True)
                out.append(buffer.getvalue())
    return out


def paper_document(b: Briefing, static_dir: Path, chromium: str | None = None) -> str:
    """The paper version of the briefing (static maps, one sheet per horizon)."""
    maps = [m for s in b.sections for m in s.maps]
    return render_html(b, static_dir, pictures=map_pictures(maps, static_dir, chromium))


def pdf(b: Briefing, static_dir: Path, chromium: str | None = None) -> bytes:
    """The briefing as a PDF (A4 landscape) made for paper."""
    return to_pdf(paper_document(b, static_dir, chromium), chromium)


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def slugify(text: str) -> str:
    """`Hovsjö/Ronna` → `hovsjo-ronna` (ASCII letters, digits and dashes)."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def filename(b: Briefing, ext: str) -> str:
    """`pax-lagesbild-2026-11-27.html`, or `pax-lagesbild-hovsjo-2026-11-27.pdf`."""
    slug = slugify(b.slug)
    middle = f"-{slug}" if slug else ""
    return f"pax-lagesbild{middle}-{b.date.isoformat()}.{ext.lstrip('.')}"
