"""Colour contrast (WCAG 2.1) of the app's palettes and text colours, computed from the
colours the code actually uses: map classes at least 3:1 against the map's background as
drawn (with their fill opacity), chart colours 3:1 against the plot background, text 4.5:1.
Sequential palettes must stay ordered and distinct for the common colour-vision
deficiencies (simulated with the Machado et al. 2009 matrices)."""

import re
import tomllib
from pathlib import Path

import numpy as np
import pytest

from pax import figures, maps
from ui import components, kiosk

ROOT = Path(__file__).resolve().parents[2]
THEME = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]
# Machado, Oliveira & Fernandes (2009), severity 1.0, applied to linear RGB.
CVD = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                   [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                   [0.004733, 0.691367, 0.303900]],
}  # fmt: skip


def _rgb(color: str) -> np.ndarray:
    color = color.lstrip("#")
    if len(color) == 3:
        color = "".join(c * 2 for c in color)
    return np.array([int(color[i : i + 2], 16) / 255 for i in (0, 2, 4)])


def _linear(rgb: np.ndarray) -> np.ndarray:
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def luminance(color: str, cvd: str | None = None) -> float:
    linear = _linear(_rgb(color))
    if cvd:
        linear = np.clip(np.array(CVD[cvd]) @ linear, 0, 1)
    return float(linear @ [0.2126, 0.7152, 0.0722])


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def blend(color: str, background: str, alpha: float) -> str:
    mixed = alpha * _rgb(color) + (1 - alpha) * _rgb(background)
    return "#" + "".join(f"{round(v * 255):02x}" for v in mixed)


def test_contrast_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert blend("#000000", "#ffffff", 0.5) == "#808080"


@pytest.mark.parametrize("palette", ["PALETTE", "PALETTE_GOOD"])
def test_map_classes_stand_out_from_the_background(palette):
    for color in [*getattr(maps, palette), maps.NO_DATA]:
        drawn = blend(color, maps.MAP_BACKGROUND, maps.AREA_OPACITY)
        assert contrast(drawn, maps.MAP_BACKGROUND) >= 3.0, (palette, color)


def test_hotspot_and_presence_colours_stand_out_from_the_background():
    for color in maps.HOTSPOT_COLORS.values():
        drawn = blend(color, maps.MAP_BACKGROUND, maps.HOTSPOT_OPACITY)
        assert contrast(drawn, maps.MAP_BACKGROUND) >= 3.0, color
    for color in maps.PRESENCE_COLORS.values():
        assert contrast(color, maps.MAP_BACKGROUND) >= 3.0, color


@pytest.mark.parametrize("cvd", [None, *CVD])
@pytest.mark.parametrize("palette", ["PALETTE", "PALETTE_GOOD"])
def test_sequential_classes_stay_ordered_and_distinct_for_colour_blind_viewers(palette, cvd):
    """Lightest class first, each class clearly darker than the one before, also as seen
    with protanopia, deuteranopia and tritanopia."""
    drawn = [blend(c, maps.MAP_BACKGROUND, maps.AREA_OPACITY) for c in getattr(maps, palette)]
    levels = [luminance(c, cvd) for c in drawn]
    steps = [(a + 0.05) / (b + 0.05) for a, b in zip(levels, levels[1:])]
    assert all(step >= 1.15 for step in steps), (palette, cvd, [round(s, 2) for s in steps])


@pytest.mark.parametrize("cvd", [None, *CVD])
def test_hot_and_cold_spots_differ_by_level_for_colour_blind_viewers(cvd):
    for side in ((1, 2, 3), (-1, -2, -3)):
        levels = [luminance(maps.HOTSPOT_COLORS[c], cvd) for c in side]
        assert levels[0] > levels[1] > levels[2], (side, cvd)


def test_chart_colours_stand_out_from_the_plot_background():
    for color in [*figures.COLORS, figures.HIDDEN_COLOR]:
        assert contrast(color, "#ffffff") >= 3.0, color


def test_text_colours_are_readable():
    pairs = [
        (THEME["textColor"], THEME["backgroundColor"]),
        (THEME["textColor"], THEME["secondaryBackgroundColor"]),
        (THEME["primaryColor"], THEME["backgroundColor"]),
        (figures.TEXT_COLOR, "#ffffff"),
    ]
    caption = re.search(r"color: (#[0-9a-f]{6})", components.BASE_STYLE).group(1)
    pairs += [(caption, THEME["backgroundColor"]), (caption, THEME["secondaryBackgroundColor"])]
    controls = re.search(r"kiosk_controls :is\([^)]*\) \{ color: (#[0-9a-f]{6})", kiosk.STYLE)
    badge = re.search(r"\.stMarkdownBadge \{ color: (#[0-9a-f]{6})", kiosk.STYLE)
    pairs += [(controls.group(1), "#ffffff"), (badge.group(1), "#fffaf4")]  # badge: orange bg
    for text, background in pairs:
        assert contrast(text, background) >= 4.5, (text, background)


@pytest.mark.parametrize("cvd", [None, *CVD])
def test_zero_is_told_apart_from_the_first_class(cvd):
    """Issue 17: "0" is a pale neutral with a dark outline (the outline carries the 3:1
    contrast), clearly lighter than the first class of either ramp."""
    assert contrast(maps.ZERO_OUTLINE, maps.MAP_BACKGROUND) >= 3.0
    zero = blend(maps.ZERO_FILL, maps.MAP_BACKGROUND, maps.AREA_OPACITY)
    for palette in (maps.PALETTE, maps.PALETTE_GOOD):
        first = blend(palette[0], maps.MAP_BACKGROUND, maps.AREA_OPACITY)
        ratio = (luminance(zero, cvd) + 0.05) / (luminance(first, cvd) + 0.05)
        assert ratio >= 2.0, (palette[0], cvd, round(ratio, 2))
    assert maps.color_for(0, [0.0, 3.0, 6.0]) == maps.ZERO_FILL
    assert maps.color_for(1, [0.0, 3.0, 6.0]) != maps.ZERO_FILL
