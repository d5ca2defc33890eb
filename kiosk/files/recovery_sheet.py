"""The campaign key's recovery sheet: a page to print and keep apart from the laptop, so that a
lost or broken laptop does not lose a campaign (ODK Central's users lose data for good when a
managed key is lost or mistyped, central#1103).

The sheet holds the private key file as it is, passphrase-encrypted: the text, and the same text
in numbered QR codes (at most `CHUNK` characters each, a size phone cameras read off paper).
Whoever finds the sheet still needs the passphrase, which is not on it. To restore: scan the
codes in order (or type the text) into one file, and give it to `kiosk central export --key`.

A self-contained HTML file (inline SVG codes, no script, no network), printable from any browser.
"""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path

import segno

from kiosk.files.atomic import write_atomic

CHUNK = 800  # characters per QR code: version 25 or so at error level M
SHEET_FILE = "campaign-recovery-sheet.html"


def chunks(key_pem: bytes) -> list[str]:
    text = key_pem.decode("ascii")
    return [text[i : i + CHUNK] for i in range(0, len(text), CHUNK)]


def qr_svg(text: str) -> str:
    return segno.make(text, error="m", micro=False).svg_inline(scale=3, border=4)


def render(key_pem: bytes, fingerprint: str, made: datetime) -> str:
    parts = chunks(key_pem)
    codes = "\n".join(
        f"<figure><figcaption>Part {n} of {len(parts)}</figcaption>{qr_svg(part)}</figure>"
        for n, part in enumerate(parts, 1)
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Recovery sheet: campaign key {html.escape(fingerprint)}</title>
<style>
body {{ font-family: sans-serif; margin: 2em; }}
pre {{ font-size: 8pt; white-space: pre-wrap; word-break: break-all; border: 1px solid #000;
       padding: 0.5em; }}
figure {{ display: inline-block; margin: 0.5em; page-break-inside: avoid; }}
</style></head>
<body>
<h1>Recovery sheet for campaign key {html.escape(fingerprint)}</h1>
<p>Made on {made:%Y-%m-%d} by <code>kiosk central init</code>. Print it, and keep it
somewhere safe, apart from the laptop. It holds the campaign private key, encrypted with its
passphrase: <strong>the passphrase is not on this sheet</strong>, and without it the key opens
nothing. Keep the passphrase apart from the sheet.</p>
<h2>To restore the key</h2>
<ol>
<li>Scan the codes below in order, parts 1 to {len(parts)}, with any QR code app, and paste
each text, one after another with nothing between them, into one plain text file named
<code>campaign-private.pem</code>. (Or type the text block at the end.)</li>
<li>Check it: <code>kiosk central export --key campaign-private.pem --out test.csv</code>
asks for the passphrase and says how many signatures it opened.</li>
</ol>
<section>{codes}</section>
<h2>The key file as text</h2>
<pre>{html.escape(key_pem.decode("ascii"))}</pre>
</body></html>
"""


def write_sheet(
    key_pem: bytes, fingerprint: str, made: datetime, out_dir: Path, name: str = SHEET_FILE
) -> Path:
    path = out_dir / name
    write_atomic(path, render(key_pem, fingerprint, made).encode("utf-8"), mode=0o600)
    return path
