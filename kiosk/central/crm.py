"""Files for a CRM: OSDI / Action Network signatures (JSON) and a Mailchimp audience (CSV).

Both take the rows the export opens (`Opened`, already de-duplicated and filtered), like the
generic CSV, JSON and XLSX writers in kiosk/central/export.py.

OSDI (`write_osdi`): one Record Signature Helper document per signature, as the OSDI
`osdi:signature` / record_signature_helper fields define them and Action Network takes them
(POST .../petitions/ID/signatures): `identifiers`, `origin_system`, `action_date`, `comments`,
`referrer_data.source` (the event and the kiosk: "EVENT/DEVICE"), `person` (given_name,
family_name, email_addresses, postal_addresses, languages_spoken, custom_fields) and the helper
function `add_tags` (the event, and whether the signer opted in to updates). Every signer is
there: the signature is what they agreed to. Only a signer who opted in has an e-mail address
marked "subscribed"; the others are sent as "unsubscribed", so importing the file mails nobody
who did not ask for it.

Mailchimp (`write_mailchimp`): a mailing list, so only signers who ticked the updates opt-in
and gave an address, in the columns Mailchimp's import documents ("Email Address" required,
one address per row, text fields of at most 255 bytes, UTF-8): Email Address, First Name,
Last Name, Country, Postal Code, Language, Tags (the event), OPTIN_TIME (as Mailchimp writes
it, "YYYY-MM-DD HH:MM:SS", UTC). The result says how many were left out for lack of consent.

The consent proof travels in both: the SHA-256 of the consent terms and of the opt-in text
shown, the appeal id and version, and the time of signing to the millisecond the record keeps
(OSDI: person.custom_fields; Mailchimp: the Consent Terms SHA-256, Opt-in Text SHA-256 and
Appeal Version columns).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

from kiosk.central.export import Opened, neutralise

ORIGIN_SYSTEM = "kiosk"
MAILCHIMP_COLUMNS = (
    "Email Address",
    "First Name",
    "Last Name",
    "Country",
    "Postal Code",
    "Language",
    "Tags",
    "OPTIN_TIME",
    "Consent Terms SHA-256",
    "Opt-in Text SHA-256",
    "Appeal Version",
)
MAILCHIMP_TEXT_BYTES = 255  # Mailchimp clips a text field past this


@dataclass(frozen=True)
class ListResult:
    """What a mailing-list file holds, and who was left out."""

    written: int
    without_consent: int  # did not tick the updates opt-in
    without_email: int  # opted in, but left the address empty


def consent_proof(opened: Opened) -> dict[str, Any]:
    """What proves this signer's consent: the texts' digests, the appeal, the time."""
    r = opened.record
    return {
        "appeal_id": r.appeal_id,
        "appeal_version": r.appeal_version,
        "language": r.language,
        "signed_at": utc_text(r.signed_at),
        "terms_accepted": r.terms_accepted,
        "terms_sha256": r.terms_sha256,
        "privacy_notice_sha256": r.privacy_notice_sha256,
        "updates_opt_in": r.updates_opt_in,
        "updates_sha256": r.updates_sha256,
    }


def utc_text(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds, as the record keeps the time: 2026-03-01T09:01:00.000Z"""
    if moment.tzinfo is None:  # the kiosk writes UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def referrer_source(opened: Opened) -> str:
    return f"{opened.event}/{opened.record.device_id}"


def osdi_signature(opened: Opened) -> dict[str, Any]:
    """One OSDI record_signature_helper document (Action Network's person signature)."""
    r = opened.record
    fields = r.fields
    person: dict[str, Any] = {
        "given_name": fields.get("first_name", ""),
        "family_name": fields.get("last_name", ""),
        "languages_spoken": [r.language.split("-")[0]],
        "custom_fields": {f"consent_{k}": v for k, v in consent_proof(opened).items()},
    }
    email = fields.get("email", "").strip()
    if email:
        status = "subscribed" if r.updates_opt_in else "unsubscribed"
        person["email_addresses"] = [{"address": email, "primary": True, "status": status}]
    address = {
        k: v
        for k, v in (
            ("postal_code", fields.get("postcode", "")),
            ("country", fields.get("country", "")),
        )
        if v
    }
    if address:
        person["postal_addresses"] = [{"primary": True, **address}]
    doc: dict[str, Any] = {
        "identifiers": [f"{ORIGIN_SYSTEM}:{r.device_id}/{r.signature_id}"],
        "origin_system": ORIGIN_SYSTEM,
        "action_date": utc_text(r.signed_at),
        "referrer_data": {"source": referrer_source(opened)},
        "person": person,
        "add_tags": [f"event: {opened.event}", "opt-in: yes" if r.updates_opt_in else "opt-in: no"],
    }
    comment = fields.get("comment", "")
    if comment:
        doc["comments"] = comment
    return doc


def write_osdi(rows: Iterable[Opened], out: TextIO) -> int:
    """A JSON array of record_signature_helper documents; returns how many."""
    docs = [osdi_signature(o) for o in rows]
    json.dump(docs, out, ensure_ascii=False, indent=1)
    out.write("\n")
    return len(docs)


def _clip(text: str, limit: int = MAILCHIMP_TEXT_BYTES) -> str:
    """At most `limit` bytes of UTF-8, cut at a character boundary, as Mailchimp would keep."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", errors="ignore")


def mailchimp_row(opened: Opened) -> list[str]:
    r = opened.record
    f = r.fields
    signed = r.signed_at if r.signed_at.tzinfo else r.signed_at.replace(tzinfo=UTC)
    values = [
        f.get("email", "").strip(),
        f.get("first_name", ""),
        f.get("last_name", ""),
        f.get("country", ""),
        f.get("postcode", ""),
        r.language,
        opened.event,
        signed.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        r.terms_sha256,
        r.updates_sha256 or "",
        f"{r.appeal_id} v{r.appeal_version}",
    ]
    return [neutralise(_clip(v)) for v in values]


def write_mailchimp(rows: Iterable[Opened], out: TextIO) -> ListResult:
    """A Mailchimp audience CSV of the signers who opted in to updates."""
    writer = csv.writer(out, dialect="excel", lineterminator="\r\n")
    writer.writerow(MAILCHIMP_COLUMNS)
    written = without_consent = without_email = 0
    for opened in rows:
        if not (opened.record.updates_opt_in and opened.record.terms_accepted):
            without_consent += 1
            continue
        if not opened.record.fields.get("email", "").strip():
            without_email += 1
            continue
        writer.writerow(mailchimp_row(opened))
        written += 1
    return ListResult(written, without_consent, without_email)
