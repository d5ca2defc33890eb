"""Kiosk-side sync: closing signatures into signed batches, uploading them, batch files."""

# The appeal received at enrolment, in the data directory; `kiosk run` uses it when present.
APPEAL_FILE = "appeal.toml"
