"""The appeal a kiosk shows: its model and the TOML loader.

An appeal file is read once at start-up. Any problem is reported as an `AppealError` that names
the file, the field and what is wrong, so a volunteer can fix the file before a screen shows.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import date as calendar_date
from difflib import get_close_matches
from importlib.resources import files
from pathlib import Path
from typing import Any

from email_validator import EmailNotValidError, validate_email

from kiosk.crypto.digest import sha256_hex
from kiosk.errors import AppealError

FORMAT_VERSION = 1

# Every field an appeal may ask for, in the order the form shows them.
FIELD_NAMES: tuple[str, ...] = (
    "first_name",
    "last_name",
    "email",
    "postcode",
    "country",
    "comment",
)

DEFAULT_APPEAL = "un-chechnya.toml"

# Whether the form asks for a signature drawn by finger, pen or mouse.
DRAWN_SIGNATURE_CHOICES: tuple[str, ...] = ("none", "optional", "required")
DELIVERED_NAMES_CHOICES: tuple[str, ...] = ("initial", "full")

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
_UPDATE_DATE_RE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
_HTTPS_RE = re.compile(r"^https://[^\s/]+\.[^\s/]+(/\S*)?$")


@dataclass(frozen=True)
class Update:
    number: int
    date: str  # "YYYY-MM" or "YYYY-MM-DD", as precise as the source allows
    text: str


@dataclass(frozen=True)
class Letter:
    salutation: str
    text: str
    comment_prompt: str

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return tuple(p.strip() for p in self.text.split("\n\n") if p.strip())


@dataclass(frozen=True)
class Organiser:
    """Who collects the signatures (the data controller), and how a supporter reaches them."""

    name: str
    contact: str  # an e-mail address or an https:// address


@dataclass(frozen=True)
class Consent:
    terms: str
    privacy_notice: str
    updates: str | None  # None: the appeal offers no updates opt-in
    # How the delivery pack names each signer (kiosk central deliver): "initial" (first name,
    # the last name's initial, country) unless the terms say names are delivered: "full".
    delivered_names: str = "initial"


@dataclass(frozen=True)
class Appeal:
    id: str
    version: int
    language: str
    title: str
    author: str
    target: str
    body: str
    letter: Letter
    updates: tuple[Update, ...]
    asked: tuple[str, ...]
    required: frozenset[str]
    consent: Consent
    goal: int | None = None
    petition_url: str | None = None
    drawn_signature: str = "none"  # one of DRAWN_SIGNATURE_CHOICES
    started: str | None = None  # "YYYY-MM" or "YYYY-MM-DD": when the appeal was launched
    organiser: Organiser | None = None
    # The same appeal in other languages, by language code; each has no translations of its own.
    translations: Mapping[str, Appeal] = field(default_factory=dict, hash=False)

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return tuple(p.strip() for p in self.body.split("\n\n") if p.strip())

    @property
    def languages(self) -> tuple[str, ...]:
        """The appeal's own language first, then those it is translated into."""
        return (self.language, *self.translations)

    @property
    def last_updated(self) -> str | None:
        """The date of the newest update, or None without updates."""
        return max((u.date for u in self.updates), default=None)

    def in_language(self, language: str) -> Appeal:
        """The appeal as a supporter who chose `language` sees it: its translation where there
        is one (`it-CH` takes `it`), its own texts otherwise. Texts a translation leaves out are
        the appeal's own; the result's `language` says which language was asked for and found."""
        if language == self.language:
            return self
        if language in self.translations:
            return self.translations[language]
        primary = language.split("-")[0]
        if primary == self.language.split("-")[0]:
            return self
        return self.translations.get(primary, self)


