"""Granskning (analysts only): import files into the store and read the audit log."""

from ui import auth, review, upload
from ui import components as c

auth.require("analyst")
c.page_header("page_review")
upload.section()
review.audit_log()
