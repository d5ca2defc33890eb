"""Normalisation and validation of what a supporter types: properties first, then each message."""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Mapping

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kiosk.petition import countries
from kiosk.petition.appeal import Appeal
from kiosk.petition.form import FIELDS, Message, Submission, Validation, normalise, validate

# Derived from the Unicode database here, not copied from kiosk.petition.form, so a character the
# form forgets to strip makes a test fail: every explicit bidi embedding/override/isolate, the three
# bidi marks, and the zero-width characters.
_BIDI_FORMATTING = {"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"}
BIDI_AND_ZERO_WIDTH = frozenset(
    {
        chr(cp)
        for cp in range(sys.maxunicode + 1)
        if unicodedata.bidirectional(chr(cp)) in _BIDI_FORMATTING
    }
    | {"\u200e", "\u200f", "\u061c"}  # LRM, RLM, ALM
    | {"\u200b", "\u2060", "\ufeff", "\u180e"}  # zero-width, BOM (joiners: test_joiners.py)
)
# Control characters that Python's str.isspace() does not count as whitespace. (Tab, the
# separators \x1c-\x1f and NEL are whitespace to Python and are folded into a space instead.)
HARD_CONTROLS = "".join(
    chr(cp)
    for cp in range(0x100)  # every Cc character is below U+0100
    # tab, line feed and carriage return are layout, normalised to spaces and line breaks
    if unicodedata.category(chr(cp)) == "Cc" and chr(cp) not in "\t\n\r"
)

VALID = {
    "first_name": "Amira",
    "last_name": "Haddad",
    "email": "amira.haddad@example.org",
    "postcode": "10115",
    "country": "Germany",
    "comment": "Stand with them.",
}
CONTROL_MESSAGE = "This contains hidden control characters; please type it again."

hostile_pieces = st.sampled_from(
    [
        "\u202e",  # RIGHT-TO-LEFT OVERRIDE
        "\u202d",
        "\u2066",
        "\u2069",
        "\u200f",
        "\u200d",  # ZERO WIDTH JOINER
        "\u200b",
        "\ufeff",
        "\u0301",  # combining acute
        "\u0308\u0323",  # stacked combining marks
        "e\u0301",  # NFD é
        "\U0001f469\u200d\U0001f4bb",  # emoji ZWJ sequence
        "\U0001f3f3\ufe0f\u200d\U0001f308",
        "\u05e9\u05dc\u05d5\u05dd",  # Hebrew
        "\u0645\u0631\u062d\u0628\u0627",  # Arabic
        " ",
        "\u3000",
        "\n",
        "\r\n",
        "Z",
        "\u00c5",
        "A\u030a",
        "\uac00",
        "\u1100\u1161",  # Hangul jamo, composes under NFC
    ]
)
hostile_text = st.lists(hostile_pieces, max_size=30).map("".join)
LONE_SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff"]
any_text = st.one_of(
    st.text(),
    hostile_text,
    st.text(alphabet=HARD_CONTROLS + "ab \n"),
    st.text(alphabet=st.sampled_from([*LONE_SURROGATES, "a", "\u0301", " "])),
)


def _validate(appeal: Appeal, raw: Mapping[str, str], *, terms: bool = True) -> Validation:
    return validate(appeal, raw, terms_accepted=terms, updates_opt_in=False)


# --- normalise: properties --------------------------------------------------------------------


@given(text=any_text, multiline=st.booleans())
def test_normalise_is_idempotent_and_nfc(text: str, multiline: bool) -> None:
    once = normalise(text, multiline=multiline)
    assert unicodedata.is_normalized("NFC", once)
    assert normalise(once, multiline=multiline) == once


@given(text=any_text, multiline=st.booleans())
@example(text="\u202eevil.exe\u202c", multiline=False)
@example(text="a\u200d\u200bb\ufeff", multiline=True)
def test_no_bidi_or_zero_width_character_survives(text: str, multiline: bool) -> None:
    out = normalise(text, multiline=multiline)
    assert not BIDI_AND_ZERO_WIDTH.intersection(out)


