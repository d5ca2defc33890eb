"""The appeal loader: the bundled appeal is the seed petition, and every broken file is named."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiosk.petition.appeal import (
    FIELD_NAMES,
    Appeal,
    AppealError,
    load_appeal,
    load_bundled_appeal,
    parse_appeal,
)

# The seed petition the bundled appeal was made from, kept beside this test (a copy of the
# shared tree's ../shared/seed/), so that the check runs wherever the repository is cloned.
SEED = Path(__file__).with_name("seed") / "appeal-care2-chechnya.txt"
DEAD_LINK_NOTE = ". [The article's link was a goo.gl short link, which no longer works.] "

MINIMAL = """\
format = 1
id = "save-the-park"
version = 3
language = "en"
title = "Save the park"
author = "Friends of the Park"
target = "The Mayor"
body = \"\"\"
First paragraph.

Second paragraph.
\"\"\"
goal = 5000
petition_url = "https://example.org/park"

[letter]
salutation = "Dear Mayor,"
text = "Please keep the park."
comment_prompt = "Why it matters to you"

[[updates]]
number = 1
date = "2024-05-01"
text = "We met the mayor."

[[updates]]
number = 2
date = "2024-06"
text = "Thank you all."

[fields]
asked = ["email", "first_name"]
required = ["email"]

