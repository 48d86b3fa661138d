"""Sections of 政府债务 (pages/debt.py)."""
