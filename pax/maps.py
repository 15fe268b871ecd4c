"""Pure folium map builders that work on a closed network.

folium loads Leaflet, jQuery, Bootstrap and plugins from CDNs; offline the map stays
blank. `localize` points every element at our own copies under `static/vendor/`
(served by Streamlit at PAX_STATIC_URL) and drops the assets our maps never use. Any
element still asking for an outside asset raises, so a new plugin cannot slip a CDN in.

folium puts tooltip and popup text into JavaScript template literals and HTML without
escaping; every label passes `safe_text` first, and labels are built only from our own
names and numbers.
"""

from __future__ import annotations

import functools
import json
import warnings
from dataclasses import dataclass

import branca.element
import folium
import mapclassify
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.plugins import HeatMap
from jinja2 import Template

from pax import config, i18n, safe

SODERTALJE_CENTER = (59.17, 17.62)


class _StaticText:
    """What a jinja2 Template of text without any template syntax renders: the text, less
    one trailing newline (jinja2's keep_trailing_newline=False), and no macros."""

    module = type("NoMacros", (), {})()

    def __init__(self, text: str):
        self._text = text[:-1] if text.endswith("\n") else text

    def render(self, *args, **kwargs) -> str:
        return self._text


def _template(source, *args, **kwargs):
    """branca's Element(text) compiles the text as a jinja2 template. While rendering a map,
    branca wraps every element's rendered output so, GeoJSON included: the lexer then
    tokenises megabytes of map data on every page run (13 % of all the app's CPU under
    load, py-spy). Text without template syntax (or a carriage return, which jinja2 would
    normalise) renders as itself, so it is not compiled; anything else is, as before.
    tests/unit/test_maps_and_exports.py renders maps both ways and compares them byte for byte."""
    if (
        not args
        and not kwargs
        and isinstance(source, str)
        and not any(mark in source for mark in ("{{", "{%", "{#", "\r"))
    ):
        return _StaticText(source)
    return Template(source, *args, **kwargs)


branca.element.Template = _template  # used by Element.__init__ (and unpickling) only
# Local copies (static/vendor/…, from the npm registry; licences beside them).
LOCAL_JS = {
    "leaflet": "vendor/leaflet/leaflet.js",
    "leaflet-heat.js": "vendor/leaflet.heat/leaflet-heat.js",
}
LOCAL_CSS = {"leaflet_css": "vendor/leaflet/leaflet.css"}
# folium asks for these by default, but nothing we draw uses them (no awesome markers,
# no Bootstrap popups); dropping them keeps the map light and offline.
UNUSED = {
    "jquery",
    "bootstrap",
    "awesome_markers",
    "bootstrap_css",
    "glyphicons_css",
    "awesome_markers_font_css",
    "awesome_markers_css",
    "awesome_rotate_css",
}
# Colour-blind-safe sequential palettes (a single-hue purple ramp for "higher is worse", so
# that zero does not look like an alarm; viridis for "higher is better"), cut so that every
# class, drawn at AREA_OPACITY over MAP_BACKGROUND, has at least 3:1 contrast against the
# background (WCAG 1.4.11), lightest class first, luminance falling class by class.
# tests/unit/test_contrast.py checks both, also for simulated colour-vision deficiencies.
MAP_BACKGROUND = "#f4f6f8"
AREA_OPACITY = 0.9
HOTSPOT_OPACITY = 0.75
PALETTE = ("#8574be", "#6f5aae", "#55379a", "#3f1a86", "#26004f")
PALETTE_GOOD = ("#1d8f80", "#26768e", "#31598c", "#443983", "#440154")
NO_DATA = "#7f7f7f"
# Zero is no class of the ramp: a pale neutral fill with a dark outline (the outline gives
# the 3:1 contrast), told apart from the first class at a glance.
ZERO_FILL = "#ece8df"
ZERO_OUTLINE = "#5f5f5f"
AREA_OUTLINE = "#ffffff"


@dataclass(frozen=True)
class MapSettings:
    """A deployment's map settings: an optional online basemap (`PAX_TILES_URL`,
    `PAX_TILES_ATTRIBUTION`) and where the app serves Leaflet (`PAX_STATIC_URL`). The
    default is the closed network's: no basemap, assets under /app/static."""

    tiles_url: str = ""
    tiles_attribution: str = ""
    static_url: str = "/app/static"

    @classmethod
    def from_config(cls) -> MapSettings:
        return cls(
            config.get("PAX_TILES_URL"),
            config.get("PAX_TILES_ATTRIBUTION"),
            config.get("PAX_STATIC_URL"),
        )