[consent]
terms = "I agree."
privacy_notice = "We keep it safe."
updates = "Email me."
"""


def _seed_paragraphs() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    return [p.strip() for p in re.split(r"\n[ \t]*\n", text) if p.strip()]


def _write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "appeal.toml"
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return path


def _without_table(table: str) -> str:
    """The template without one [table] and its keys (left behind, they would be unknown)."""
    text = re.sub(rf"(?ms)^\[{table}\]\n.*?(?=^\[|\Z)", "", MINIMAL)
    assert f"[{table}]" not in text
    return text


def _edit(old: str, new: str, source: str = MINIMAL) -> str:
    assert source.count(old) == 1, f"{old!r} is not unique in the template"
    return source.replace(old, new)


# --- the bundled appeal -------------------------------------------------------------------------


def test_minimal_template_loads(tmp_path: Path) -> None:
    appeal = load_appeal(_write(tmp_path, MINIMAL))
    assert appeal.id == "save-the-park"
    assert appeal.version == 3
    assert appeal.paragraphs == ("First paragraph.", "Second paragraph.")
    assert appeal.asked == ("first_name", "email")  # the form's order, not the file's
    assert appeal.required == frozenset({"email"})
    assert [(u.number, u.date) for u in appeal.updates] == [(1, "2024-05-01"), (2, "2024-06")]
    assert appeal.goal == 5000
    assert appeal.petition_url == "https://example.org/park"
    assert appeal.consent.updates == "Email me."


def test_optional_parts_may_be_left_out(tmp_path: Path) -> None:
    text = MINIMAL.split("[[updates]]")[0] + MINIMAL[MINIMAL.index("[fields]") :]
    text = _edit('updates = "Email me."\n', "", text)
    text = _edit("goal = 5000\n", "", text)
    text = _edit('petition_url = "https://example.org/park"\n', "", text)
    appeal = load_appeal(_write(tmp_path, text))
    assert appeal.updates == ()
    assert appeal.goal is None and appeal.petition_url is None
    assert appeal.consent.updates is None


def test_bundled_appeal_is_the_seed_petition() -> None:
    appeal = load_bundled_appeal()
    seed = _seed_paragraphs()
    assert appeal.title == seed[0]
    # "• da:\xa0Andrew M" / "• destinatario:\xa0...": the page's Italian byline.
    byline = dict(re.split(r":\s+", line.strip(" •"), maxsplit=1) for line in seed[1].splitlines())
    assert appeal.author == byline["da"]
    assert appeal.target == byline["destinatario"]

    salutation_at = next(
        i for i, p in enumerate(seed) if p.startswith(appeal.letter.salutation.rstrip(",;: "))
    )
    assert seed[salutation_at].rstrip(" ;,") == appeal.letter.salutation.rstrip(" ;,")
    assert appeal.paragraphs == tuple(seed[2:salutation_at])
    assert appeal.letter.text == seed[salutation_at + 1]
    assert f"[{appeal.letter.comment_prompt}]" == seed[salutation_at + 2]

    (update,) = appeal.updates
    update_block = next(p for p in seed if p.startswith(f"Aggiorna #{update.number}"))
    # The seed's one link is a goo.gl short link, dead: the bundled copy says so instead.
    assert update.text == update_block.split("\n", 1)[1].strip().replace(
        ": https://goo.gl/PIzIVa ", DEAD_LINK_NOTE
    )
    assert appeal.language == "en"
    assert set(appeal.asked) == set(FIELD_NAMES)
    assert {"first_name", "last_name", "email"} <= appeal.required


def test_bundled_appeal_loads_without_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert isinstance(load_bundled_appeal(), Appeal)


# --- broken files: each names the file and the field -------------------------------------------


def _error(tmp_path: Path, text: str | bytes) -> AppealError:
    path = _write(tmp_path, text)
    with pytest.raises(AppealError) as info:
        load_appeal(path)
    exc = info.value
    assert exc.source == str(path)
    assert str(exc).startswith(f"{path}: ")
    assert "\n" not in exc.problem
    return exc


def _field_error(tmp_path: Path, text: str, field: str, problem: str) -> None:
    exc = _error(tmp_path, text)
    assert exc.field == field
    assert str(exc).startswith(f"{exc.source}: field '{field}': ")
    assert problem in exc.problem, exc.problem


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"
    with pytest.raises(AppealError) as info:
        load_appeal(path)
    assert str(info.value) == f"{path}: the file does not exist"


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(AppealError) as info:
        load_appeal(tmp_path)  # a directory
    assert info.value.source == str(tmp_path)
    assert "cannot be read" in info.value.problem


def test_bad_toml_names_the_line(tmp_path: Path) -> None:
    exc = _error(tmp_path, _edit('title = "Save the park"', "title = Save the park"))
    assert exc.field == ""
    assert "is not valid TOML" in exc.problem
    assert "line 5" in exc.problem


def test_not_utf8(tmp_path: Path) -> None:
    raw = MINIMAL.replace("The Mayor", "Le Maire de S\xe8te").encode("latin-1")
    exc = _error(tmp_path, raw)
    assert "is not UTF-8 text" in exc.problem
    offset = raw.index("\xe8".encode("latin-1"))
    assert f"offset {offset}" in exc.problem
    assert "save it as UTF-8" in exc.problem


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("format = 1\n", "format"),
        ('id = "save-the-park"\n', "id"),
        ("version = 3\n", "version"),
        ('language = "en"\n', "language"),
        ('title = "Save the park"\n', "title"),
        ('author = "Friends of the Park"\n', "author"),
        ('target = "The Mayor"\n', "target"),
        ('salutation = "Dear Mayor,"\n', "letter.salutation"),
        ('text = "Please keep the park."\n', "letter.text"),
        ('comment_prompt = "Why it matters to you"\n', "letter.comment_prompt"),
        ('text = "We met the mayor."\n', "updates[0].text"),
        ('date = "2024-06"\n', "updates[1].date"),
        ('asked = ["email", "first_name"]\n', "fields.asked"),
        ('required = ["email"]\n', "fields.required"),
        ('terms = "I agree."\n', "consent.terms"),
        ('privacy_notice = "We keep it safe."\n', "consent.privacy_notice"),
    ],
)
def test_missing_field(tmp_path: Path, line: str, field: str) -> None:
    _field_error(tmp_path, _edit(line, ""), field, "is missing")


def test_missing_body(tmp_path: Path) -> None:
    start, end = MINIMAL.index("body = "), MINIMAL.index("goal = ")
    _field_error(tmp_path, MINIMAL[:start] + MINIMAL[end:], "body", "is missing")


@pytest.mark.parametrize("table", ["letter", "consent", "fields"])
def test_missing_table(tmp_path: Path, table: str) -> None:
    text = _without_table(table)
    _field_error(tmp_path, text, table, f"add a [{table}] table")


@pytest.mark.parametrize(
    ("old", "new", "field", "problem"),
    [
        ('title = "Save the park"', "title = 3", "title", "must be text, not int"),
        (
            'author = "Friends of the Park"',
            "author = ['A', 'B']",
            "author",
            "must be text, not list",
        ),
        ("version = 3", 'version = "3"', "version", "must be a whole number, not str"),
        ("version = 3", "version = 3.0", "version", "must be a whole number, not float"),
        ("goal = 5000", "goal = true", "goal", "must be a whole number, not bool"),
        ("format = 1", "format = true", "format", "must be a whole number, not bool"),
        ('salutation = "Dear Mayor,"', "salutation = 1", "letter.salutation", "must be text"),
        ('terms = "I agree."', "terms = false", "consent.terms", "must be text, not bool"),
        ('asked = ["email", "first_name"]', 'asked = "email"', "fields.asked", "must be a list"),
        (
            'asked = ["email", "first_name"]',
            'asked = ["email", 1]',
            "fields.asked",
            "must be a list",
        ),
        ('required = ["email"]', "required = {}", "fields.required", "must be a list"),
        ("number = 2", 'number = "two"', "updates[1].number", "must be a whole number, not str"),
        ('date = "2024-06"', "date = 2024-06-01", "updates[1].date", "must be text, not date"),
    ],
)
def test_wrong_type(tmp_path: Path, old: str, new: str, field: str, problem: str) -> None:
    _field_error(tmp_path, _edit(old, new), field, problem)


def test_table_that_is_not_a_table(tmp_path: Path) -> None:
    text = _edit("format = 1\n", 'format = 1\nletter = "Hi"\n', _without_table("letter"))
    _field_error(tmp_path, text, "letter", "must be a table")


def test_updates_that_are_not_tables(tmp_path: Path) -> None:
    text = MINIMAL.split("[[updates]]")[0] + MINIMAL[MINIMAL.index("[fields]") :]
    text = _edit("format = 1\n", 'format = 1\nupdates = ["soon"]\n', text)
    _field_error(tmp_path, text, "updates", "must be a list of [[updates]] tables")


@pytest.mark.parametrize(
    ("old", "new", "field", "problem"),
    [
        # fields.asked / fields.required
        ('asked = ["email", "first_name"]', 'asked = ["email", "phone"]', "fields.asked",
         "'phone' is not a field; use first_name, last_name, email, postcode, country, comment"),
        ('asked = ["email", "first_name"]', 'asked = ["email", "Email"]', "fields.asked",
         "'Email' is not a field"),
        ('asked = ["email", "first_name"]', 'asked = ["email", "email"]', "fields.asked",
         "names a field twice"),
        ('asked = ["email", "first_name"]\nrequired = ["email"]', "asked = []\nrequired = []",
         "fields.asked", "is empty; a signature needs at least one field"),
        ('required = ["email"]', 'required = ["email", "postcode"]', "fields.required",
         "'postcode' is required but not in 'asked'"),
        # ids and codes
        ('id = "save-the-park"', 'id = "Save The Park"', "id", "lower-case letters, digits"),
        ('id = "save-the-park"', 'id = "-park"', "id", "lower-case letters, digits"),
        ('id = "save-the-park"', 'id = "park/../../etc"', "id", "lower-case letters, digits"),
        ('id = "save-the-park"', f'id = "{"p" * 64}"', "id", "the limit is 63"),
        ('language = "en"', 'language = "English"', "language", "is not a language code"),
        ("format = 1", "format = 2", "format", "is 2; this kiosk reads format 1"),
        ("format = 1", "format = 0", "format", "must be at least 1, not 0"),
        ("version = 3", "version = 0", "version", "must be at least 1, not 0"),
        ("goal = 5000", "goal = -5", "goal", "must be at least 1, not -5"),
        ('petition_url = "https://example.org/park"', 'petition_url = "http://example.org"',
         "petition_url", "must start with https://"),
        # dates
        ('date = "2024-06"', 'date = "June 2024"', "updates[1].date",
         "'June 2024' is not a date like 2017-04 or 2017-04-21"),
        ('date = "2024-05-01"', 'date = "2024-5-1"', "updates[0].date", "is not a date like"),
        # the pattern alone let these through; the appeal screen then showed no date
        ('date = "2024-06"', 'date = "2017-13"', "updates[1].date",
         "'2017-13' is not a date like 2017-04 or 2017-04-21"),
        ('date = "2024-05-01"', 'date = "2017-02-31"', "updates[0].date",
         "'2017-02-31' is not a date like 2017-04 or 2017-04-21"),
        ('date = "2024-05-01"', 'date = "2017-00-10"', "updates[0].date", "is not a date like"),
        ('date = "2024-05-01"', 'date = "1 May, 2024"', "updates[0].date", "the limit is 10"),
        ("number = 1", "number = 0", "updates[0].number", "must be at least 1"),
        # empty and oversized text
        ('title = "Save the park"', 'title = "   "', "title", "is empty"),
        ('title = "Save the park"', f'title = "{"t" * 301}"', "title",
         "is 301 characters long; the limit is 300"),
        ('terms = "I agree."', 'terms = ""', "consent.terms", "is empty"),
    ],
)  # fmt: skip
def test_bad_value(tmp_path: Path, old: str, new: str, field: str, problem: str) -> None:
    _field_error(tmp_path, _edit(old, new), field, problem)


def test_parse_appeal_uses_the_given_source_name() -> None:
    with pytest.raises(AppealError) as info:
        parse_appeal(_edit("format = 1", "format = 9").encode(), "bundled appeal x.toml")
    assert str(info.value) == (
        "bundled appeal x.toml: field 'format': is 9; this kiosk reads format 1"
    )


# --- translations ------------------------------------------------------------------------------

ITALIAN = """
[translations.it]
title = "Salviamo il parco"
target = "Il sindaco"
body = "Un solo paragrafo."