@given(text=any_text)
def test_single_line_fields_lose_line_breaks_and_edge_space(text: str) -> None:
    out = normalise(text)
    assert "\n" not in out and "\r" not in out
    # Only real spaces are trimmed: control characters stay for validate() to refuse
    assert out == out.strip(" ")
    assert "  " not in out


@given(text=any_text)
def test_multiline_keeps_at_most_one_blank_line(text: str) -> None:
    out = normalise(text, multiline=True)
    assert "\r" not in out
    assert "\n\n\n" not in out
    assert all(line == line.strip(" ") for line in out.split("\n"))


@given(text=any_text, multiline=st.booleans())
def test_nfd_and_nfc_input_normalise_alike(text: str, multiline: bool) -> None:
    nfd = unicodedata.normalize("NFD", text)
    nfc = unicodedata.normalize("NFC", text)
    assert normalise(nfd, multiline=multiline) == normalise(nfc, multiline=multiline)


def test_normalise_examples() -> None:
    assert normalise("  Zo\u0065\u0308  ") == "Zo\u00eb"
    assert normalise("\u202eLIVE\u202c") == "LIVE"
    assert normalise("Ana\u200bMaria") == "AnaMaria"
    assert normalise("a \u3000\t b\nc") == "a b c"
    assert normalise("one\r\n\r\n\r\n\r\ntwo  ", multiline=True) == "one\n\ntwo"
    # Control characters are left for validate() to reject, not silently dropped.
    assert normalise("a\x00b") == "a\x00b"


# --- validate: properties ---------------------------------------------------------------------


field_values = st.fixed_dictionaries({}, optional={name: any_text for name in FIELDS})


@given(raw=field_values, terms=st.booleans(), updates=st.booleans())
def test_validate_never_raises_and_accepts_only_clean_values(
    appeal: Appeal, raw: dict[str, str], terms: bool, updates: bool
) -> None:
    result = validate(appeal, raw, terms_accepted=terms, updates_opt_in=updates)
    assert result.ok == (result.submission is not None)
    assert result.ok != bool(result.errors)
    if not terms:
        assert "terms" in result.errors
    for name, message in result.errors.items():
        assert name in appeal.asked or name == "terms"
        assert message and message.endswith(".")
    if result.submission is not None:
        for name, value in result.submission.fields.items():
            spec = FIELDS[name]
            assert len(value) <= spec.max_length
            assert unicodedata.is_normalized("NFC", value)
            assert not BIDI_AND_ZERO_WIDTH.intersection(value)
            allowed = {"\n"} if spec.multiline else set()
            assert not any(unicodedata.category(c) == "Cc" and c not in allowed for c in value)
            value.encode("utf-8")  # sealing needs UTF-8: no lone surrogate may get through
        assert set(appeal.required) <= set(result.submission.fields)


@given(
    field=st.sampled_from(sorted(VALID)),
    control=st.sampled_from(HARD_CONTROLS),
    position=st.integers(min_value=0, max_value=4),
)
def test_any_control_character_is_rejected_with_a_message(
    appeal: Appeal, field: str, control: str, position: int
) -> None:
    value = VALID[field]
    raw = {**VALID, field: value[:position] + control + value[position:]}
    result = _validate(appeal, raw)
    assert result.errors == {field: CONTROL_MESSAGE}


@given(field=st.sampled_from(sorted(VALID)), extra=st.integers(min_value=1, max_value=10_000))
def test_values_over_the_cap_are_rejected(appeal: Appeal, field: str, extra: int) -> None:
    cap = FIELDS[field].max_length
    length = cap + extra
    result = _validate(appeal, {**VALID, field: "x" * length})
    assert result.errors == {
        field: f"This is {length} characters long; please shorten it to {cap} or fewer."
    }


