"""The horizon pages draw their charts (Plotly) and maps in the browser."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import open_page

pytestmark = pytest.mark.e2e

# Every Plotly chart Streamlit placed on the page has been drawn by Plotly.
CHARTS_DRAWN_JS = """
minimum => {
  const boxes = document.querySelectorAll('[data-testid="stPlotlyChart"]');
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  return plots.length >= minimum && plots.length === boxes.length
    && plots.every(el => el._fullData && el._fullLayout);
}
"""
# Each chart on its own: its title (else its place on the page), how many finite values each
# trace plots (z for heat grids, values for pies, x for horizontal bars, else y) and how
# many marks (bar or line groups, heat cells) Plotly drew in it.
CHARTS_JS = """
plots => plots.map((el, i) => {
  const finite = a => a == null ? 0 : Array.from(a).reduce(
    (n, v) => n + (v != null && typeof v === 'object' ? finite(v) : Number.isFinite(v) ? 1 : 0),
    0);
  const title = (((el.layout || {}).title || {}).text || '').replace(/<[^>]*>/g, '').trim();
  return {
    name: `chart ${i + 1} of ${plots.length}` + (title ? ` «${title}»` : ''),
    traces: el._fullData.map(t => ({
      trace: `${t.type} ${t.name}`,
      points: t.visible === false
        ? 0 : finite(t.z ?? t.values ?? (t.orientation === 'h' ? t.x : t.y)),
    })),
    marks: el.querySelectorAll('g.trace, .hm, .heatmaplayer image').length,
  };
})
"""


@pytest.mark.parametrize(
    ("path", "title", "charts", "texts"),
    [
        (
            "fortroende",
            "Förtroende och informationsdelning",
            4,
            ["Underrättelser till polisen", "I fas med målet"],
        ),
        (
            "social-hallbarhet?tema=school&ind=merit_value",
            "Social hållbarhet",
            1,
            ["Liknande områden", "Över tid"],
        ),
        ("har-och-nu", "Här och nu", 2, ["Jämförelse mot samma period i fjol"]),
    ],
    ids=["fortroende", "social", "har-och-nu"],
)
def test_page_draws_its_charts(page, app_url, path, title, charts, texts):
    open_page(page, app_url, path, title)
    plots = page.locator(".js-plotly-plot")
    expect(plots.nth(charts - 1)).to_be_visible(timeout=30_000)
    page.wait_for_function(CHARTS_DRAWN_JS, arg=charts, timeout=30_000)
    found = plots.evaluate_all(CHARTS_JS)
    assert len(found) >= charts
    # Chart by chart: one chart with several traces must not hide an empty one.
    empty = [
        f"{c['name']}: {c['traces']}" for c in found if not any(t["points"] for t in c["traces"])
    ]
    assert not empty, f"{path}: charts without a single data point:\n" + "\n".join(empty)
    undrawn = [c["name"] for c in found if not c["marks"]]
    assert not undrawn, f"{path}: charts with nothing drawn:\n" + "\n".join(undrawn)
    for text in texts:
        expect(page.get_by_text(text, exact=False).first).to_be_visible()