[translations.it.letter]
text = "Per favore, salvi il parco."

[[translations.it.updates]]
number = 2
text = "Grazie a tutti."

[translations.it.consent]
terms = "Accetto."
updates = "Scrivetemi."
"""


def _parse(extra: str) -> Appeal:
    return parse_appeal((MINIMAL + extra).encode("utf-8"), "test.toml")


def test_a_translation_overrides_only_what_it_gives() -> None:
    appeal = parse_appeal((MINIMAL + ITALIAN).encode("utf-8"), "test.toml")
    assert appeal.languages == ("en", "it")
    italian = appeal.in_language("it")
    assert italian.language == "it"
    assert (italian.title, italian.target) == ("Salviamo il parco", "Il sindaco")
    assert italian.author == appeal.author  # not translated: the original
    assert italian.paragraphs == ("Un solo paragrafo.",)
    assert italian.letter.text == "Per favore, salvi il parco."
    assert italian.letter.salutation == appeal.letter.salutation
    assert [u.text for u in italian.updates] == ["We met the mayor.", "Grazie a tutti."]
    assert [u.date for u in italian.updates] == [u.date for u in appeal.updates]
    assert italian.consent.terms == "Accetto."
    assert italian.consent.privacy_notice == appeal.consent.privacy_notice
    assert italian.consent.updates == "Scrivetemi."
    # Everything that is not text stays the appeal's.
    assert (italian.id, italian.version, italian.asked) == (appeal.id, appeal.version, appeal.asked)


def test_language_fallback() -> None:
    appeal = parse_appeal((MINIMAL + ITALIAN).encode("utf-8"), "test.toml")
    assert appeal.in_language("en") is appeal
    assert appeal.in_language("en-GB") is appeal
    assert appeal.in_language("it-CH").language == "it"
    assert appeal.in_language("ar") is appeal


def test_the_bundled_appeal_speaks_italian() -> None:
    appeal = load_bundled_appeal()
    italian = appeal.in_language("it")
    assert italian.language == "it"
    for english, translated in [
        (appeal.title, italian.title),
        (appeal.target, italian.target),
        (appeal.body, italian.body),
        (appeal.letter.salutation, italian.letter.salutation),
        (appeal.letter.text, italian.letter.text),
        (appeal.letter.comment_prompt, italian.letter.comment_prompt),
        (appeal.updates[0].text, italian.updates[0].text),
        (appeal.consent.terms, italian.consent.terms),
        (appeal.consent.privacy_notice, italian.consent.privacy_notice),
        (appeal.consent.updates, italian.consent.updates),
    ]:
        assert translated and translated != english
    assert len(italian.paragraphs) == len(appeal.paragraphs)


@pytest.mark.parametrize(
    ("extra", "field", "problem"),
    [
        ('[translations.xx1]\ntitle = "x"\n', "translations.xx1", "not a language code"),
        ('[translations.en]\ntitle = "x"\n', "translations.en", "the appeal's own language"),
        ('[translations]\nit = "x"\n', "translations.it", "must be a [translations.it] table"),
        ('[translations.it]\ntitel = "x"\n', "translations.it.titel", "cannot be translated"),
        ('[translations.it]\nid = "x"\n', "translations.it.id", "cannot be translated"),
        ('[translations.it]\ntitle = ""\n', "translations.it.title", "is empty"),
        ("[translations.it]\ntitle = 3\n", "translations.it.title", "must be text"),
        (
            '[translations.it.letter]\nsalute = "x"\n',
            "translations.it.letter.salute",
            "cannot be translated",
        ),
        (
            '[translations.it.consent]\nterms = "x"\nextra = "y"\n',
            "translations.it.consent.extra",
            "cannot be translated",
        ),
        (
            '[[translations.it.updates]]\nnumber = 7\ntext = "x"\n',
            "translations.it.updates[0].number",
            "there is no update 7",
        ),
        (
            "[[translations.it.updates]]\nnumber = 1\n",
            "translations.it.updates[0].text",
            "is missing",
        ),
        (
            '[[translations.it.updates]]\nnumber = 1\ntext = "x"\ndate = "2020-01"\n',
            "translations.it.updates[0].date",
            "cannot be translated",
        ),
        ('[translations.it]\nupdates = "x"\n', "translations.it.updates", "must be a list"),
    ],
)
def test_broken_translations_name_the_field(extra: str, field: str, problem: str) -> None:
    with pytest.raises(AppealError) as caught:
        _parse("\n" + extra)
    assert caught.value.field == field
    assert problem in caught.value.problem


def test_an_opt_in_translation_needs_an_opt_in() -> None:
    text = (
        MINIMAL.replace('updates = "Email me."\n', "")
        + '[translations.it.consent]\nupdates = "x"\n'
    )
    with pytest.raises(AppealError) as caught:
        parse_appeal(text.encode("utf-8"), "test.toml")
    assert caught.value.field == "translations.it.consent.updates"


# --- the drawn signature -----------------------------------------------------------------------


def test_no_drawn_signature_unless_the_appeal_asks(tmp_path: Path) -> None:
    assert load_appeal(_write(tmp_path, MINIMAL)).drawn_signature == "none"


@pytest.mark.parametrize("setting", ["none", "optional", "required"])
def test_drawn_signature_setting(tmp_path: Path, setting: str) -> None:
    text = _edit('required = ["email"]\n', f'required = ["email"]\ndrawn_signature = "{setting}"\n')
    appeal = load_appeal(_write(tmp_path, text))
    assert appeal.drawn_signature == setting
    assert appeal.in_language("it").drawn_signature == setting


@pytest.mark.parametrize("value", ['"yes"', '"Required"', "true", "1"])
def test_drawn_signature_must_be_a_known_choice(tmp_path: Path, value: str) -> None:
    text = _edit('required = ["email"]\n', f'required = ["email"]\ndrawn_signature = {value}\n')
    _field_error(
        tmp_path, text, "fields.drawn_signature", 'use one of "none", "optional", "required"'
    )


def test_the_delivery_pack_names_signers_by_initial_unless_the_appeal_says_full(
    tmp_path: Path,
) -> None:
    assert load_appeal(_write(tmp_path, MINIMAL)).consent.delivered_names == "initial"
    assert load_bundled_appeal().consent.delivered_names == "initial"
    text = _edit('terms = "I agree."\n', 'terms = "I agree."\ndelivered_names = "full"\n')
    appeal = load_appeal(_write(tmp_path, text))
    assert appeal.consent.delivered_names == "full"
    assert appeal.in_language("it").consent.delivered_names == "full"


@pytest.mark.parametrize("value", ['"yes"', '"Full"', "true"])
def test_delivered_names_must_be_a_known_choice(tmp_path: Path, value: str) -> None:
    text = _edit('terms = "I agree."\n', f'terms = "I agree."\ndelivered_names = {value}\n')
    _field_error(tmp_path, text, "consent.delivered_names", 'use one of "initial", "full"')


def test_the_bundled_appeal_offers_an_optional_drawn_signature() -> None:
    appeal = load_bundled_appeal()
    assert appeal.drawn_signature == "optional"
    # Its consent says a drawing is collected, in every language.
    assert "my signature" in appeal.consent.terms
    assert "la mia firma" in appeal.in_language("it").consent.terms


# --- unknown keys: refused where they stand, with the key they were probably meant to be ---------


@pytest.mark.parametrize(
    ("old", "new", "field", "suggestion"),
    [
        ("goal = 5000\n", "gaol = 5000\n", "gaol", "goal"),
        ('title = "Save the park"\n', 'titel = "Save the park"\n', "titel", "title"),
        (
            'salutation = "Dear Mayor,"\n',
            'salutaton = "Dear Mayor,"\n',
            "letter.salutaton",
            "salutation",
        ),
        ('required = ["email"]\n', 'requried = ["email"]\n', "fields.requried", "required"),
        (
            "[fields]\n",
            '[fields]\ndrawn_signatures = "optional"\n',
            "fields.drawn_signatures",
            "drawn_signature",
        ),
        (
            'privacy_notice = "We keep it safe."\n',
            'privacy = "We keep it safe."\n',
            "consent.privacy",
            "privacy_notice",
        ),
        ('date = "2024-06"\n', 'dates = "2024-06"\n', "updates[1].dates", "date"),
    ],
)
def test_a_misspelt_key_is_refused_with_a_suggestion(
    tmp_path: Path, old: str, new: str, field: str, suggestion: str
) -> None:
    exc = _error(tmp_path, _edit(old, new))
    assert exc.field == field
    assert exc.problem == f"is not a key an appeal file has; did you mean '{suggestion}'?"


def test_an_unknown_key_far_from_any_lists_the_keys(tmp_path: Path) -> None:
    exc = _error(tmp_path, _edit("[letter]\n", "[letter]\nxyzzy = 1\n"))
    assert exc.field == "letter.xyzzy"
    assert exc.problem == "is not a key an appeal file has; use comment_prompt, salutation, text"
    assert str(exc) == (
        f"{exc.source}: field 'letter.xyzzy': is not a key an appeal file has; "
        "use comment_prompt, salutation, text"
    )


def test_an_unknown_table_is_refused(tmp_path: Path) -> None:
    exc = _error(tmp_path, MINIMAL + "\n[fileds]\nasked = []\n")
    assert exc.field == "fileds"
    assert "did you mean 'fields'?" in exc.problem


@pytest.mark.parametrize(
    ("extra", "field", "suggestion"),
    [
        ('[translations.it]\ntitel = "x"\n', "translations.it.titel", "title"),
        ('[translations.it.letter]\nsalute = "x"\n', "translations.it.letter.salute", "salutation"),
        ('[translations.it.consent]\nterm = "x"\n', "translations.it.consent.term", "terms"),
        (
            '[[translations.it.updates]]\nnumber = 1\ntxt = "x"\n',
            "translations.it.updates[0].txt",
            "text",
        ),
    ],
)
def test_a_misspelt_translation_key_is_refused_with_a_suggestion(
    extra: str, field: str, suggestion: str
) -> None:
    with pytest.raises(AppealError) as caught:
        _parse("\n" + extra)
    assert caught.value.field == field
    assert caught.value.problem == f"cannot be translated; did you mean '{suggestion}'?"


def test_a_key_that_is_never_translated_lists_what_may_be() -> None:
    with pytest.raises(AppealError) as caught:
        _parse("\n[translations.it]\ngoal = 5\n")
    assert caught.value.field == "translations.it.goal"
    assert caught.value.problem == (
        "cannot be translated; use author, body, consent, letter, target, title, updates"
    )


# --- dates, dead links and the organiser ---------------------------------------------------------


def test_the_bundled_appeal_is_dated_and_holds_no_dead_link() -> None:
    appeal = load_bundled_appeal()
    assert (appeal.started, appeal.last_updated) == ("2017-04", "2017-04")
    for language in appeal.languages:
        shown = appeal.in_language(language)
        texts = [shown.body, shown.letter.text, *(u.text for u in shown.updates)]
        assert not any("goo.gl/" in text for text in texts), language
    assert "goo.gl" in appeal.in_language("it").updates[0].text  # marked, in Italian too
    assert appeal.organiser is None  # the seed names none; the campaign running a kiosk does


def test_an_appeal_names_its_organiser_and_a_contact(tmp_path: Path) -> None:
    text = _edit(
        "[letter]",
        '[organiser]\nname = "Friends of the Park"\ncontact = "privacy@example.org"\n\n[letter]',
    )
    text = _edit("goal = 5000\n", 'goal = 5000\nstarted = "2024-04-21"\n', text)
    appeal = load_appeal(_write(tmp_path, text))
    assert appeal.organiser is not None
    assert (appeal.organiser.name, appeal.organiser.contact) == (
        "Friends of the Park",
        "privacy@example.org",
    )
    assert (appeal.started, appeal.last_updated) == ("2024-04-21", "2024-06")
    web = _edit("privacy@example.org", "https://example.org/privacy", text)
    assert load_appeal(_write(tmp_path, web)).organiser.contact == "https://example.org/privacy"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("organiser", "field", "problem"),
    [
        (
            'name = "Friends"\ncontact = "call Anna"',
            "organiser.contact",
            "'call Anna' is neither an e-mail address nor an https:// address; give one a "
            "supporter can write to about their data",
        ),
        (
            'name = "Friends"\ncontact = "http://example.org/privacy"',
            "organiser.contact",
            "'http://example.org/privacy' is neither an e-mail address nor an https:// address",
        ),
        ('contact = "privacy@example.org"', "organiser.name", "is missing; add it as a text value"),
        ('name = "Friends"', "organiser.contact", "is missing; add it as a text value"),
        (
            'name = "Friends"\ncontact = "a@example.org"\nemail = "b@example.org"',
            "organiser.email",
            "is not a key an appeal file has",
        ),
    ],
)
def test_a_bad_organiser_is_named(tmp_path: Path, organiser: str, field: str, problem: str) -> None:
    text = _edit("[letter]", f"[organiser]\n{organiser}\n\n[letter]")
    with pytest.raises(AppealError) as info:
        load_appeal(_write(tmp_path, text))
    assert info.value.field == field
    assert info.value.problem.startswith(problem)


def test_a_bad_start_date_is_named(tmp_path: Path) -> None:
    text = _edit("goal = 5000\n", 'goal = 5000\nstarted = "2017-14"\n')
    with pytest.raises(AppealError) as info:
        load_appeal(_write(tmp_path, text))
    assert (info.value.field, info.value.problem) == (
        "started",
        "'2017-14' is not a date like 2017-04 or 2017-04-21",
    )


def test_the_organiser_is_not_translated(tmp_path: Path) -> None:
    text = MINIMAL + '\n[translations.it.organiser]\nname = "Amici del parco"\n'
    with pytest.raises(AppealError) as info:
        load_appeal(_write(tmp_path, text))
    assert info.value.field == "translations.it.organiser"
    assert info.value.problem.startswith("cannot be translated")
