"""The app for `kiosk central serve --workers N`: uvicorn starts N processes, and each imports
this module and calls `from_environment()` (an import-string factory: an app object cannot be
handed to another process). The parent process passes what the app needs in the environment.
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from kiosk.central.api import create_app

DATABASE_URL_ENV = "KIOSK_CENTRAL_DATABASE_URL"
TLS_PIN_ENV = "KIOSK_CENTRAL_TLS_PIN"
IMPORT_STRING = "kiosk.central.app_factory:from_environment"


def environment_for(database_url: str, tls_pin: str | None) -> dict[str, str]:
    env = {DATABASE_URL_ENV: database_url}
    if tls_pin:
        env[TLS_PIN_ENV] = tls_pin
    return env


def from_environment() -> FastAPI:
    return create_app(os.environ[DATABASE_URL_ENV], tls_pin=os.environ.get(TLS_PIN_ENV) or None)
