"""Petition kiosk: collect signatures offline, sealed at once, synced in signed batches."""

__version__ = "0.1.0"
