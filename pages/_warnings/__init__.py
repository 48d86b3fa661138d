"""The sections of the 预警中心 page (pages/warnings.py)."""
