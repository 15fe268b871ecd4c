"""Browser tests (pytest -m e2e); they skip with one line when Chromium is missing."""
