"""Reusable UI pieces shared by every page."""
