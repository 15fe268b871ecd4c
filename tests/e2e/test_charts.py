"""The horizon pages draw their charts (Plotly) and maps in the browser."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import open_page

pytestmark = pytest.mark.e2e


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
    assert plots.count() >= charts
    # Each Plotly chart has drawn marks (bars, lines or heat cells), not an empty frame.
    drawn = page.locator(
        ".js-plotly-plot g.trace, .js-plotly-plot .hm, .js-plotly-plot .heatmaplayer image"
    )
    assert drawn.count() >= charts
    for text in texts:
        expect(page.get_by_text(text, exact=False).first).to_be_visible()
