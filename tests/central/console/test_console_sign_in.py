"""Signing in to the console: the coordinator credential and named accounts, the cookie's
flags, CSRF on every form, the rate limit, idle sign-out, and the audit log of it all."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from console_client import Console, csrf_of, sign_in
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from kiosk.central.console import accounts
from kiosk.central.console.audit import newest
from kiosk.central.console.ratelimit import SignInLimiter
from kiosk.central.console.sessions import IDLE_TIMEOUT
from kiosk.central.console.tables import ConsoleAccount, ConsoleSession
from kiosk.central.errors import Conflict, Malformed, NotFound
from kiosk.central.models import utcnow
from kiosk.crypto.pin_hash import PinHashParams

CHEAP = PinHashParams(memory_kib=64, iterations=1, lanes=1)
PAGES = ("/console/now", "/console/kiosks", "/console/enrol", "/console/import", "/console/audit")


def test_pages_need_a_session(http: httpx.Client) -> None:
    for page in PAGES:
        response = http.get(page)
        assert response.status_code == 303
        assert response.headers["location"] == "/console/sign-in"
    assert http.get("/console/api/now").status_code == 401


def test_coordinator_credential_signs_in_with_a_strict_http_only_cookie(
    http: httpx.Client, console: Console
) -> None:
    response = sign_in(http, console.credential)
    assert response.status_code == 303 and response.headers["location"] == "/console/now"
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("kiosk_console=")
    )
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/console" in cookie
    assert "Secure" not in cookie  # plain http on loopback here; https sets it (next test)
    page = http.get("/console/now")
    assert page.status_code == 200 and "Signed in as coordinator" in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "<script>" not in page.text and " on" + "click=" not in page.text


def test_cookie_is_secure_over_https() -> None:
    from starlette.requests import Request
    from starlette.responses import Response

    from kiosk.central.console.web import set_cookie

    scope = {
        "type": "http",
        "scheme": "https",
        "server": ("127.0.0.1", 8443),
        "path": "/",
        "headers": [],
        "query_string": b"",
    }
    response = Response()
    set_cookie(Request(scope), response, "kiosk_console", "t")
    assert "Secure" in response.headers["set-cookie"]


def test_a_wrong_credential_is_refused_and_attempts_are_limited(
    http: httpx.Client, console: Console
) -> None:
    for _ in range(5):
        response = sign_in(http, "kc_wrong")
        assert response.status_code == 401
        assert "This credential is not valid" in response.text
    response = sign_in(http, console.credential)  # even the right one, from this address
    assert response.status_code == 429 and int(response.headers["retry-after"]) > 0
    assert "Too many failed sign-ins" in response.text


def test_limiter_counts_per_key_and_forgets_after_the_window() -> None:
    now = [0.0]
    limiter = SignInLimiter(max_failures=2, window=60, clock=lambda: now[0])
    limiter.failed("address a", "coordinator")
    limiter.failed("address b", "coordinator")
    assert limiter.retry_after("address c", "coordinator") == 60  # the account is limited
    assert limiter.retry_after("address a", "account 7") == 0
    now[0] = 60.5
    assert limiter.retry_after("address c", "coordinator") == 0


def test_sign_in_form_without_its_token_is_refused(http: httpx.Client, console: Console) -> None:
    http.get("/console/sign-in")
    response = http.post("/console/sign-in", data={"credential": console.credential})
    assert response.status_code == 403
    assert "kiosk_console=" not in response.headers.get("set-cookie", "")


def test_forged_post_without_csrf_token_is_refused(
    signed_in: httpx.Client, console: Console, engine: Engine
) -> None:
    before = len(newest(engine))
    response = signed_in.post("/console/enrol", data={"event": "Forged", "server_url": "https://x"})
    assert response.status_code == 403
    response = signed_in.post("/console/enrol", data={"event": "Forged", "csrf": "guess"})
    assert response.status_code == 403
    page = signed_in.get("/console/enrol")
    assert "Forged" not in page.text and len(newest(engine)) == before


def test_cookie_is_useless_after_sign_out(signed_in: httpx.Client, console: Console) -> None:
    stolen = signed_in.cookies["kiosk_console"]
    csrf = csrf_of(signed_in.get("/console/now").text)
    response = signed_in.post("/console/sign-out", data={"csrf": csrf})
    assert response.status_code == 303
    with httpx.Client(base_url=console.url, cookies={"kiosk_console": stolen}) as thief:
        assert thief.get("/console/kiosks").status_code == 303
        assert thief.get("/console/api/now").status_code == 401


def test_a_made_up_cookie_is_useless(console: Console) -> None:
    with httpx.Client(base_url=console.url, cookies={"kiosk_console": "x" * 43}) as http:
        assert http.get("/console/now").headers["location"] == "/console/sign-in?msg=idle"


def test_idle_session_is_signed_out(signed_in: httpx.Client, engine: Engine) -> None:
    with Session(engine) as s, s.begin():
        s.execute(
            update(ConsoleSession).values(
                last_seen_at=utcnow() - IDLE_TIMEOUT - timedelta(minutes=1)
            )
        )
    response = signed_in.get("/console/now")
    assert response.status_code == 303 and "msg=idle" in response.headers["location"]
    assert "30 minutes without activity" in signed_in.get(response.headers["location"]).text


def test_named_account_signs_in_with_its_own_argon2id_credential(
    http: httpx.Client, engine: Engine
) -> None:
    credential = accounts.add_account(engine, "Maria", CHEAP)
    with Session(engine) as s:
        stored = s.query(ConsoleAccount).one()
    assert stored.name == "maria" and stored.credential_hash.startswith("$argon2id$v=19$")
    assert credential.split("_", 2)[2] not in stored.credential_hash
    assert accounts.check_credential(engine, credential[:-1] + "x") is None
    assert sign_in(http, credential).status_code == 303
    assert "Signed in as maria" in http.get("/console/now").text
    entries = newest(engine)
    assert (entries[0].account, entries[0].action) == ("maria", "sign-in")
    assert entries[0].hour.minute == 0 and entries[0].hour.second == 0


def test_a_reissued_or_removed_account_is_signed_out_at_once(
    console: Console, engine: Engine
) -> None:
    old = accounts.add_account(engine, "maria", CHEAP)
    with httpx.Client(base_url=console.url) as laptop, httpx.Client(base_url=console.url) as lost:
        assert sign_in(laptop, old).status_code == 303
        assert sign_in(lost, old).status_code == 303  # a second browser: a stolen laptop's
        assert [(a.name, a.sessions) for a in accounts.list_accounts(engine)] == [("maria", 2)]
        new = accounts.reissue_account(engine, "Maria", CHEAP)
        for browser in (laptop, lost):  # both sessions ended: the next page asks to sign in
            response = browser.get("/console/now")
            assert (
                response.status_code == 303 and "/console/sign-in" in response.headers["location"]
            )
        assert accounts.check_credential(engine, old) is None
        assert sign_in(lost, old).status_code != 303
        assert sign_in(laptop, new).status_code == 303
        assert "Signed in as maria" in laptop.get("/console/now").text

        assert accounts.remove_account(engine, "maria") == 1
        assert laptop.get("/console/now").status_code == 303
        assert accounts.check_credential(engine, new) is None
        assert accounts.list_accounts(engine) == []
    with pytest.raises(NotFound, match="no console account named 'maria'"):
        accounts.remove_account(engine, "maria")
    with pytest.raises(NotFound, match="'coordinator' is the credential 'kiosk central init'"):
        accounts.reissue_account(engine, "coordinator", CHEAP)


def test_account_names_are_checked(engine: Engine) -> None:
    accounts.add_account(engine, "ops", CHEAP)
    with pytest.raises(Conflict):
        accounts.add_account(engine, "ops", CHEAP)
    for bad in ("", "coordinator", "a b", "x" * 40):
        with pytest.raises(Malformed):
            accounts.add_account(engine, bad, CHEAP)


def test_audit_page_lists_console_actions(signed_in: httpx.Client) -> None:
    csrf = csrf_of(signed_in.get("/console/enrol").text)
    signed_in.post(
        "/console/enrol",
        data={"csrf": csrf, "event": "Piazza", "server_url": "https://h:8443", "hours": "2"},
    )
    page = signed_in.get("/console/audit").text
    assert "sign-in" in page and "enrol" in page and "Piazza" in page
