"""Granskning (analysts only): import files into the store, make the statutory lägesbild
and read the audit log."""

from ui import auth, review, sources_panel, upload
from ui import components as c

auth.require("analyst")
c.page_header("page_review")
sources_panel.section()
upload.section()
review.report_section()
review.audit_log()
