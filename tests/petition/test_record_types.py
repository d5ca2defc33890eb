"""A record that a kiosk could not have written is refused when it is read, with ValueError,
whatever the attacker's kiosk sealed in it: the coordinator's export lists it as "does not
open" and carries on (tests/central/test_export_forged.py) instead of crashing on it."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest
from record_helpers import make_record

from kiosk.petition.appeal import Appeal
from kiosk.petition.record import SignatureRecord


def _document(appeal: Appeal) -> dict[str, Any]:
    record = make_record(appeal, {"first_name": "Ada", "email": "ada@example.org"})
    doc: dict[str, Any] = json.loads(record.document_bytes())
    return doc


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        for name in parents:
            doc = doc[name]
        doc[last] = value

    return change


FORGERIES = {
    "a name as a number": _set("fields.first_name", 5),
    "an address as a list": _set("fields.email", ["ada@example.org"]),
    "the fields as a list": _set("fields", ["Ada"]),
    "the id as a number": _set("signature_id", 7),
    "the device as null": _set("device_id", None),
    "the appeal id as an object": _set("appeal.id", {}),
    "the version as a text": _set("appeal.version", "2"),
    "the version as true": _set("appeal.version", True),
    "the language as a number": _set("language", 1),
    "the time as a number": _set("signed_at", 1764000000),
    "the time as no time": _set("signed_at", "yesterday"),
    "the terms accepted as a text": _set("consent.terms.accepted", "yes"),
    "the opt-in as a number": _set("consent.updates.opted_in", 1),
    "a text hash as a number": _set("consent.terms.text_sha256", 0),
    "the privacy hash as null": _set("consent.privacy_notice.text_sha256", None),
    "the updates hash as a number": _set("consent.updates.text_sha256", 3),
    "no consent": _set("consent", None),
}


@pytest.mark.parametrize("change", FORGERIES.values(), ids=FORGERIES.keys())
def test_a_value_of_the_wrong_type_is_refused(
    appeal: Appeal, change: Callable[[dict[str, Any]], None]
) -> None:
    doc = _document(appeal)
    change(doc)
    with pytest.raises(ValueError):
        SignatureRecord.from_document(json.dumps(doc).encode())


@pytest.mark.parametrize(
    "document",
    [
        b'["a record"]',
        b"{}",
        b'{"format": 2} {"format": 2}',  # trailing data
        '{"format": 2, "x": "\xff"}'.encode("latin-1"),  # not UTF-8
        b'{"format": 2, "x": "\\ud800"}',  # a lone surrogate: no UTF-8 file can hold it
        b'{"format": NaN}',
    ],
    ids=["a list", "no format", "two objects", "latin-1", "lone surrogate", "NaN"],
)
def test_a_document_that_is_not_one_json_object_a_kiosk_writes_is_refused(
    document: bytes,
) -> None:
    with pytest.raises(ValueError):
        SignatureRecord.from_document(document)


def test_a_read_record_is_the_record_that_was_written(appeal: Appeal) -> None:
    """from_document makes a record without its __init__ (for speed): every field is set, and
    the record behaves as one made the ordinary way."""
    record = make_record(appeal, {"first_name": "Zoë", "email": "zoe@example.org"})
    read = SignatureRecord.from_document(record.document_bytes())
    assert set(vars(read)) == {f.name for f in dataclasses.fields(SignatureRecord)}
    assert read == record
    assert dataclasses.replace(read, language="it").language == "it"
    with pytest.raises(dataclasses.FrozenInstanceError):
        read.language = "it"  # type: ignore[misc]
