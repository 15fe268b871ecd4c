"""Reading a PDF as a person would, for the tests: each page's size, text, images (with
their place on the page) and how far down the page something is printed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pypdfium2 as pdfium


@dataclass
class Page:
    width: float  # points
    height: float
    text: str
    images: list[tuple[float, float, float, float]]  # left, bottom, right, top (points)
    pixels: np.ndarray  # greyscale rendering, 0 black … 255 white

    @property
    def lowest_ink(self) -> float:
        """How far down the page the last printed line is (0 top … 1 bottom)."""
        rows = np.flatnonzero((self.pixels < 200).any(axis=1))
        return float(rows.max() / self.pixels.shape[0]) if len(rows) else 0.0


def pages(data: bytes, scale: float = 0.75) -> list[Page]:
    document = pdfium.PdfDocument(data)
    out = []
    try:
        for page in document:
            width, height = page.get_size()
            images = [
                o.get_bounds()
                for o in page.get_objects()
                if o.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE
            ]
            text = page.get_textpage().get_text_range()
            pixels = np.asarray(page.render(scale=scale).to_pil().convert("L"))
            out.append(Page(width, height, text, images, pixels))
    finally:
        document.close()
    return out
