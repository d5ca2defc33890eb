"""The signature form without a UI: fields, normalisation and validation.

Screens hand the raw text of each field to `validate`, show its messages next to the fields, and
pass the resulting `Submission` on to be sealed. Nothing here touches Qt or the disk.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email

from kiosk.appeal import Appeal


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    max_length: int
    multiline: bool = False
    input_hint: str = ""


FIELDS: Mapping[str, FieldSpec] = {
    "first_name": FieldSpec("first_name", "First name", 80),
    "last_name": FieldSpec("last_name", "Last name", 80),
    "email": FieldSpec("email", "Email", 254, input_hint="name@example.org"),
    "postcode": FieldSpec("postcode", "Postcode", 12),
    "country": FieldSpec("country", "Country", 60),
    "comment": FieldSpec("comment", "Your comment", 1000, multiline=True),
}

# Invisible characters that can hide, reorder or disguise text: zero-width spaces and joiners,
# the word joiner, the byte-order mark, and every bidirectional embedding/override/isolate/mark.
_INVISIBLE = dict.fromkeys(
    [
        0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x180E,  # zero-width
        0x200E, 0x200F, 0x061C,  # LRM, RLM, ALM
        0x202A, 0x202B, 0x202C, 0x202D, 0x202E,  # embeddings and overrides
        0x2066, 0x2067, 0x2068, 0x2069,  # isolates
    ]
)  # fmt: skip
_SPACES = re.compile(r"[^\S\n]+")
_POSTCODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z \-]*$")


def normalise(text: str, *, multiline: bool = False) -> str:
    """NFC, without invisible formatting characters, with runs of spaces collapsed and trimmed.

    Line breaks survive only in multi-line fields; control characters are left in place for
    `validate` to reject, so the supporter is told rather than silently corrected.
    """
    text = unicodedata.normalize("NFC", text.translate(_INVISIBLE))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if multiline:
        lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    else:
        text = _SPACES.sub(" ", text.replace("\n", " "))
    return text.strip()


def _has_control(text: str, *, multiline: bool) -> bool:
    allowed = "\n" if multiline else ""
    # Lone surrogates (Cs) count too: they cannot be encoded as UTF-8, so could never be sealed.
    return any(unicodedata.category(c) in ("Cc", "Cs") and c not in allowed for c in text)


@dataclass(frozen=True)
class Submission:
    """A validated signature, before it is sealed. Lives in memory only."""

    fields: Mapping[str, str]
    terms_accepted: bool
    updates_opt_in: bool


@dataclass(frozen=True)
class Validation:
    errors: Mapping[str, str] = field(default_factory=dict)
    submission: Submission | None = None

    @property
    def ok(self) -> bool:
        return self.submission is not None


def validate(
    appeal: Appeal,
    raw: Mapping[str, str],
    *,
    terms_accepted: bool,
    updates_opt_in: bool,
) -> Validation:
    """Check every asked field; return all problems at once, each saying how to fix it."""
    errors: dict[str, str] = {}
    clean: dict[str, str] = {}
    for name in appeal.asked:
        spec = FIELDS[name]
        value = normalise(raw.get(name, ""), multiline=spec.multiline)
        problem = _check(spec, value, required=name in appeal.required)
        if problem:
            errors[name] = problem
        else:
            clean[name] = _canonical(name, value)
    if not terms_accepted:
        errors["terms"] = "Please tick the box to agree, so your signature can be counted."
    if errors:
        return Validation(errors=errors)
    opt_in = updates_opt_in and appeal.consent.updates is not None
    return Validation(submission=Submission(clean, terms_accepted=True, updates_opt_in=opt_in))


def _check(spec: FieldSpec, value: str, *, required: bool) -> str | None:
    label = spec.label.lower()
    if not value:
        return f"Please enter your {label}." if required else None
    if len(value) > spec.max_length:
        return (
            f"This is {len(value)} characters long; please shorten it "
            f"to {spec.max_length} or fewer."
        )
    if _has_control(value, multiline=spec.multiline):
        return "This contains hidden control characters; please type it again."
    if spec.name in ("first_name", "last_name", "country"):
        if not any(unicodedata.category(c).startswith("L") for c in value):
            return f"Please write your {label} in letters."
    elif spec.name == "email":
        return _email_problem(value)
    elif spec.name == "postcode" and not _POSTCODE.match(value):
        return "Please use only letters, digits, spaces and hyphens, e.g. 'SW1A 1AA'."
    return None


def _email_problem(value: str) -> str | None:
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        return f"This email address doesn't look right: {exc} Please check it."
    return None


def _canonical(name: str, value: str) -> str:
    if name == "email":
        return validate_email(value, check_deliverability=False).normalized
    if name == "postcode":
        return value.upper()
    return value
