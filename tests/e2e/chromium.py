"""Where to find Chromium for the browser tests (Playwright cannot download one here)."""

from __future__ import annotations

import os
import shutil

NO_CHROMIUM = "Chromium saknas: installera Debians paket chromium för webbläsartesterna"


def find_chromium() -> str | None:
    """PAX_CHROMIUM, Debian's /usr/bin/chromium, or the first chromium on PATH."""
    for candidate in (
        os.environ.get("PAX_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
    ):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None