OFFLINE = MapSettings()


def safe_text(value) -> str:
    """Text safe inside folium's HTML and JS template literals (`pax.safe.html`)."""
    return safe.html(value)


def _walk(element):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def localize(m: folium.Map, static_url: str = OFFLINE.static_url) -> folium.Map:
    """Point every JS/CSS asset of the map at our local copies; refuse unknown ones."""
    base = static_url.rstrip("/")
    for element in _walk(m):
        for attr, local in (("default_js", LOCAL_JS), ("default_css", LOCAL_CSS)):
            assets = getattr(element, attr, None)
            if not assets:
                continue
            kept = []
            for name, url in assets:
                if name in UNUSED:
                    continue
                if name not in local:
                    raise ValueError(
                        f"Kartelementet {type(element).__name__} vill hämta "
                        f"{url} utifrån; lägg en lokal kopia i static/vendor/."
                    )
                kept.append((name, f"{base}/{local[name]}"))
            setattr(element, attr, kept)
    return m


def base_map(
    height: int = 600,
    zoom: int = 11,
    center=SODERTALJE_CENTER,
    font_px: int = 14,
    lang: str = "sv",
    legends_below: bool = False,
    settings: MapSettings = OFFLINE,
) -> folium.Map:
    """A base map: no tiles unless `settings` name a basemap. `lang` is the language of the
    map's own words (the basemap's layer name); the caller's titles come translated.
    `legends_below`: legends are kept in `m.pax_below` for the page to show under the map
    (`ui.components.legend_below`) instead of covering the areas they explain."""
    m = folium.Map(
        location=center,
        zoom_start=zoom,
        tiles=None,
        control_scale=True,
        prefer_canvas=True,
        height=height,
        zoom_snap=0.25,  # fit a municipality's outline closely, not at the next whole zoom
        zoom_delta=0.5,
    )
    if settings.tiles_url:
        folium.TileLayer(
            tiles=settings.tiles_url,
            attr=settings.tiles_attribution or " ",
            name=i18n.t("basemap", lang),
        ).add_to(m)
    style = (
        f"<style>.leaflet-container{{background:{MAP_BACKGROUND};font-size:{font_px}px}}"
        f".pax-legend{{background:#fff;padding:8px 10px;border-radius:4px;"
        f"box-shadow:0 1px 4px rgba(0,0,0,.3);line-height:1.4}}"
        f".pax-legend i{{display:inline-block;width:14px;height:14px;margin-right:6px;"
        f"vertical-align:middle;border:1px solid #999}}"
        f".leaflet-control-layers{{font-size:{font_px}px}}</style>"
    )
    m.get_root().header.add_child(folium.Element(style))
    m.pax_below = [] if legends_below else None
    return m


def class_breaks(values, k: int = 5) -> list[float]:
    """Natural-breaks classes (Fisher–Jenks, mapclassify) as upper bounds.

    Zero gets a class of its own when present, so that many empty areas do not swallow
    the lower classes of a count map."""
    v = pd.to_numeric(pd.Series(values), errors="coerce").dropna().to_numpy(dtype=float)
    if v.size == 0:
        return []
    zero = bool((v == 0).any()) and v.min() >= 0
    rest = v[v > 0] if zero else v
    if rest.size == 0:
        return [0.0]
    classes = min(k - zero, len(np.unique(rest)))
    if classes < 2:
        bins = [float(rest.max())]
    else:
        bins = list(_fisher_jenks(tuple(np.sort(rest).tolist()), classes))
    return ([0.0] if zero else []) + sorted(set(bins))


@functools.lru_cache(maxsize=256)
def _fisher_jenks(values: tuple[float, ...], k: int) -> tuple[float, ...]:
    """Fisher–Jenks upper bounds of sorted `values`, remembered: without numba the pure
    version is O(n² k) — 0.3 s for Stockholm's 544 DeSO on every run of a page — and a
    map's values rarely change between runs."""
    with warnings.catch_warnings():  # "Numba not installed": the pure version is fine here
        warnings.simplefilter("ignore", UserWarning)
        return tuple(float(b) for b in mapclassify.FisherJenks(np.array(values), k=k).bins)


def color_for(value, breaks: list[float], palette=PALETTE) -> str:
    if value is None or pd.isna(value) or not breaks:
        return NO_DATA
    if value == 0 and breaks[0] == 0:
        return ZERO_FILL
    for i, upper in enumerate(breaks):
        if value <= upper:
            return palette[
                min(i, len(palette) - 1)
                if len(breaks) >= len(palette)
                else round(i * (len(palette) - 1) / max(len(breaks) - 1, 1))
            ]
    return palette[-1]


