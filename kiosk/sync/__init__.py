"""Kiosk-side sync: closing signatures into signed batches, uploading them, batch files."""
