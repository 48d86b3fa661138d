"""Sections of 问题闭环 (pages/problems.py)."""
