"""The words of the Review, Erasure and retention, and Keys pages: every refusal they can show
is in Italian on the Italian console (the core's by their template, kiosk.central.errors.words;
the pages' own from the catalogue), a count takes its noun's form for 1 and for 2 in both
languages, and the retention commands carry today's date (the app's clock) and this server's
database options."""

from __future__ import annotations

import html
import re
import shlex
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from console_client import Console, csrf_of, sign_in
from sqlalchemy import Engine

from kiosk.central import retention
from kiosk.central.api import create_app
from kiosk.central.campaign import CampaignInfo, issue_credential
from kiosk.central.console import i18n
from kiosk.central.db import DATABASE_FILE, database_options, default_url, open_database
from kiosk.central.ingest import ingest
from kiosk.central.retention import set_policy
from kiosk.central.server import ServerThread
from kiosk.cli.main import main

ELEMENT = {"review": "review-error", "erasure": "erasure-error"}


def pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"{\w+}", template)
    return re.compile(".+?".join(re.escape(p) for p in parts) + r"\Z", re.DOTALL)


def templates(language: str) -> list[str]:
    """Every sentence the console can say in `language` (placeholders still in)."""
    if language == "en":
        return [*i18n.CATALOG["it"], *(f for forms in i18n.PLURALS["it"] for f in forms)]
    return [*i18n.CATALOG["it"].values(), *(f for v in i18n.PLURALS["it"].values() for f in v)]


def matches(text: str, among: Iterable[str]) -> bool:
    return any(pattern(t).match(text) for t in among)


def shown_error(answer: httpx.Response, page: str) -> str:
    if page == "error":
        found = re.search(r"<h1>(.*?)</h1>", answer.text, re.DOTALL)
    else:
        found = re.search(rf'id="{ELEMENT[page]}">(.*?)</p>', answer.text, re.DOTALL)
    assert found, answer.text[:400]
    return html.unescape(found.group(1)).strip()


def in_language(http: httpx.Client, language: str) -> None:
    http.cookies.set("kiosk_console_lang", language, path="/console")


# Every refusal the pages can show: (method, path, form or query, the element's page, status).
MANY = " ".join(f"id{i}" for i in range(101))
REFUSALS: list[tuple[str, str, dict[str, str], str, int]] = [
    ("post", "/console/review/preview", {"device": "0000-nobody"}, "review", 422),
    ("post", "/console/review/preview", {"event": "Nowhere"}, "review", 422),
    ("post", "/console/review/preview", {"hour": "ieri"}, "review", 422),
    ("post", "/console/review/preview", {}, "review", 422),
    ("post", "/console/review/preview", {"records": ":"}, "review", 422),
    (
        "post",
        "/console/review/preview",
        {"records": " ".join(f"r{i}" for i in range(1001))},
        "review",
        422,
    ),
    ("post", "/console/review/preview", {"device": "DEVICE", "reason": "  "}, "review", 422),
    ("post", "/console/review/preview", {"device": "DEVICE", "reason": "x" * 201}, "review", 422),
    (
        "post",
        "/console/review/preview",
        {"device": "DEVICE", "reason": "same as bob@example.org"},
        "review",
        422,
    ),
    ("post", "/console/review/preview", {"device": "DEVICE", "mark": "maybe"}, "review", 422),
    ("post", "/console/review/apply", {"device": "DEVICE", "expected": "5"}, "review", 409),
    ("post", "/console/review/undo", {"mark": "test", "reason": "x"}, "review", 422),
    ("post", "/console/review/undo", {"mark": "valid", "reason": "x"}, "review", 422),
    ("post", "/console/review/test-mode", {"kind": "table", "name": "x", "on": "1"}, "review", 422),
    (
        "post",
        "/console/review/test-mode",
        {"kind": "device", "name": "0-x", "on": "1"},
        "review",
        422,
    ),
    ("post", "/console/review/test-mode", {"kind": "event", "name": "Nowhere"}, "review", 422),
    ("get", "/console/review/test-mode", {"kind": "table", "name": "x"}, "error", 404),
    ("get", "/console/review/test-mode", {"kind": "device", "name": "0-x"}, "error", 404),
    ("get", "/console/review/test-mode", {"kind": "event", "name": "Nowhere"}, "error", 404),
    ("post", "/console/erasure/preview", {"records": ""}, "erasure", 422),
    ("post", "/console/erasure/preview", {"records": "9f1c2d3e-00ff"}, "erasure", 422),
    ("post", "/console/erasure/preview", {"records": "0000-nobody:abc"}, "erasure", 422),
    ("post", "/console/erasure/preview", {"records": MANY}, "erasure", 422),
    ("post", "/console/erasure/erase", {"records": ":"}, "erasure", 422),
    ("post", "/console/erasure/erase", {"records": "DEVICE:abc", "campaign": "no"}, "erasure", 422),
]


