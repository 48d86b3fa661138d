"""The deputies' open-day home (pages/openday.py): its cards and the problem card's callback."""
