"""Keeping the store fresh from the public sources (issue 16): `python -m pax sync`."""
