"""axe-core (from the npm registry, vendored in tests/e2e/vendor with its licence) over
every page in the real browser: no serious or critical WCAG 2.1 A/AA violation, except the
ones Streamlit's own markup does not let us fix. Those are listed in ALLOWED and in the
README ("Accessibility"); a new one fails the test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.chromium import NO_CHROMIUM, find_chromium
from tests.e2e.helpers import open_page, wait_for_map

if find_chromium() is None:
    pytest.skip(NO_CHROMIUM, allow_module_level=True)

pytestmark = pytest.mark.e2e
expect.set_options(timeout=20_000)

AXE = Path(__file__).resolve().parent / "vendor" / "axe-4.14.1.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# (rule, a CSS class that marks Streamlit's own element): violations we cannot fix.
ALLOWED = {
    # st.metric's sparkline is a Vega-Lite chart whose point marks carry role="img" without
    # a title; st.metric has no way to label it. The tile's text says the same in words.
    ("svg-img-alt", "metric_chart_"),
}
# (URL path, title, has a map)
PAGES = (
    ("", "Översikt", False),
    ("har-och-nu", "Här och nu", True),
    ("fortroende", "Förtroende och informationsdelning", False),
    ("social-hallbarhet", "Social hållbarhet", True),
    ("omraden", "Områden", False),
    ("om-data", "Om data", False),
    ("?lang=en", "Overview", False),
    ("?kiosk=1", "Översikt", False),
)
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary})),
  }));
}"""


def serious(violations: list[dict]) -> list[dict]:
    """The serious and critical violations on nodes that are not in ALLOWED."""
    found = []
    for v in violations:
        if v["impact"] not in ("serious", "critical"):
            continue
        nodes = [
            n
            for n in v["nodes"]
            if not any(v["id"] == rule and mark in n["target"] for rule, mark in ALLOWED)
        ]
        if nodes:
            found.append({**v, "nodes": nodes})
    return found


@pytest.mark.parametrize(("path", "title", "has_map"), PAGES, ids=[p[0] or "start" for p in PAGES])
def test_no_serious_accessibility_violations(page, app_url, artifacts, path, title, has_map):
    open_page(page, app_url, path, title)
    if has_map:
        wait_for_map(page)
    # The app's contrast fixes (ui.components.BASE_STYLE) are an element of the run; a
    # rerun right after the first one may still be drawing it.
    page.wait_for_selector("style#pax-base-style", state="attached")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(RUN_AXE, TAGS)
    name = (path or "start").replace("?", "").replace("=", "-")
    (artifacts / f"axe-{name}.json").write_text(json.dumps(violations, indent=1), "utf-8")
    found = serious(violations)
    assert found == [], json.dumps(found, indent=1, ensure_ascii=False)[:4000]


def test_the_allow_list_filters_only_its_own_rule():
    violations = [
        {"id": "svg-img-alt", "impact": "serious", "help": "", "nodes": [
            {"target": ".metric_chart_x_marks", "summary": ""},
            {"target": ".my_chart", "summary": ""},
        ]},
        {"id": "color-contrast", "impact": "serious", "help": "", "nodes": [
            {"target": ".metric_chart_x_marks", "summary": ""},
        ]},
        {"id": "region", "impact": "moderate", "help": "", "nodes": [{"target": "div"}]},
    ]  # fmt: skip
    found = serious(violations)
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in found] == [
        ("svg-img-alt", [".my_chart"]),
        ("color-contrast", [".metric_chart_x_marks"]),
    ]