@pytest.mark.parametrize("field", sorted(VALID))
def test_ten_thousand_character_input_gets_a_message(appeal: Appeal, field: str) -> None:
    hostile = ("\u202e\U0001f469\u200d\U0001f4bbe\u0301" * 2_000)[:10_000]
    assert len(hostile) == 10_000
    result = _validate(appeal, {**VALID, field: hostile})
    assert result.submission is None
    assert field in result.errors


@pytest.mark.parametrize("field", sorted(set(VALID) - {"country"}))  # a country is listed
def test_value_exactly_at_the_cap_is_accepted(appeal: Appeal, field: str) -> None:
    cap = FIELDS[field].max_length
    value = {
        "email": "a" * 60 + "@" + ".".join(["b" * 60] * 3) + "." + "c" * (cap - 60 - 1 - 182 - 1),
        "postcode": "1" * cap,
    }.get(field, "x" * cap)
    assert len(value) == cap
    result = _validate(appeal, {**VALID, field: value})
    assert result.errors == {}
    assert result.submission is not None
    assert len(result.submission.fields[field]) == cap


names = st.text(
    alphabet=st.characters(categories=["Lu", "Ll", "Lo", "Mn"]), min_size=1, max_size=40
).filter(lambda s: any(unicodedata.category(c).startswith("L") for c in s))
local_parts = st.from_regex(r"\A[a-z0-9]([a-z0-9._+-]{0,20}[a-z0-9])?\Z").filter(
    lambda s: ".." not in s
)
domains = st.from_regex(r"\A[a-z0-9]{1,15}\.(org|net|de|it|co\.uk)\Z")


@given(
    first=names,
    last=names,
    local=local_parts,
    domain=domains,
    postcode=st.from_regex(r"\A[0-9A-Za-z][0-9A-Za-z -]{0,10}\Z").map(str.strip),
    comment=hostile_text,
    updates=st.booleans(),
)
def test_valid_inputs_produce_a_submission(
    appeal: Appeal,
    first: str,
    last: str,
    local: str,
    domain: str,
    postcode: str,
    comment: str,
    updates: bool,
) -> None:
    raw = {
        "first_name": f" {first}\u200b",
        "last_name": unicodedata.normalize("NFD", last),
        "email": f"{local}@{domain.upper()}",
        "postcode": postcode,
        "country": "Italy",
        "comment": comment,
    }
    result = validate(appeal, raw, terms_accepted=True, updates_opt_in=updates)
    assert result.errors == {}
    assert isinstance(result.submission, Submission)
    fields = result.submission.fields
    assert fields["first_name"] == normalise(first)
    assert fields["last_name"] == unicodedata.normalize("NFC", normalise(last))
    assert fields["email"] == f"{local}@{domain}"
    assert fields["postcode"] == normalise(postcode).upper()
    assert fields["comment"] == normalise(comment, multiline=True)
    assert result.submission.terms_accepted is True
    assert result.submission.updates_opt_in is updates


@given(raw=field_values)
def test_nfd_input_validates_to_the_nfc_result(appeal: Appeal, raw: dict[str, str]) -> None:
    nfd = {k: unicodedata.normalize("NFD", v) for k, v in raw.items()}
    nfc = {k: unicodedata.normalize("NFC", v) for k, v in raw.items()}
    assert _validate(appeal, nfd) == _validate(appeal, nfc)


# --- validate: each message -------------------------------------------------------------------


def test_valid_example_is_accepted_and_canonicalised(appeal: Appeal) -> None:
    raw = {**VALID, "email": "Amira.Haddad@EXAMPLE.org", "postcode": "sw1a 1aa"}
    result = validate(appeal, raw, terms_accepted=True, updates_opt_in=True)
    assert result.submission == Submission(
        {**VALID, "email": "Amira.Haddad@example.org", "postcode": "SW1A 1AA", "country": "DE"},
        terms_accepted=True,
        updates_opt_in=True,
        language=appeal.language,
    )


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("first_name", "Please enter your first name."),
        ("last_name", "Please enter your last name."),
        ("email", "Please enter your email."),
        ("country", "Please enter your country."),
    ],
)
def test_missing_required_field(appeal: Appeal, field: str, message: str) -> None:
    raw = {k: v for k, v in VALID.items() if k != field}
    assert _validate(appeal, raw).errors == {field: message}
    # Only invisible characters and spaces count as missing too.
    assert _validate(appeal, {**VALID, field: " \u200b\u202e\t "}).errors == {field: message}


