"""The sections of the 直达资金 page (pages/direct_funds.py)."""
