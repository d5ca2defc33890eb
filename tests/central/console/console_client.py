"""The console as a browser meets it: its address, a coordinator credential, the CSRF token a
form carries and signing in. Tests import these by name (the fixtures are in conftest.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx
from sqlalchemy import Engine

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Console:
    url: str
    engine: Engine
    credential: str


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def sign_in(http: httpx.Client, credential: str) -> httpx.Response:
    form = http.get("/console/sign-in")
    return http.post(
        "/console/sign-in", data={"csrf": csrf_of(form.text), "credential": credential}
    )