@pytest.mark.parametrize("typed", ["DE", "Germany", " germany ", "GERMANY"])
def test_a_listed_country_is_kept_as_its_iso_code(appeal: Appeal, typed: str) -> None:
    result = _validate(appeal, {**VALID, "country": typed})
    assert result.submission is not None and result.submission.fields["country"] == "DE"


@pytest.mark.parametrize(
    "typed", ["Ger", "Germ", "Deutschland?", "de", "Vrindavåland", "XX", "EU", "12345", "---"]
)
def test_a_country_not_on_the_list_is_refused_with_what_to_do(appeal: Appeal, typed: str) -> None:
    assert _validate(appeal, {**VALID, "country": typed}).errors == {
        "country": "Please choose your country from the list: type part of its name and tap"
        " one of the matches."
    }


def test_every_listed_code_has_an_english_and_an_italian_name() -> None:
    english, italian = countries.english_names(), countries.names("it")
    assert len(english) == 256 and set(italian) == set(english)
    assert all(len(code) == 2 and code.isalpha() and code.isupper() for code in english)
    assert not {"EU", "EZ", "QO", "UN"} & set(english)  # groupings, not countries
    assert (english["DE"], italian["DE"]) == ("Germany", "Germania")


@pytest.mark.parametrize("field", ["postcode", "comment"])
def test_optional_fields_may_be_left_empty(appeal: Appeal, field: str) -> None:
    result = _validate(appeal, {**VALID, field: "  "})
    assert result.submission is not None
    assert result.submission.fields[field] == ""


def test_terms_must_be_accepted(appeal: Appeal) -> None:
    assert _validate(appeal, VALID, terms=False).errors == {
        "terms": "Please tick the box to agree, so your signature can be counted."
    }


def test_every_problem_is_reported_at_once(appeal: Appeal) -> None:
    errors = _validate(appeal, {"email": "nope", "postcode": "!!"}, terms=False).errors
    assert set(errors) == {"first_name", "last_name", "email", "postcode", "country", "terms"}


@pytest.mark.parametrize("field", ["first_name", "last_name"])
@pytest.mark.parametrize("value", ["12345", "---", "\U0001f600\U0001f600", "\u0301\u0301"])
def test_names_need_letters(appeal: Appeal, field: str, value: str) -> None:
    label = FIELDS[field].label.lower()
    assert _validate(appeal, {**VALID, field: value}).errors == {
        field: f"Please write your {label} in letters."
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("first_name", "Ann\x00a"),
        ("last_name", "\x1bO'Brien"),
        ("country", "Italy\x7f"),
        ("comment", "hello\x07world"),
        ("comment", "line\n\x9bline"),
        # Python counts these as whitespace; they must still be refused, not turned into spaces
        ("first_name", "Ann\x1ca"),
        ("last_name", "O'Brien\x85"),
        ("comment", "a\x0bb"),
    ],
)
def test_control_character_message(appeal: Appeal, field: str, value: str) -> None:
    assert _validate(appeal, {**VALID, field: value}).errors == {field: CONTROL_MESSAGE}


@pytest.mark.parametrize("field", sorted(VALID))
@pytest.mark.parametrize("surrogate", LONE_SURROGATES)
def test_lone_surrogates_are_rejected(appeal: Appeal, field: str, surrogate: str) -> None:
    # Text pasted from a broken source can hold half a UTF-16 pair; it can never be sealed.
    result = _validate(appeal, {**VALID, field: VALID[field][:2] + surrogate + VALID[field][2:]})
    assert result.errors == {field: CONTROL_MESSAGE}