@pytest.mark.parametrize(("method", "path", "form", "page", "status"), REFUSALS)
def test_every_refusal_of_the_lifecycle_pages_is_in_italian(
    console: Console,
    engine: Engine,
    enrolled: Any,
    signed_in: httpx.Client,
    method: str,
    path: str,
    form: dict[str, str],
    page: str,
    status: int,
) -> None:
    kiosk = enrolled("Piazza")
    ingest(engine, kiosk.batch(2).to_bytes())
    # DEVICE stands for the enrolled kiosk: a valid selection, to reach the checks after it.
    filled = {k: v.replace("DEVICE", kiosk.device_id) for k, v in form.items()}
    if path.startswith("/console/review/") and "mark" not in filled:
        filled["mark"] = "invalid"
    filled.setdefault("reason", "same pen")
    said = {}
    for language in ("en", "it"):
        in_language(signed_in, language)
        if method == "get":
            answer = signed_in.get(path, params=filled)
        else:
            csrf = csrf_of(signed_in.get("/console/review").text)
            answer = signed_in.post(path, data={"csrf": csrf, **filled})
        assert answer.status_code == status, (language, answer.text[:400])
        said[language] = shown_error(answer, page)
    assert said["it"] != said["en"], said
    assert matches(said["en"], templates("en")), said["en"]
    assert matches(said["it"], templates("it")), f"not an Italian sentence: {said['it']}"
    assert not matches(said["it"], templates("en")), f"English on the Italian page: {said['it']}"


@pytest.mark.parametrize(
    ("language", "count", "sentences"),
    [
        (
            "en",
            1,
            (
                "1 signature would be marked invalid.",
                "Marked 1 signature invalid.",
                "1 month after the delivery",
                "1 stored signature would be deleted.",
            ),
        ),
        (
            "en",
            2,
            (
                "2 signatures would be marked invalid.",
                "Marked 2 signatures invalid.",
                "2 months after the delivery",
                "2 stored signatures would be deleted.",
            ),
        ),
        (
            "it",
            1,
            (
                "1 firma verrebbe segnata non valida.",
                "Segnata 1 firma non valida.",
                "1 mese dopo la consegna",
                "Verrebbe cancellata 1 firma presente.",
            ),
        ),
        (
            "it",
            2,
            (
                "2 firme verrebbero segnate non valide.",
                "Segnate 2 firme non valide.",
                "2 mesi dopo la consegna",
                "Verrebbero cancellate 2 firme presenti.",
            ),
        ),
    ],
)
def test_counts_on_the_pages_agree_for_one_and_two(
    console: Console,
    engine: Engine,
    enrolled: Any,
    signed_in: httpx.Client,
    language: str,
    count: int,
    sentences: tuple[str, str, str, str],
) -> None:
    kiosk = enrolled("Piazza")
    records = [kiosk.record(email=f"p{i}@example.org") for i in range(count)]
    ingest(engine, kiosk.batch(records).to_bytes())
    set_policy(engine, 21, count)
    in_language(signed_in, language)
    csrf = csrf_of(signed_in.get("/console/review").text)
    form = {"csrf": csrf, "mark": "invalid", "reason": "same pen", "device": kiosk.device_id}
    preview = html.unescape(signed_in.post("/console/review/preview", data=form).text)
    applied = signed_in.post("/console/review/apply", data={**form, "expected": str(count)})
    page = html.unescape(signed_in.get(applied.headers["location"]).text)
    erasure = html.unescape(signed_in.get("/console/erasure").text)
    ids = " ".join(r.signature_id for r in records)
    csrf = csrf_of(erasure)
    planned = html.unescape(
        signed_in.post("/console/erasure/preview", data={"csrf": csrf, "records": ids}).text
    )
    for sentence, where in zip(sentences, (preview, page, erasure, planned), strict=True):
        assert sentence in where, sentence
    if language == "it":
        assert "firme non valida" not in preview + page
        assert not re.search(r"\b1 mesi", erasure)


def test_the_retention_commands_carry_today_and_this_servers_database(
    engine: Engine, campaign: CampaignInfo, capsys: pytest.CaptureFixture[str]
) -> None:
    today = datetime(2027, 2, 3, 10, 30, tzinfo=UTC)
    credential = issue_credential(engine)
    app = create_app(engine, tls_pin="ab" * 32, clock=lambda: today)
    with ServerThread(app) as server, httpx.Client(base_url=server.url, timeout=10) as http:
        assert sign_in(http, credential).status_code == 303
        page = html.unescape(http.get("/console/erasure").text)
    commands = page.split('id="retention-commands">', 1)[1].split("</pre>", 1)[0]
    assert "2026-12-03" not in commands
    lines = re.sub(r"</?code>", "", commands).strip().splitlines()
    url = engine.url
    where = (
        f"--data-dir {shlex.quote(str(Path(str(url.database)).parent))}"
        if Path(str(url.database)).name == DATABASE_FILE
        else f"--database-url {shlex.quote(url.render_as_string(hide_password=True))}"
    )
    assert lines == [
        f"kiosk central retention --dry-run --delivered 2027-02-03 {where}",
        f"kiosk central retention --apply --delivered 2027-02-03 {where}",
    ]
    assert "run these on the server's machine" in page
    # The dry run works as shown, on this server's database, and records nothing.
    assert main(shlex.split(lines[0])[1:]) == 0
    out = capsys.readouterr().out
    assert "(delivered 2027-02-03)" in out and "dry run: nothing was deleted" in out
    assert retention.policy(engine).delivered_at is None


def test_the_data_dir_is_named_for_the_servers_own_sqlite_file(tmp_path: Path) -> None:
    (tmp_path / "my data").mkdir()
    engine = open_database(default_url(tmp_path / "my data"))
    try:
        assert database_options(engine) == f"--data-dir '{tmp_path / 'my data'}'"
    finally:
        engine.dispose()
