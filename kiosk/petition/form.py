"""The signature form without a UI: fields, normalisation and validation.

Screens hand the raw text of each field to `validate`, show its messages next to the fields, and
pass the resulting `Submission` on to be sealed. Nothing here touches Qt or the disk.

Every text a supporter reads (labels and messages) is English here and marked with
`QT_TRANSLATE_NOOP("form", ...)`, which Qt's lupdate collects into the catalogs without this
module importing Qt. A message is a `Message`: its English text, which is also its translation
key, and the values to put into it, so the screen shows it in the supporter's language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email

from kiosk.message import QT_TRANSLATE_NOOP, Message
from kiosk.petition.appeal import Appeal
from kiosk.petition.countries import country_code
from kiosk.petition.joiners import keep_meaningful_joiners
from kiosk.petition.strokes import Drawing, LimitProblem, limit_problem

TRANSLATION_CONTEXT = "form"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    max_length: int
    missing: str  # the message when a required field is left empty
    multiline: bool = False
    input_hint: str = ""


FIELDS: Mapping[str, FieldSpec] = {
    "first_name": FieldSpec(
        "first_name",
        QT_TRANSLATE_NOOP("form", "First name"),
        80,
        QT_TRANSLATE_NOOP("form", "Please enter your first name."),
    ),
    "last_name": FieldSpec(
        "last_name",
        QT_TRANSLATE_NOOP("form", "Last name"),
        80,
        QT_TRANSLATE_NOOP("form", "Please enter your last name."),
    ),
    "email": FieldSpec(
        "email",
        QT_TRANSLATE_NOOP("form", "Email"),
        254,
        QT_TRANSLATE_NOOP("form", "Please enter your email."),
        input_hint="name@example.org",
    ),
    "postcode": FieldSpec(
        "postcode",
        QT_TRANSLATE_NOOP("form", "Postcode"),
        12,
        QT_TRANSLATE_NOOP("form", "Please enter your postcode."),
    ),
    "country": FieldSpec(
        "country",
        QT_TRANSLATE_NOOP("form", "Country"),
        60,
        QT_TRANSLATE_NOOP("form", "Please enter your country."),
    ),
    "comment": FieldSpec(
        "comment",
        QT_TRANSLATE_NOOP("form", "Your comment"),
        1000,
        QT_TRANSLATE_NOOP("form", "Please enter your comment."),
        multiline=True,
    ),
}
# Names must hold at least one letter.
_NOT_LETTERS = {
    "first_name": QT_TRANSLATE_NOOP("form", "Please write your first name in letters."),
    "last_name": QT_TRANSLATE_NOOP("form", "Please write your last name in letters."),
}
# A country is one from the list, kept as its ISO 3166-1 alpha-2 code (kiosk.petition.countries).
_NOT_A_LISTED_COUNTRY = QT_TRANSLATE_NOOP(
    "form",
    "Please choose your country from the list: type part of its name and tap one of the matches.",
)
_TOO_LONG = QT_TRANSLATE_NOOP(
    "form", "This is {length} characters long; please shorten it to {limit} or fewer."
)
_CONTROL = QT_TRANSLATE_NOOP(
    "form", "This contains hidden control characters; please type it again."
)
_POSTCODE_CHARACTERS = QT_TRANSLATE_NOOP(
    "form", "Please use only letters, digits, spaces and hyphens, e.g. 'SW1A 1AA'."
)
_BAD_EMAIL = QT_TRANSLATE_NOOP(
    "form", "This email address doesn't look right: {reason} Please check it."
)
_EMAIL_NO_AT = QT_TRANSLATE_NOOP("form", "It needs an @, as in name@example.org.")
_EMAIL_NOTHING_BEFORE = QT_TRANSLATE_NOOP("form", "Something is missing before the @.")
_EMAIL_NOTHING_AFTER = QT_TRANSLATE_NOOP("form", "Something is missing after the @.")
_EMAIL_CHARACTERS = QT_TRANSLATE_NOOP(
    "form", "It holds a space, a second @ or another character an address cannot have."
)
_EMAIL_TWO_DOTS = QT_TRANSLATE_NOOP("form", "It has two dots in a row.")
_EMAIL_NO_DOT = QT_TRANSLATE_NOOP("form", "The part after the @ needs a dot, as in example.org.")
_EMAIL_SHAPE = QT_TRANSLATE_NOOP("form", "An address looks like name@example.org.")
_TERMS = QT_TRANSLATE_NOOP(
    "form", "Please tick the box to agree, so your signature can be counted."
)
_DRAWING_MISSING = QT_TRANSLATE_NOOP(
    "form", "Please sign in the box with your finger, a pen or the mouse."
)
_DRAWING_TOO_BIG = QT_TRANSLATE_NOOP(
    "form", "Your signature is too long to keep. Please press Clear and sign again, more briefly."
)
_DRAWING_PROBLEMS = {
    LimitProblem.TOO_MANY_STROKES: _DRAWING_TOO_BIG,
    LimitProblem.TOO_MANY_POINTS: _DRAWING_TOO_BIG,
    LimitProblem.TOO_LONG: _DRAWING_TOO_BIG,
    LimitProblem.MALFORMED: QT_TRANSLATE_NOOP(
        "form", "Your signature could not be read. Please press Clear and sign again."
    ),
}

# Invisible characters that can hide, reorder or disguise text: zero-width spaces, the word
# joiner, the byte-order mark, every bidirectional embedding/override/isolate/mark, the
# soft hyphen, invisible operators, deprecated format characters, and the tag characters
# (which can smuggle a whole hidden ASCII text; emoji subdivision flags lose their region).
_INVISIBLE = dict.fromkeys(
    [
        0x200B, 0x2060, 0xFEFF, 0x180E,  # zero-width (ZWJ and ZWNJ: kiosk.petition.joiners)
        0x200E, 0x200F, 0x061C,  # LRM, RLM, ALM
        0x202A, 0x202B, 0x202C, 0x202D, 0x202E,  # embeddings and overrides
        0x2066, 0x2067, 0x2068, 0x2069,  # isolates
        0x00AD, 0x034F, 0x2061, 0x2062, 0x2063, 0x2064,  # soft hyphen, CGJ, invisible operators
        *range(0x206A, 0x2070),  # deprecated format characters
        *range(0xE0000, 0xE0080),  # tags
    ]
)  # fmt: skip
# Only real spaces (and tab) are collapsed. Python's str.isspace() also counts the control
# characters U+001C-U+001F and U+0085, which must reach validation and be refused.
_SPACE_CHARS = (
    " \t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u202f\u205f\u3000"
)
_SPACES = re.compile(f"[{_SPACE_CHARS}]+")
_POSTCODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z \-]*$")


def normalise(text: str, *, multiline: bool = False) -> str:
    """NFC, without invisible formatting characters, with runs of spaces collapsed and trimmed.
    ZWJ and ZWNJ stay only where Unicode gives them a meaning (kiosk.petition.joiners: joining
    scripts, conjuncts, emoji sequences).

    Line breaks survive only in multi-line fields; control characters are left in place for
    `validate` to reject, so the supporter is told rather than silently corrected.
    """
    text = keep_meaningful_joiners(unicodedata.normalize("NFC", text.translate(_INVISIBLE)))
    # A joiner taken out can leave a letter and its accent side by side: compose them too.
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if multiline:
        lines = [_SPACES.sub(" ", line).strip(" ") for line in text.split("\n")]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    else:
        text = _SPACES.sub(" ", text.replace("\n", " "))
    return text.strip(" \n")


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
    # The language the appeal and its consent texts were shown in ("": the appeal's own).
    language: str = ""
    # The signature drawn on the pad, when the appeal asks for one and the supporter drew it.
    drawing: Drawing | None = None


@dataclass(frozen=True)
class Validation:
    errors: Mapping[str, Message] = field(default_factory=dict)
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
    drawing: Drawing | None = None,
) -> Validation:
    """Check every asked field; return all problems at once, each saying how to fix it.

    `appeal` is the appeal as the supporter sees it (`Appeal.in_language`); the submission
    remembers that language, so the record seals the consent texts that were shown. `drawing`
    is what the signature pad holds; it is kept only where the appeal asks for one."""
    errors: dict[str, Message] = {}
    clean: dict[str, str] = {}
    for name in appeal.asked:
        spec = FIELDS[name]
        value = normalise(raw.get(name, ""), multiline=spec.multiline)
        problem = _check(spec, value, required=name in appeal.required)
        if problem:
            errors[name] = problem
        else:
            clean[name] = _canonical(name, value)
    # A lone tap is no signature: not kept where optional, not enough where required.
    drawn = drawing if drawing is not None and drawing.is_signature() else None
    if appeal.drawn_signature == "none":
        drawn = None
    else:
        problem = _drawing_problem(drawn, required=appeal.drawn_signature == "required")
        if problem:
            errors["drawn_signature"] = problem
    if not terms_accepted:
        errors["terms"] = Message(_TERMS)
    if errors:
        return Validation(errors=errors)
    opt_in = updates_opt_in and appeal.consent.updates is not None
    return Validation(
        submission=Submission(
            clean,
            terms_accepted=True,
            updates_opt_in=opt_in,
            language=appeal.language,
            drawing=drawn,
        )
    )


def _check(spec: FieldSpec, value: str, *, required: bool) -> Message | None:
    if not value:
        return Message(spec.missing) if required else None
    if len(value) > spec.max_length:
        return Message(_TOO_LONG, length=len(value), limit=spec.max_length)
    if _has_control(value, multiline=spec.multiline):
        return Message(_CONTROL)
    if spec.name in _NOT_LETTERS:
        if not any(unicodedata.category(c).startswith("L") for c in value):
            return Message(_NOT_LETTERS[spec.name])
    elif spec.name == "country" and country_code(value) is None:
        return Message(_NOT_A_LISTED_COUNTRY)
    elif spec.name == "email":
        return _email_problem(value)
    elif spec.name == "postcode" and not _POSTCODE.match(value):
        return Message(_POSTCODE_CHARACTERS)
    return None


def _drawing_problem(drawing: Drawing | None, *, required: bool) -> Message | None:
    if drawing is None:
        return Message(_DRAWING_MISSING) if required else None
    problem = limit_problem(drawing)
    return Message(_DRAWING_PROBLEMS[problem]) if problem else None


def _email_problem(value: str) -> Message | None:
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        # The library's own words are English only: the reason is ours, in every language.
        return Message(_BAD_EMAIL, reason=Message(_email_reason(value)))
    return None


def _email_reason(value: str) -> str:
    local, at, domain = value.rpartition("@")
    if not at:
        return _EMAIL_NO_AT
    if not local:
        return _EMAIL_NOTHING_BEFORE
    if not domain:
        return _EMAIL_NOTHING_AFTER
    if any(c.isspace() for c in value) or "@" in local:
        return _EMAIL_CHARACTERS
    if ".." in value:
        return _EMAIL_TWO_DOTS
    if "." not in domain:
        return _EMAIL_NO_DOT
    return _EMAIL_SHAPE


def _canonical(name: str, value: str) -> str:
    if name == "email":
        return validate_email(value, check_deliverability=False).normalized
    if name == "postcode":
        return value.upper()
    if name == "country" and value:
        code = country_code(value)
        assert code is not None, "checked by _check"
        return code
    return value