class _Reader:
    """Typed access to one TOML table, raising AppealError that names the field."""

    def __init__(self, source: str, data: dict[str, Any], prefix: str = "") -> None:
        self.source = source
        self.data = data
        self.prefix = prefix

    def _name(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def fail(self, key: str, problem: str) -> AppealError:
        return AppealError(self.source, self._name(key), problem)

    def refuse_unknown(
        self, allowed: Collection[str], *, unknown: str = "is not a key an appeal file has"
    ) -> None:
        """Refuse a key this table does not have: a misspelt `gaol` would otherwise be ignored
        and the appeal would silently lose its goal."""
        for key in self.data:
            if key not in allowed:
                raise self.fail(key, _unknown_key_problem(key, allowed, unknown))

    def text(self, key: str, *, optional: bool = False, max_len: int = 20_000) -> str | None:
        value = self.data.get(key)
        if value is None:
            if optional:
                return None
            raise self.fail(key, "is missing; add it as a text value")
        if not isinstance(value, str):
            raise self.fail(key, f"must be text, not {type(value).__name__}")
        value = value.strip()
        if not value:
            raise self.fail(key, "is empty; write the text or remove the field")
        if len(value) > max_len:
            raise self.fail(key, f"is {len(value)} characters long; the limit is {max_len}")
        return value

    def req_text(self, key: str, *, max_len: int = 20_000) -> str:
        value = self.text(key, max_len=max_len)
        assert value is not None
        return value

    def integer(self, key: str, *, optional: bool = False, minimum: int = 0) -> int | None:
        value = self.data.get(key)
        if value is None:
            if optional:
                return None
            raise self.fail(key, "is missing; add it as a whole number")
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"must be a whole number, not {type(value).__name__}")
        if value < minimum:
            raise self.fail(key, f"must be at least {minimum}, not {value}")
        return value

    def table(self, key: str) -> _Reader:
        value = self.data.get(key)
        if value is None:
            raise self.fail(key, f"is missing; add a [{self._name(key)}] table")
        if not isinstance(value, dict):
            raise self.fail(key, "must be a table")
        return _Reader(self.source, value, f"{self._name(key)}.")

    def string_list(self, key: str) -> list[str]:
        value = self.data.get(key)
        if value is None:
            raise self.fail(key, "is missing; add a list of field names")
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, "must be a list of field names in quotes")
        return list(value)


def _unknown_key_problem(key: str, allowed: Collection[str], unknown: str) -> str:
    close = get_close_matches(key, sorted(allowed), n=1)
    if close:
        return f"{unknown}; did you mean '{close[0]}'?"
    return f"{unknown}; use {', '.join(sorted(allowed))}"


# The keys of each table of an appeal file (docs/appeal-format.md).
_TOP_KEYS = frozenset(
    {
        "format",
        "id",
        "version",
        "language",
        "title",
        "author",
        "target",
        "body",
        "goal",
        "petition_url",
        "started",
        "organiser",
        "letter",
        "updates",
        "fields",
        "consent",
        "translations",
    }
)
_LETTER_KEYS = frozenset({"salutation", "text", "comment_prompt"})
_FIELDS_KEYS = frozenset({"asked", "required", "drawn_signature"})
_CONSENT_KEYS = frozenset({"terms", "privacy_notice", "updates", "delivered_names"})
_UPDATE_KEYS = frozenset({"number", "date", "text"})
_ORGANISER_KEYS = frozenset({"name", "contact"})


def load_appeal(path: Path) -> Appeal:
    """Load an appeal file from disk."""
    source = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise AppealError(source, "", "the file does not exist") from None
    except OSError as exc:
        raise AppealError(source, "", f"cannot be read ({exc.strerror})") from None
    return parse_appeal(raw, source)


def load_bundled_appeal(name: str = DEFAULT_APPEAL) -> Appeal:
    """Load an appeal shipped in the package's resources."""
    resource = files("kiosk.resources").joinpath("appeals", name)
    return parse_appeal(resource.read_bytes(), f"bundled appeal {name}")


