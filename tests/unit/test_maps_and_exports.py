import json
import re

import pandas as pd
import shapely
from shapely.geometry import mapping

from pax import exports, i18n, maps

SQUARE = json.dumps(mapping(shapely.box(17.6, 59.18, 17.62, 59.2)))
HOSTILE = "${alert(1)}`<img src=x onerror=alert(2)>"


def _areas(label=HOSTILE):
    return pd.DataFrame(
        {
            "code": ["a", "b"],
            "name": ["A", "B"],
            "geometry": [SQUARE, SQUARE],
            "count": [5.0, None],
            "label": [label, "B: <3"],
        }
    )


def test_the_map_asks_for_nothing_outside_the_machine():
    m = maps.base_map()
    maps.add_areas(m, _areas(), "Områden", "count", legend_title="Händelser")
    maps.add_heat(m, pd.DataFrame({"lat": [59.19], "lon": [17.61], "weight": [2.0]}), "Värme")
    html = maps.finish(m).get_root().render()
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
    assert external == []
    assert "/app/static/vendor/leaflet/leaflet.js" in html
    assert "/app/static/vendor/leaflet.heat/leaflet-heat.js" in html


def test_an_unknown_cdn_asset_is_refused():
    m = maps.base_map()
    m.default_js = [*m.default_js, ("mystery", "https://cdn.example.org/x.js")]
    try:
        maps.localize(m)
    except ValueError as exc:
        assert "static/vendor" in str(exc)
    else:
        raise AssertionError("a CDN asset slipped through")


def test_labels_are_escaped_for_html_and_js_template_literals():
    m = maps.base_map()
    maps.add_areas(m, _areas(), "Områden", "count")
    html = maps.finish(m).get_root().render()
    assert "${alert" not in html and "<img src=x" not in html and "`<img" not in html
    text = maps.safe_text(HOSTILE)
    assert not set("<>`${}") & set(text)


def test_zero_gets_its_own_class_and_hidden_values_are_grey():
    breaks = maps.class_breaks([0, 0, 0, 3, 5, 9, 12, None])
    assert breaks[0] == 0
    assert maps.color_for(None, breaks) == maps.NO_DATA
    assert maps.color_for(12, breaks) == maps.PALETTE[-1]


def test_swedish_number_and_date_format():
    assert i18n.number(1234567.891, 1) == "1\u00a0234\u00a0567,9"
    assert i18n.number(-3) == "−3"
    assert i18n.number(1234.5, 1, "en") == "1,234.5"
    assert i18n.date(pd.Timestamp("2024-03-05").date()) == "5 mars 2024"


def test_exports_neutralise_formulas():
    frame = pd.DataFrame({"a": ["=SUM(A1)", "+1", "-x", "@y", "ok"], "n": [1, 2, 3, 4, 5]})
    out = exports.neutralise(frame)
    assert out["a"].tolist() == ["'=SUM(A1)", "'+1", "'-x", "'@y", "ok"]
    csv = exports.to_csv(out).decode("utf-8-sig")
    assert csv.splitlines()[0] == "a;n"


def _rendered_with_fixed_ids(monkeypatch) -> str:
    """A map with areas, heat, hotspots and a legend, rendered as st_folium renders it
    (the whole page and the map's own script), with element ids counted from 0."""
    import itertools

    import branca.element

    ids = itertools.count()
    monkeypatch.setattr(
        branca.element.Element, "_generate_id", classmethod(lambda cls: f"{next(ids):032x}")
    )
    m = maps.base_map()
    maps.add_areas(m, _areas("Hovsjö: 12\nrad två"), "Områden", "count", legend_title="Händelser")
    maps.add_heat(m, pd.DataFrame({"lat": [59.19], "lon": [17.61], "weight": [2.0]}), "Värme")
    hot = _areas().assign(cls=[3, -3], label=["het", "kall"])
    maps.add_hotspots(m, hot, "Hotspots", "Gi*")
    maps.finish(m)
    from streamlit_folium import _get_header, _get_html, generate_leaflet_string

    page = m.get_root().render()
    m.render()
    return "\n".join([page, _get_html(m), _get_header(m), generate_leaflet_string(m)])


def test_static_text_is_not_compiled_and_renders_byte_for_byte_as_before(monkeypatch):
    import branca.element
    import jinja2

    fast = _rendered_with_fixed_ids(monkeypatch)
    monkeypatch.setattr(branca.element, "Template", jinja2.Template)
    assert fast == _rendered_with_fixed_ids(monkeypatch)
    # Text with template syntax (or a carriage return) is still a jinja2 template.
    assert isinstance(maps._template("a {{ 1 + 1 }}"), jinja2.Template)
    assert maps._template("a {{ 1 + 1 }}").render() == "a 2"
    assert maps._template("a\r\nb\n").render() == jinja2.Template("a\r\nb\n").render()
    assert maps._template("plain\n\n").render() == jinja2.Template("plain\n\n").render()


def test_a_point_layer_without_a_located_place_is_not_offered():
    m = maps.base_map()
    maps.add_points(m, pd.DataFrame({"lat": [None], "lon": [None], "label": ["x"]}), "Empty layer")
    maps.add_points(
        m, pd.DataFrame({"lat": [59.19], "lon": [17.61], "label": ["S"]}), "Placed layer"
    )
    html = maps.finish(m).get_root().render()
    assert "Placed layer" in html and "Empty layer" not in html
