"""Print the server's OpenAPI document: `python -m kiosk.central.openapi > docs/openapi.json`.

The committed copy is the versioned API contract; a test fails when it falls behind the code.
"""

from __future__ import annotations

import json
import sys

from sqlalchemy import create_engine

from kiosk.central.api import create_app


def document() -> str:
    app = create_app(create_engine("sqlite://"))  # the schema does not touch the database
    return json.dumps(app.openapi(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    sys.stdout.write(document())
