"""The app's pages: file in app_pages/, title key in pax.i18n, icon, URL path, minimum role.
A test proves every file in app_pages/ is listed here and the router uses this list.

The router (`dashboard.py`) shows a page in the menu only to roles that reach its minimum
(`pax.access.allows`); the others get a refusal when they open its URL."""

from typing import NamedTuple


class PageEntry(NamedTuple):
    file: str  # in app_pages/
    title_key: str  # in pax.i18n
    icon: str
    path: str  # the URL path
    minimum: str  # the least role that may open it (pax.access)


PAGES = tuple(
    PageEntry(*row)
    for row in (
        ("oversikt.py", "page_overview", ":material/dashboard:", "oversikt", "public"),
        ("har_och_nu.py", "page_here_and_now", ":material/location_on:", "har-och-nu", "public"),
        ("fortroende.py", "page_trust", ":material/handshake:", "fortroende", "public"),
        ("social_hallbarhet.py", "page_social", ":material/school:", "social-hallbarhet", "public"),
        ("omraden.py", "page_areas", ":material/holiday_village:", "omraden", "public"),
        ("om_data.py", "page_about", ":material/info:", "om-data", "public"),
        ("granskning.py", "page_review", ":material/policy:", "granskning", "analyst"),
    )
)
