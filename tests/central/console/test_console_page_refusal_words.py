"""The refusals of the Kiosks (revoke, rename), Events and Enrol pages in the console's language:
the core's by their template (kiosk.central.errors.words), each the whole Italian sentence on the
Italian page and the same English as before on the English one."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx
import pytest
from console_client import csrf_of

from kiosk.central.console.i18n_core import ITALIAN
from kiosk.central.console.overview import MAX_LABEL
from kiosk.protocol.batch import MAX_EVENT

NOBODY = "0000-nobody"
NO_DEVICE = ("no device {device} is enrolled", {"device": NOBODY})
# (method, path, form, where the page shows it, status, the template and its values)
REFUSALS: list[tuple[str, str, dict[str, str], str, int, tuple[str, dict[str, Any]]]] = [
    ("get", f"/console/kiosks/{NOBODY}/revoke", {}, "h1", 404, NO_DEVICE),
    ("post", f"/console/kiosks/{NOBODY}/revoke", {}, "h1", 404, NO_DEVICE),
    ("post", f"/console/kiosks/{NOBODY}/label", {"label": "Desk"}, "h1", 422, NO_DEVICE),
    (
        "post",
        "/console/kiosks/DEVICE/label",
        {"label": "x" * (MAX_LABEL + 1)},
        "h1",
        422,
        ("a kiosk's name is at most {limit} characters", {"limit": MAX_LABEL}),
    ),
    (
        "post",
        "/console/events",
        {"name": " "},
        "events-error",
        422,
        ("an event's name is 1 to {limit} characters, on one line", {"limit": MAX_EVENT}),
    ),
    (
        "post",
        "/console/events",
        {"name": "Piazza"},
        "events-error",
        422,
        (
            "an event is called {name!r} already (or was, before a rename)",
            {"name": "Piazza"},
        ),
    ),
    (
        "post",
        "/console/events",
        {"name": "Fiera", "goal": "lots"},
        "events-error",
        422,
        ("a goal is a whole number of signatures, such as 5000 (or empty)", {}),
    ),
    (
        "post",
        "/console/enrol",
        {"event": "Piazza", "server_url": "ftp://example.org", "hours": "24"},
        "enrol-error",
        422,
        ("the server address starts with https:// (or http:// on this machine)", {}),
    ),
    (
        "post",
        "/console/enrol",
        {"event": " ", "server_url": "https://example.org", "hours": "24"},
        "enrol-error",
        422,
        ("the event name must be 1 to 200 characters", {}),
    ),
    (
        "post",
        "/console/enrol",
        {"event": "Piazza", "server_url": "https://example.org", "hours": "0"},
        "enrol-error",
        422,
        ("an enrolment code is valid for more than 0 seconds and at most 30 days", {}),
    ),
    (
        "post",
        "/console/enrol/999999/cancel",
        {},
        "h1",
        404,
        ("this enrolment code was used or cancelled already", {}),
    ),
]


def shown(answer: httpx.Response, where: str) -> str:
    if where == "h1":
        found = re.search(r"<h1>(.*?)</h1>", answer.text, re.DOTALL)
    else:
        found = re.search(rf'id="{where}">(.*?)</p>', answer.text, re.DOTALL)
    assert found, answer.text[:400]
    return html.unescape(found.group(1)).strip()


@pytest.mark.parametrize(("method", "path", "form", "where", "status", "said"), REFUSALS)
def test_every_refusal_of_the_kiosks_events_and_enrol_pages_is_in_italian(
    enrolled: Any,
    signed_in: httpx.Client,
    method: str,
    path: str,
    form: dict[str, str],
    where: str,
    status: int,
    said: tuple[str, dict[str, Any]],
) -> None:
    kiosk = enrolled("Piazza")
    csrf = csrf_of(signed_in.get("/console/events").text)
    signed_in.post("/console/events", data={"csrf": csrf, "name": "Piazza"})
    path = path.replace("DEVICE", kiosk.device_id)
    template, values = said
    expected = {"en": template.format(**values), "it": ITALIAN[template].format(**values)}
    for language in ("en", "it"):
        signed_in.cookies.set("kiosk_console_lang", language, path="/console")
        if method == "get":
            answer = signed_in.get(path)
        else:
            answer = signed_in.post(path, data={"csrf": csrf, **form})
        assert answer.status_code == status, (language, answer.text[:400])
        assert shown(answer, where) == expected[language]
    assert expected["it"] != expected["en"]