def parse_appeal(raw: bytes, source: str) -> Appeal:
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise AppealError(
            source, "", f"is not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise AppealError(source, "", f"is not valid TOML: {exc}") from None
    return _build(_Reader(source, data))


def _build(r: _Reader) -> Appeal:
    fmt = r.integer("format", minimum=1)
    if fmt != FORMAT_VERSION:
        raise r.fail("format", f"is {fmt}; this kiosk reads format {FORMAT_VERSION}")
    r.refuse_unknown(_TOP_KEYS)
    appeal_id = r.req_text("id", max_len=63)
    if not _ID_RE.match(appeal_id):
        raise r.fail("id", "must be lower-case letters, digits and hyphens, e.g. 'save-the-park'")
    language = r.req_text("language", max_len=12)
    if not _LANG_RE.match(language):
        raise r.fail("language", f"'{language}' is not a language code such as 'en' or 'it'")
    petition_url = r.text("petition_url", optional=True, max_len=2000)
    if petition_url is not None and not petition_url.startswith("https://"):
        raise r.fail("petition_url", "must start with https://")

    letter = r.table("letter")
    letter.refuse_unknown(_LETTER_KEYS)
    consent = r.table("consent")
    consent.refuse_unknown(_CONSENT_KEYS)
    fields = r.table("fields")
    fields.refuse_unknown(_FIELDS_KEYS)
    asked = fields.string_list("asked")
    required = fields.string_list("required")
    for name in asked:
        if name not in FIELD_NAMES:
            raise fields.fail("asked", f"'{name}' is not a field; use {', '.join(FIELD_NAMES)}")
    if len(set(asked)) != len(asked):
        raise fields.fail("asked", "names a field twice")
    for name in required:
        if name not in asked:
            raise fields.fail("required", f"'{name}' is required but not in 'asked'")
    if not asked:
        raise fields.fail("asked", "is empty; a signature needs at least one field")
    delivered_names = consent.data.get("delivered_names", "initial")
    if delivered_names not in DELIVERED_NAMES_CHOICES:
        choices = ", ".join(f'"{c}"' for c in DELIVERED_NAMES_CHOICES)
        raise consent.fail("delivered_names", f"is {delivered_names!r}; use one of {choices}")
    drawn = fields.data.get("drawn_signature", "none")
    if drawn not in DRAWN_SIGNATURE_CHOICES:
        choices = ", ".join(f'"{c}"' for c in DRAWN_SIGNATURE_CHOICES)
        raise fields.fail("drawn_signature", f"is {drawn!r}; use one of {choices}")

    appeal = Appeal(
        id=appeal_id,
        version=_int(r, "version", minimum=1),
        language=language,
        title=r.req_text("title", max_len=300),
        author=r.req_text("author", max_len=200),
        target=r.req_text("target", max_len=300),
        body=r.req_text("body"),
        letter=Letter(
            salutation=letter.req_text("salutation", max_len=300),
            text=letter.req_text("text"),
            comment_prompt=letter.req_text("comment_prompt", max_len=200),
        ),
        updates=_updates(r),
        asked=tuple(n for n in FIELD_NAMES if n in asked),
        required=frozenset(required),
        consent=Consent(
            terms=consent.req_text("terms", max_len=5000),
            privacy_notice=consent.req_text("privacy_notice", max_len=5000),
            updates=consent.text("updates", optional=True, max_len=5000),
            delivered_names=delivered_names,
        ),
        goal=r.integer("goal", optional=True, minimum=1),
        petition_url=petition_url,
        drawn_signature=drawn,
        started=_date(r, "started", optional=True),
        organiser=_organiser(r),
    )
    return replace(appeal, translations=_translations(r, appeal))


def _int(r: _Reader, key: str, *, minimum: int) -> int:
    value = r.integer(key, minimum=minimum)
    assert value is not None
    return value


def _is_calendar_date(text: str) -> bool:
    """Whether `text` is a real month ("2017-04") or day ("2017-04-21"): the pattern alone lets
    "2017-13" and "2017-02-31" through, which the appeal screen cannot show as a date."""
    if not _UPDATE_DATE_RE.match(text):
        return False
    try:
        calendar_date.fromisoformat(text if len(text) == 10 else f"{text}-01")
    except ValueError:
        return False
    return True


def _updates(r: _Reader) -> tuple[Update, ...]:
    raw = r.data.get("updates", [])
    if not isinstance(raw, list) or not all(isinstance(u, dict) for u in raw):
        raise r.fail("updates", "must be a list of [[updates]] tables")
    result = []
    for index, item in enumerate(raw):
        u = _Reader(r.source, item, f"updates[{index}].")
        u.refuse_unknown(_UPDATE_KEYS)
        date = _date(u, "date")
        assert date is not None
        result.append(
            Update(number=_int(u, "number", minimum=1), date=date, text=u.req_text("text"))
        )
    return tuple(result)


def _date(r: _Reader, key: str, *, optional: bool = False) -> str | None:
    date = r.text(key, optional=optional, max_len=10)
    if date is not None and not _is_calendar_date(date):
        raise r.fail(key, f"'{date}' is not a date like 2017-04 or 2017-04-21")
    return date


def _organiser(r: _Reader) -> Organiser | None:
    if "organiser" not in r.data:
        return None
    o = r.table("organiser")
    o.refuse_unknown(_ORGANISER_KEYS)
    contact = o.req_text("contact", max_len=300)
    if not (_is_email(contact) or _HTTPS_RE.match(contact)):
        raise o.fail(
            "contact",
            f"'{contact}' is neither an e-mail address nor an https:// address; give one a "
            "supporter can write to about their data",
        )
    return Organiser(name=o.req_text("name", max_len=200), contact=contact)


def _is_email(text: str) -> bool:
    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


# What a [translations.<lang>] table may override, with the limits of the original fields.
_TRANSLATED_TOP = {"title": 300, "author": 200, "target": 300, "body": 20_000}
_TRANSLATED_LETTER = {"salutation": 300, "text": 20_000, "comment_prompt": 200}
_TRANSLATED_CONSENT = {"terms": 5000, "privacy_notice": 5000, "updates": 5000}
_UNTRANSLATABLE = "cannot be translated"


def _translations(r: _Reader, base: Appeal) -> dict[str, Appeal]:
    raw = r.data.get("translations")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise r.fail("translations", "must be [translations.<language>] tables")
    result: dict[str, Appeal] = {}
    for language, table in raw.items():
        name = f"translations.{language}"
        if not _LANG_RE.match(language):
            raise AppealError(
                r.source, name, f"'{language}' is not a language code such as 'en' or 'it'"
            )
        if language == base.language:
            raise AppealError(
                r.source, name, "is the appeal's own language; its texts go at the top of the file"
            )
        if not isinstance(table, dict):
            raise AppealError(r.source, name, f"must be a [{name}] table")
        result[language] = _translation(_Reader(r.source, table, f"{name}."), base, language)
    return result


def _translation(t: _Reader, base: Appeal, language: str) -> Appeal:
    t.refuse_unknown({*_TRANSLATED_TOP, "letter", "consent", "updates"}, unknown=_UNTRANSLATABLE)
    top = _texts(t, _TRANSLATED_TOP)
    letter = base.letter
    if "letter" in t.data:
        lt = t.table("letter")
        lt.refuse_unknown(_TRANSLATED_LETTER, unknown=_UNTRANSLATABLE)
        letter = replace(letter, **_texts(lt, _TRANSLATED_LETTER))
    consent = base.consent
    if "consent" in t.data:
        ct = t.table("consent")
        ct.refuse_unknown(_TRANSLATED_CONSENT, unknown=_UNTRANSLATABLE)
        if "updates" in ct.data and base.consent.updates is None:
            raise ct.fail("updates", "translates an opt-in the appeal does not offer")
        consent = replace(consent, **_texts(ct, _TRANSLATED_CONSENT))
    return replace(
        base,
        language=language,
        title=top.get("title", base.title),
        author=top.get("author", base.author),
        target=top.get("target", base.target),
        body=top.get("body", base.body),
        letter=letter,
        consent=consent,
        updates=_translated_updates(t, base.updates),
        translations={},
    )


def _texts(r: _Reader, limits: dict[str, int]) -> dict[str, str]:
    found = {key: r.text(key, optional=True, max_len=limit) for key, limit in limits.items()}
    return {key: value for key, value in found.items() if value is not None}


def _translated_updates(t: _Reader, original: tuple[Update, ...]) -> tuple[Update, ...]:
    raw = t.data.get("updates", [])
    if not isinstance(raw, list) or not all(isinstance(u, dict) for u in raw):
        raise t.fail("updates", "must be a list of tables with 'number' and 'text'")
    by_number = {u.number: u for u in original}
    texts: dict[int, str] = {}
    for index, item in enumerate(raw):
        u = _Reader(t.source, item, f"{t.prefix}updates[{index}].")
        u.refuse_unknown({"number", "text"}, unknown=_UNTRANSLATABLE)
        number = _int(u, "number", minimum=1)
        if number not in by_number:
            raise u.fail("number", f"there is no update {number} to translate")
        texts[number] = u.req_text("text")
    return tuple(replace(u, text=texts.get(u.number, u.text)) for u in original)


def appeal_digest(appeal: Appeal) -> str:
    """A short fingerprint (32 hex) of what a supporter reads and accepts: the kiosk reports it
    in its heartbeat, the server computes it from the campaign's appeal file, and the console
    shows a kiosk whose appeal differs from the campaign's although id and version agree."""
    parts = [appeal.id, str(appeal.version)]
    for one in (appeal, *appeal.translations.values()):
        parts += [one.language, one.title, one.body, one.consent.terms, one.consent.privacy_notice]
        parts.append(one.consent.updates or "")
    return sha256_hex("\x00".join(parts))[:32]
