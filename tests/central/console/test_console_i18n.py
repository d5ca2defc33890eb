"""Every string the console's templates and routes translate has its Italian translation, and
the language is negotiated from Accept-Language."""

from __future__ import annotations

import re
from importlib.resources import files

from kiosk.central.console import i18n, lifecycle, routes

CALL = re.compile(r"""_\(\s*(["'])(.+?)\1\s*[,)]""")


def used_strings() -> set[str]:
    package = files("kiosk.central.console")
    texts = [p.read_text("utf-8") for p in package.joinpath("templates").iterdir()]
    found = {m.group(2) for text in texts for m in CALL.finditer(text)}
    for module in ("routes.py", "lifecycle.py"):
        source = package.joinpath(module).read_text("utf-8")
        found |= {m.group(2) for m in CALL.finditer(source)}
    labels = re.findall(r'\("/console/\w+", "([^"]+)"\)', "".join(texts))
    pages = {*lifecycle.NOTICES.values(), *lifecycle.MARK_NAMES.values(), *lifecycle.TEXTS.values()}
    pages |= set(lifecycle.KEY_STATES)
    return found | set(labels) | set(routes.MESSAGES.values()) | set(routes.SPANS.values()) | pages


def test_every_used_string_has_an_italian_translation() -> None:
    used = used_strings()
    assert len(used) > 60
    missing = sorted(s for s in used if s not in i18n.CATALOG["it"])
    assert missing == []


def test_placeholders_survive_translation() -> None:
    for english, italian in i18n.CATALOG["it"].items():
        assert set(re.findall(r"{\w+}", english)) == set(re.findall(r"{\w+}", italian)), english
    assert i18n.translator("it")("Enrolment link for {event}", event="{x}") == (
        "Link di registrazione per {x}"
    )


def test_language_negotiation() -> None:
    assert i18n.negotiate("it-IT,it;q=0.9,en;q=0.8", None) == "it"
    assert i18n.negotiate("de-DE,en;q=0.5,it;q=0.7", None) == "it"
    assert i18n.negotiate("fr", None) == "en"
    assert i18n.negotiate("it", "en") == "en"
    assert i18n.negotiate("", "xx") == "en"
