"""The sections of 国有资产 (pages/assets.py): one module per tab and drill."""
