"""The app's pages: (file in app_pages/, title key in pax.i18n, icon, URL path).
A test proves every file in app_pages/ is listed here and the router uses this list."""

PAGES = (
    ("oversikt.py", "page_overview", ":material/dashboard:", "oversikt"),
    ("har_och_nu.py", "page_here_and_now", ":material/location_on:", "har-och-nu"),
    ("fortroende.py", "page_trust", ":material/handshake:", "fortroende"),
    ("social_hallbarhet.py", "page_social", ":material/school:", "social-hallbarhet"),
    ("omraden.py", "page_areas", ":material/holiday_village:", "omraden"),
    ("om_data.py", "page_about", ":material/info:", "om-data"),
)