def add_areas(
    m: folium.Map,
    areas: pd.DataFrame,
    name: str,
    value_col: str | None = None,
    label_col: str = "label",
    palette=PALETTE,
    legend_title: str = "",
    fmt=lambda v: f"{v:g}",
    show: bool = True,
    lang: str = "sv",
) -> folium.Map:
    """Area polygons, optionally coloured by `value_col` in quantile classes (the legend's
    own words in `lang`).

    `areas` has `code`, `name`, `geometry` (GeoJSON text) and `label_col` (our own text,
    escaped here). Hidden or missing values are grey."""
    breaks = class_breaks(areas[value_col]) if value_col else []
    features = []
    for _, row in areas.iterrows():
        value = row[value_col] if value_col else None
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(row["geometry"]),
                "properties": {
                    "code": safe_text(row["code"]),
                    "label": safe_text(row[label_col]),
                    "fill": color_for(value, breaks, palette) if value_col else "#ffffff",
                },
            }
        )
    layer = folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=safe_text(name),  # Leaflet's layer control sets it as innerHTML
        show=show,
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"],
            "color": ZERO_OUTLINE
            if f["properties"]["fill"] == ZERO_FILL
            else AREA_OUTLINE
            if value_col
            else "#37474f",
            "weight": 1.5 if f["properties"]["fill"] == ZERO_FILL else 1,
            "fillOpacity": AREA_OPACITY if value_col else 0.15,
        },
        highlight_function=lambda f: {"weight": 3, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
    )
    layer.add_to(m)
    if value_col and breaks:
        add_legend(m, legend_title, breaks, palette, fmt, lang)
    return m


def add_legend(
    m: folium.Map, title: str, breaks: list[float], palette, fmt, lang: str = "sv"
) -> None:
    _control(m, legend_html(title, breaks, palette, fmt, lang), "bottomright")


def legend_html(title: str, breaks: list[float], palette, fmt, lang: str = "sv") -> str:
    """The classes of a choropleth as HTML (our own text escaped)."""
    rows = []
    lower = None
    for upper in breaks:
        color = color_for(upper, breaks, palette)
        if lower is None:
            text = fmt(upper) if upper == 0 else f"≤ {fmt(upper)}"
        else:
            text = f"> {fmt(lower)} – {fmt(upper)}"
        border = f";border-color:{ZERO_OUTLINE}" if color == ZERO_FILL else ""
        rows.append(f"<div><i style='background:{color}{border}'></i>{safe_text(text)}</div>")
        lower = upper
    rows.append(
        f"<div><i style='background:{NO_DATA}'></i>"
        f"{safe_text(i18n.t('missing_or_hidden', lang))}</div>"
    )
    return "<b>" + safe_text(title) + "</b>" + "".join(rows)


def bounds_of(geometries) -> list[list[float]] | None:
    """[[south, west], [north, east]] around GeoJSON geometries (text), for `finish`."""
    import shapely

    shapes = [shapely.from_geojson(g) for g in geometries if isinstance(g, str) and g]
    if not shapes:
        return None
    minx, miny, maxx, maxy = shapely.total_bounds(shapes)
    return [[float(miny), float(minx)], [float(maxy), float(maxx)]]


def add_heat(m: folium.Map, points: pd.DataFrame, name: str, radius: int = 18) -> folium.Map:
    """A heat layer from protected, weighted points (lat, lon, weight)."""
    if points.empty:
        return m
    data = points[["lat", "lon", "weight"]].astype(float).to_numpy().round(6).tolist()
    HeatMap(
        data, name=safe_text(name), radius=radius, blur=15, min_opacity=0.3, max_zoom=14
    ).add_to(m)
    return m


def add_outlines(
    m: folium.Map,
    outlines: pd.DataFrame,
    name: str,
    show: bool = True,
    color: str = "#6a1b9a",
    dash: str | None = "6 4",
) -> folium.Map:
    """Outlines (e.g. police-listed areas) with a dashed border and an escaped label."""
    features = [
        {
            "type": "Feature",
            "geometry": json.loads(row["geometry"]),
            "properties": {"label": safe_text(row["label"])},
        }
        for _, row in outlines.iterrows()
    ]
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=safe_text(name),  # Leaflet's layer control sets it as innerHTML
        show=show,
        style_function=lambda f: {
            "fill": False,
            "color": color,
            "weight": 3,
            "dashArray": dash,
        },
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
    ).add_to(m)
    return m