@pytest.mark.parametrize(
    ("value", "detail"),
    [
        ("amira", "It needs an @, as in name@example.org."),
        ("amira@", "Something is missing after the @."),
        ("@example.org", "Something is missing before the @."),
        ("amira@example", "The part after the @ needs a dot, as in example.org."),
        ("amira haddad@example.org", "It holds a space, a second @ or another character"),
        ("amira@@example.org", "It holds a space, a second @ or another character"),
        ("amira@example..org", "It has two dots in a row."),
        ("amira@exa_mple.org", "An address looks like name@example.org."),
    ],
)
def test_email_syntax_errors_say_what_is_wrong(appeal: Appeal, value: str, detail: str) -> None:
    message = _validate(appeal, {**VALID, "email": value}).errors["email"]
    assert message.startswith("This email address doesn't look right: ")
    assert detail in message
    assert message.endswith(" Please check it.")
    # Ours, in every language: the reason is a marked message of its own, not the library's.
    reason = message.values["reason"]
    assert isinstance(reason, Message) and reason.context == "form"


def test_email_is_checked_without_the_network(
    appeal: Appeal, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    def no_network(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("validation tried to use the network")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    result = _validate(appeal, {**VALID, "email": "someone@no-such-domain-kiosk-test.org"})
    assert result.submission is not None


@pytest.mark.parametrize("value", ["SW1A 1AA!", "_123", "12/34", "-123"])
def test_postcode_characters(appeal: Appeal, value: str) -> None:
    assert _validate(appeal, {**VALID, "postcode": value}).errors == {
        "postcode": "Please use only letters, digits, spaces and hyphens, e.g. 'SW1A 1AA'."
    }


def test_updates_opt_in_needs_an_offer(appeal: Appeal) -> None:
    from dataclasses import replace

    no_offer = replace(appeal, consent=replace(appeal.consent, updates=None))
    result = validate(no_offer, VALID, terms_accepted=True, updates_opt_in=True)
    assert result.submission is not None
    assert result.submission.updates_opt_in is False


def test_fields_not_asked_are_ignored(appeal: Appeal) -> None:
    from dataclasses import replace

    short = replace(appeal, asked=("email",), required=frozenset({"email"}))
    result = _validate(short, {**VALID, "first_name": "\x00"})
    assert result.submission is not None
    assert dict(result.submission.fields) == {"email": VALID["email"]}


# --- messages in the supporter's language -----------------------------------------------------


def test_messages_carry_their_template_and_values_for_translation(appeal: Appeal) -> None:
    errors = _validate(appeal, {**VALID, "first_name": "", "comment": "x" * 1001}).errors
    assert isinstance(errors["first_name"], Message)
    assert errors["first_name"].template == FIELDS["first_name"].missing
    too_long = errors["comment"]
    assert too_long.template == (
        "This is {length} characters long; please shorten it to {limit} or fewer."
    )
    assert too_long.values == {"length": 1001, "limit": 1000}
    catalog = {too_long.template: "Sono {length} caratteri; accorciali a {limit} o meno."}
    assert too_long.translated(lambda _context, t: catalog.get(t, t)) == (
        "Sono 1001 caratteri; accorciali a 1000 o meno."
    )


def test_the_submission_remembers_the_language_it_was_shown_in(appeal: Appeal) -> None:
    italian = appeal.in_language("it")
    result = validate(italian, VALID, terms_accepted=True, updates_opt_in=False)
    assert result.submission is not None
    assert result.submission.language == "it"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Zo\u00ade", "Zoe"),  # soft hyphen
        ("a\u2062b", "ab"),  # invisible times
        ("a\u206ab", "ab"),  # deprecated format character
        ("vote\U000e0079\U000e0065\U000e0073", "vote"),  # tag characters hiding "yes"
        ("a\u3000\u2003b", "a b"),  # ideographic and em spaces collapse like spaces
    ],
)
def test_other_invisible_characters_are_removed(raw: str, expected: str) -> None:
    assert normalise(raw) == expected
