"""The Import page's refusals in the console's language: a file that is not a batch (the
parser's own reason inside the ingest's), a batch from a kiosk that is not enrolled, and one for
another appeal each read as one Italian sentence on the Italian page, in the page and in the
JSON its script reads, and as the same English as before on the English page (the command line
and the API say that English too)."""

from __future__ import annotations

import html
import re
import struct
from typing import Any

import httpx
import pytest
from console_client import csrf_of

from kiosk.central.console.i18n_core import ITALIAN
from kiosk.protocol.batch import MAGIC

ROW = re.compile(r'<tr class="failed"><td>([^<]*)</td><td>([^<]*)</td></tr>')
NOT_JSON = MAGIC + struct.pack(">I", 4) + b"nope" + bytes(64)


def english_sentences() -> list[re.Pattern[str]]:
    """Each English core refusal (its placeholders any text) that its Italian does not repeat."""
    found = []
    for english, italian in ITALIAN.items():
        if english != italian:
            parts = re.split(r"{\w+(?:!r)?}", english)
            found.append(re.compile(".+?".join(re.escape(p) for p in parts if p)))
    return found


def cases(kiosk: Any, stranger: Any) -> list[tuple[str, bytes, str, str]]:
    """(file, its bytes, the English result, the Italian result)."""
    appeal = kiosk.appeal.id
    return [
        (
            "junk.kbatch",
            b"not a batch",
            "not imported: the batch is malformed: the batch does not start with 'kiosk-batch/2'",
            "non importato: il lotto non è valido: il lotto non inizia con 'kiosk-batch/2'",
        ),
        (
            "header.kbatch",
            NOT_JSON,
            "not imported: the batch is malformed: the batch header is not JSON",
            "non importato: il lotto non è valido: l'intestazione del lotto non è JSON",
        ),
        (
            "stranger.kbatch",
            stranger.batch(2).to_bytes(),
            f"not imported: device {stranger.device_id} is not enrolled",
            f"non importato: il chiosco {stranger.device_id} non è registrato",
        ),
        (
            "other-appeal.kbatch",
            kiosk.batch(2, appeal_id="another-appeal").to_bytes(),
            f"not imported: the batch is for appeal 'another-appeal'; this campaign collects "
            f"for {appeal!r}",
            f"non importato: il lotto è per l'appello 'another-appeal'; questa campagna "
            f"raccoglie firme per {appeal!r}",
        ),
    ]


def upload(http: httpx.Client, language: str, files: list[tuple[str, bytes]]) -> dict[str, str]:
    http.cookies.set("kiosk_console_lang", language, path="/console")
    csrf = csrf_of(http.get("/console/import").text)
    answer = http.post(
        "/console/import",
        data={"csrf": csrf},
        files=[("files", (name, data)) for name, data in files],
    )
    assert answer.status_code == 200, answer.text[:400]
    return {html.unescape(n): html.unescape(t) for n, t in ROW.findall(answer.text)}


@pytest.mark.parametrize("language", ["en", "it"])
def test_the_import_page_says_why_a_file_is_refused_in_its_language(
    enrolled: Any, new_kiosk: Any, signed_in: httpx.Client, language: str
) -> None:
    refused = cases(enrolled("Piazza"), new_kiosk())
    shown = upload(signed_in, language, [(name, data) for name, data, _en, _it in refused])
    expected = {name: en if language == "en" else it for name, _data, en, it in refused}
    assert shown == expected
    if language == "it":
        for text in shown.values():
            left = [p.pattern for p in english_sentences() if p.search(text)]
            assert left == [], text


def test_the_import_json_says_it_in_italian(
    enrolled: Any, new_kiosk: Any, signed_in: httpx.Client
) -> None:
    refused = cases(enrolled("Piazza"), new_kiosk())
    signed_in.cookies.set("kiosk_console_lang", "it", path="/console")
    csrf = csrf_of(signed_in.get("/console/import").text)
    answer = signed_in.post(
        "/console/api/import",
        data={"csrf": csrf},
        files=[("files", (name, data)) for name, data, _en, _it in refused],
    )
    assert answer.status_code == 200, answer.text[:400]
    results = answer.json()["results"]
    assert [(r["file"], r["ok"], r["result"]) for r in results] == [
        (name, False, it) for name, _data, _en, it in refused
    ]