def add_points(
    m: folium.Map, points: pd.DataFrame, name: str, color: str = "#1565c0", show: bool = False
) -> folium.Map:
    """Small circle markers for places (schools, cameras), as ONE GeoJSON layer: one folium
    object per place made the map's rendering (twice per run in streamlit-folium) slow.
    Without a located place no layer is added: a kommun without school files is offered
    no empty *Grundskolor* layer."""
    if points.dropna(subset=["lat", "lon"]).empty:
        return m
    _point_layer(m, points, name, lambda row: color, radius=4, show=show)
    return m


def _point_layer(
    m: folium.Map, points: pd.DataFrame, name: str, color_of, radius: int, show: bool
) -> None:
    pts = points.dropna(subset=["lat", "lon"])
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(r["lon"]), float(r["lat"])]},
            "properties": {"label": safe_text(r["label"]), "color": color_of(r)},
        }
        for _, r in pts.iterrows()
    ]
    group = folium.FeatureGroup(name=safe_text(name), show=show)
    if features:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            marker=folium.CircleMarker(radius=radius, weight=2, fill=True, fill_opacity=0.85),
            style_function=lambda f: {
                "color": f["properties"]["color"],
                "fillColor": f["properties"]["color"],
            },
            tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
        ).add_to(group)
    group.add_to(m)


def finish(
    m: folium.Map,
    bounds=None,
    layer_control: bool = True,
    settings: MapSettings = OFFLINE,
) -> folium.Map:
    """Add the layer control, fit bounds and localise assets (call last)."""
    if layer_control:
        folium.LayerControl(collapsed=False).add_to(m)
    if bounds:
        _fit(m, bounds)
    return localize(m, settings.static_url)


def _fit(m: folium.Map, bounds) -> None:
    """Fit the map to `bounds` when drawn and again whenever its frame is resized until the
    viewer first pans or zooms: the frame gets its final size after Leaflet has started
    (Streamlit sizes the component), and a fit made for the first size cuts the content."""
    control = MacroElement()
    control._template = Template(
        "{% macro script(this, kwargs) %}"
        "(function (map) {"
        f"var b = L.latLngBounds({json.dumps(bounds)}), mine = true;"
        "function fit() { if (mine) { map.invalidateSize(); map.fitBounds(b, {padding: [6, 6]}); } }"
        "fit(); map.on('resize', fit); setTimeout(fit, 250); setTimeout(fit, 1000);"
        "map.on('mousedown touchstart wheel keydown', function () { mine = false; });"
        "})({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )
    m.add_child(control)


# Gi* classes: −3 cold 99 % … +3 hot 99 %; 0 (not significant) is not drawn.
HOTSPOT_COLORS = {  # ColorBrewer RdBu, darkened to ≥ 3:1 at HOTSPOT_OPACITY
    3: "#67001f",
    2: "#b2182b",
    1: "#c7432e",
    -1: "#307096",
    -2: "#1a4f8a",
    -3: "#053061",
}
HOTSPOT_LABELS = {
    3: "Hotspot 99 %",
    2: "Hotspot 95 %",
    1: "Hotspot 90 %",
    -1: "Coldspot 90 %",
    -2: "Coldspot 95 %",
    -3: "Coldspot 99 %",
}
PRESENCE_COLORS = {
    "camera": "#37474f",
    "police_presence": "#1565c0",
    "guards": "#6a1b9a",
    "field_workers": "#2e7d32",
    "night_walks": "#c75a00",
    "safety_walk": "#00838f",
}


def add_hotspots(
    m: folium.Map,
    cells: pd.DataFrame,
    name: str,
    method: str,
    show: bool = True,
    outline: bool = False,
    legend: bool = True,
) -> folium.Map:
    """Significant Gi* cells or areas (`geometry` GeoJSON, `cls`, `label`), with a legend
    naming the method. Areas are drawn as thick coloured borders (`outline`) so that the
    choropleth underneath stays readable; grid cells are filled squares."""
    sig = cells[cells["cls"] != 0]
    features = [
        {
            "type": "Feature",
            "geometry": json.loads(row["geometry"]),
            "properties": {
                "label": safe_text(row["label"]),
                "fill": HOTSPOT_COLORS[int(row["cls"])],
            },
        }
        for _, row in sig.iterrows()
    ]
    if outline:

        def style(f):
            return {"fill": False, "color": f["properties"]["fill"], "weight": 5, "opacity": 0.95}
    else:

        def style(f):
            return {
                "fillColor": f["properties"]["fill"],
                "color": "#555555",
                "weight": 0.5,
                "fillOpacity": HOTSPOT_OPACITY,
            }

    group = folium.FeatureGroup(name=safe_text(name), show=show)
    if features:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            style_function=style,
            tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
        ).add_to(group)
    group.add_to(m)
    if legend:
        rows = "".join(
            f"<div><i style='background:{HOTSPOT_COLORS[c]}'></i>{HOTSPOT_LABELS[c]}</div>"
            for c in (3, 2, 1, -1, -2, -3)
        )
        _control(m, f"<b>{safe_text(method)}</b>{rows}", "bottomleft")
    return m


