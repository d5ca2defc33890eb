"""Every string the console's templates and routes translate has its Italian translation (the
texts with a count in both forms, the core's refusals the console shows by their template), a
count takes its noun's form for 1 and for 2 in English and Italian, and the language is
negotiated from Accept-Language."""

from __future__ import annotations

import ast
import re
from importlib.resources import files
from pathlib import Path

import pytest

from kiosk.central import (
    campaign,
    enrolment,
    erasure,
    events,
    imports,
    ingest,
    review,
    salvage,
    write_queue,
)
from kiosk.central.console import i18n, lifecycle, overview, routes
from kiosk.central.errors import CONTEXT, Malformed, NotFound, words
from kiosk.errors import UsageError
from kiosk.message import Message, said
from kiosk.protocol import batch, fields

CALL = re.compile(r"""_\(\s*(["'])(.+?)\1\s*[,)]""")
# _n("one", "other", count, ...) in a template (one line each)
PLURAL_CALL = re.compile(r"""_n\(\s*(["'])(.+?)\1\s*,\s*(["'])(.+?)\3\s*,""")
# The core modules whose refusals the Review, Erasure and retention, and Keys pages show.
LIFECYCLE_SHOWN = (review, erasure)
# Those whose every refusal the Import page can show: the ingest and the batch's parser, with
# the field readers it shares with the other wire documents.
IMPORT_SHOWN = (ingest, imports, salvage, batch, fields)
# The Kiosks, Events and Enrol pages' services, and a busy server (any page that writes).
PAGES_SHOWN = (overview, events, write_queue)
CORE_SHOWN = (*LIFECYCLE_SHOWN, *IMPORT_SHOWN, *PAGES_SHOWN, enrolment, campaign, routes)


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


def used_plurals() -> set[tuple[str, str]]:
    package = files("kiosk.central.console")
    texts = [p.read_text("utf-8") for p in package.joinpath("templates").iterdir()]
    found = {(m.group(2), m.group(4)) for text in texts for m in PLURAL_CALL.finditer(text)}
    found |= {(word, word) for word in lifecycle.MARK_NAMES.values()}
    return found | {*lifecycle.COUNTED.values(), lifecycle.CHANGED, routes.SUMMARY, routes.IMPORTED}


def core_templates() -> set[str]:
    """Every template the core marks with `words` (kiosk.central.errors', or the wire
    documents' of kiosk.protocol.fields, whose `Reader.expect` takes a template too) in the
    modules whose refusals the console shows (adjacent literals are one constant in the tree)."""
    found: set[str] = set()
    for module in CORE_SHOWN:
        tree = ast.parse(Path(str(module.__file__)).read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "words":
                first = node.args[0]
                if isinstance(first, ast.Constant):
                    found.add(first.value)
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "expect":
                template = node.args[1]
                assert isinstance(template, ast.Constant), (module.__name__, node.lineno)
                found.add(template.value)
    return found


def test_every_refusal_the_import_and_the_pages_raise_is_marked() -> None:
    """No f-string or bare text left in a raise of the modules behind the Import page and the
    Kiosks, Events and Enrol pages: each hands a `words` message (the ingest's `malformed` puts
    the parser's inside one), translated by its template."""
    marked = {"words", "malformed"}
    raises = 0
    for module in (*IMPORT_SHOWN, *PAGES_SHOWN):
        tree = ast.parse(Path(str(module.__file__)).read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
                raises += 1
                argument = node.exc.args[0]
                assert isinstance(argument, ast.Call), (module.__name__, node.lineno)
                assert getattr(argument.func, "id", "") in marked, (module.__name__, node.lineno)
    assert raises >= 30


def test_every_refusal_the_core_raises_for_these_pages_is_marked() -> None:
    """No f-string refusal left in the modules the lifecycle pages call: each raise hands a
    `words` message, which the console translates by its template."""
    for module in LIFECYCLE_SHOWN:
        tree = ast.parse(Path(str(module.__file__)).read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                name = getattr(node.exc.func, "id", "")
                if name in {Malformed.__name__, NotFound.__name__, UsageError.__name__}:
                    argument = node.exc.args[0]
                    assert isinstance(argument, ast.Call), (module.__name__, node.lineno)
                    assert getattr(argument.func, "id", "") in {
                        "words",
                        "_no_such_device",
                        "_no_such_event",
                    }, (
                        module.__name__,
                        node.lineno,
                    )


def test_every_core_refusal_has_its_italian_and_keeps_its_english() -> None:
    templates = core_templates()
    assert len(templates) >= 70
    assert sorted(t for t in templates if t not in i18n.CATALOG["it"]) == []
    refusal = NotFound(words("no device {device} is enrolled", device="0000-x"))
    assert str(refusal) == "no device 0000-x is enrolled"  # the command line and the API
    assert isinstance(said(refusal), Message) and said(refusal).context == CONTEXT
    assert i18n.said_in("it", refusal) == "nessun chiosco 0000-x è registrato"
    assert i18n.said_in("en", refusal) == "no device 0000-x is enrolled"
    nested = NotFound(
        words(
            "no signature is marked {mark} with that reason (undone already?)",
            mark=words("invalid"),
        )
    )
    assert i18n.said_in("it", nested).startswith("nessuna firma è segnata non valida con")


def test_every_text_with_a_count_has_both_italian_forms() -> None:
    used = used_plurals()
    assert len(used) >= 12
    assert sorted(u for u in used if u not in i18n.PLURALS["it"]) == []
    for (one, other), (uno, altri) in i18n.PLURALS["it"].items():
        for english, italian in ((one, uno), (other, altri)):
            assert set(re.findall(r"{\w+}", english)) == set(re.findall(r"{\w+}", italian)), one


@pytest.mark.parametrize(
    ("language", "count", "said"),
    [
        ("en", 1, "Marked 1 signature invalid. · 1 month · 1 stored signature would be deleted."),
        (
            "en",
            2,
            "Marked 2 signatures invalid. · 2 months · 2 stored signatures would be deleted.",
        ),
        ("it", 1, "Segnata 1 firma non valida. · 1 mese · Verrebbe cancellata 1 firma presente."),
        ("it", 2, "Segnate 2 firme non valide. · 2 mesi · Verrebbero cancellate 2 firme presenti."),
    ],
)
def test_a_count_takes_the_form_for_one_or_for_more(language: str, count: int, said: str) -> None:
    _n = i18n.plural(language)
    marked = _n(*lifecycle.COUNTED["marked"], count, mark=_n("invalid", "invalid", count))
    months = _n("{count} month", "{count} months", count)
    erased = _n(
        "{count} stored signature would be deleted.",
        "{count} stored signatures would be deleted.",
        count,
    )
    assert " · ".join((marked, months, erased)) == said
    assert _n(*routes.SUMMARY, 0, peak=0).startswith(
        "0 signature" if language == "en" else "0 firme"
    )


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
