"""The app for `kiosk central serve --workers N`: uvicorn starts N processes, and each imports
this module and calls `from_environment()` (an import-string factory: an app object cannot be
handed to another process). The parent process passes what the app needs in the environment.
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from kiosk.central.api import create_app
from kiosk.central.ratelimit import UPLOAD_SLOTS

DATABASE_URL_ENV = "KIOSK_CENTRAL_DATABASE_URL"
TLS_PIN_ENV = "KIOSK_CENTRAL_TLS_PIN"
MAX_UPLOADS_ENV = "KIOSK_CENTRAL_MAX_UPLOADS"
IMPORT_STRING = "kiosk.central.app_factory:from_environment"


def environment_for(
    database_url: str, tls_pin: str | None, max_uploads: int = UPLOAD_SLOTS
) -> dict[str, str]:
    env = {DATABASE_URL_ENV: database_url, MAX_UPLOADS_ENV: str(max_uploads)}
    if tls_pin:
        env[TLS_PIN_ENV] = tls_pin
    return env


def from_environment() -> FastAPI:
    return create_app(
        os.environ[DATABASE_URL_ENV],
        tls_pin=os.environ.get(TLS_PIN_ENV) or None,
        max_uploads=int(os.environ.get(MAX_UPLOADS_ENV) or UPLOAD_SLOTS),
    )
