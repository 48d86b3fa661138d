"""The overview's sections (pages/overview.py)."""