def add_presence(m: folium.Map, presence: pd.DataFrame, name: str) -> folium.Map:
    """Preventive presence (`lat`, `lon`, `type`, `label`) as one point layer."""
    _point_layer(
        m, presence, name, lambda r: PRESENCE_COLORS.get(r["type"], "#000000"), radius=6, show=True
    )
    return m


def _control(m: folium.Map, inner_html: str, position: str) -> None:
    if getattr(m, "pax_below", None) is not None:  # shown under the map by the page
        m.pax_below.append(inner_html)
        return
    control = MacroElement()
    control._template = Template(
        "{% macro script(this, kwargs) %}"
        f"var c = L.control({{position: '{position}'}});"
        "c.onAdd = function () { var d = L.DomUtil.create('div', 'pax-legend');"
        f"d.innerHTML = {json.dumps(inner_html)}; return d; }};"
        "c.addTo({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )
    m.add_child(control)


def events_map(
    counts: pd.DataFrame,
    heat: pd.DataFrame,
    police: pd.DataFrame,
    places: pd.DataFrame,
    names: dict[str, str],
    fmt=lambda v: f"{v:g}",
    height: int = 620,
    value_col: str = "count",
    hot_areas: pd.DataFrame | None = None,
    hot_grid: pd.DataFrame | None = None,
    presence: pd.DataFrame | None = None,
    selected: str | None = None,
    font_px: int = 14,
    lang: str = "sv",
    legends_below: bool = False,
    settings: MapSettings = OFFLINE,
) -> folium.Map:
    """The Här och nu map from protected inputs: area values (with `label`), heat points,
    tested hotspots, preventive presence, the police-listed areas and schools. `names`
    holds the layer and legend titles. Nothing here is drawn per event."""
    m = base_map(
        height=height, font_px=font_px, lang=lang, legends_below=legends_below, settings=settings
    )
    add_areas(
        m, counts, names["areas"], value_col, legend_title=names["legend"], fmt=fmt, lang=lang
    )
    if selected is not None and (counts["code"] == selected).any():
        add_outlines(
            m,
            counts[counts["code"] == selected].assign(label=lambda d: d["label"]),
            names.get("selected", "Valt område"),
            color="#000000",
            dash=None,
        )
    if not heat.empty:
        add_heat(m, heat, names["heat"])
    if hot_areas is not None and not hot_areas.empty:
        add_hotspots(m, hot_areas, names["hot_areas"], names["method"], outline=True)
    if hot_grid is not None and not hot_grid.empty:
        add_hotspots(
            m,
            hot_grid,
            names["hot_grid"],
            names["method"],
            show=False,
            legend=hot_areas is None or hot_areas.empty,
        )
    if presence is not None and not presence.empty:
        add_presence(m, presence, names["presence"])
    add_police_areas(m, police, names["police"], lang)
    add_points(m, places.assign(label=places["name"]), names["schools"])
    return finish(m, bounds=framing(counts, selected), settings=settings)


def add_police_areas(m: folium.Map, police: pd.DataFrame, name: str, lang: str = "sv") -> None:
    """The police's listed areas as outlines, each labelled `area – status (year)` with the
    status in the viewer's language."""
    outlines = police.drop_duplicates("police_area")
    outlines = outlines.assign(
        label=[
            f"{a} – {i18n.term(status, lang)} ({y})"
            for a, status, y in zip(outlines["police_area"], outlines["status"], outlines["year"])
        ]
    )
    add_outlines(m, outlines, name)


def framing(areas: pd.DataFrame, selected: str | None = None) -> list[list[float]] | None:
    """What a map opens on: the chosen area and its neighbours, else every area drawn
    (the whole municipality), never a fixed centre that cuts the outline."""
    if selected is not None and (areas["code"] == selected).any():
        import shapely

        shapes = [shapely.from_geojson(g) for g in areas["geometry"]]
        chosen = shapes[int(np.flatnonzero(areas["code"].to_numpy() == selected)[0])]
        near = [g for g, s in zip(areas["geometry"], shapes) if s.intersects(chosen.buffer(1e-6))]
        return bounds_of(near)
    return bounds_of(areas["geometry"])
