"""The escaping helpers and the map HTML they protect (issue 8, item 4)."""

import json
import re

import pandas as pd
import pytest

from pax import maps, safe

HOSTILE = [
    "${alert(1)}",
    "`x`",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "**bold** [link](javascript:alert(1))",
    ":red[röd] :material/warning: $x^2$",
    "a\\`b",
]
RAW = re.compile(r"<img src=x|<script>alert|\$\{alert|`x`")


@pytest.mark.parametrize("text", HOSTILE)
def test_html_leaves_no_markup_or_template_syntax(text):
    out = safe.html(text)
    for bad in ("<", ">", "`", "${", "{", "}", "\\", '"'):
        assert bad not in out
    assert maps.safe_text(text) == out  # the maps keep using the same rule


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_escapes_every_markdown_sign(text):
    out = safe.markdown(text)
    specials = set("\\`*_{}[]()#+-.!|<>~$:=&\"'@/")
    i = 0
    while i < len(out):  # every special character is preceded by a backslash
        if out[i] == "\\":
            i += 2
            continue
        assert out[i] not in specials, (text, out)
        i += 1


def test_markdown_folds_line_breaks():
    assert "\n" not in safe.markdown("a\n# rubrik\n===")


def test_plotly_template_leaves_no_template_variable():
    # plotly.js reads /%{([^\s%{}:]*)([:|][^}]*)?}/ and has no `%%` escape.
    out = safe.plotly_template("%{x} %{y:.1f}")
    assert "{" not in out and "}" not in out and out.count("%") == 2


def test_a_map_with_hostile_names_has_no_raw_hostile_string():
    square = json.dumps(
        {
            "type": "Polygon",
            "coordinates": [[[17.6, 59.1], [17.7, 59.1], [17.7, 59.2], [17.6, 59.1]]],
        }
    )
    n = len(HOSTILE)
    counts = pd.DataFrame(
        {
            "code": HOSTILE,
            "name": HOSTILE,
            "geometry": [square] * n,
            "count": range(n),
            "label": HOSTILE,
        }
    )
    police = pd.DataFrame(
        {"police_area": HOSTILE, "status": HOSTILE, "year": [2023] * n, "geometry": [square] * n}
    )
    places = pd.DataFrame({"name": HOSTILE, "lat": [59.15] * n, "lon": [17.65] * n})
    presence = pd.DataFrame(
        {"type": HOSTILE, "lat": [59.16] * n, "lon": [17.61] * n, "label": HOSTILE}
    )
    names = {
        key: HOSTILE[i % n]
        for i, key in enumerate(
            ["areas", "legend", "heat", "police", "schools", "hot_areas", "hot_grid", "presence"]
        )
    }
    names["method"] = HOSTILE[0]
    m = maps.events_map(counts, pd.DataFrame(), police, places, names, presence=presence)
    page = m.get_root().render()
    assert not RAW.search(page), RAW.search(page)
