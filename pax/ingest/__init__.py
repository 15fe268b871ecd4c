"""Readers, one module per source format; each returns frames for the store."""
