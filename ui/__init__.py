"""Streamlit glue: caching, components and URL state. Pages use only this and `pax`."""
