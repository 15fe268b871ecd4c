"""Pax lägesbild: the domain package (never imports Streamlit)."""

__version__ = "0.1.0"
