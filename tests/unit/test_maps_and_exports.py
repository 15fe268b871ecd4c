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
