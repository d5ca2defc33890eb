"""kiosk.message: the core's words stay English for the log and the command line, and carry
what a screen needs to say them in another language, nested parts included."""

from __future__ import annotations

from kiosk.errors import VaultError
from kiosk.message import QT_TRANSLATE_NOOP, Message, said

ITALIAN = {
    ("vault", "Cannot save ({reason})."): "Impossibile salvare ({reason}).",
    ("vault", "the disk is full"): "il disco è pieno",
    ("sync", "Wait {wait}."): "Attendi {wait}.",
}


def italian(context: str, text: str) -> str:
    return ITALIAN.get((context, text), text)


def test_a_message_reads_english_and_translates_with_its_nested_reason() -> None:
    reason = Message(QT_TRANSLATE_NOOP("vault", "the disk is full"))
    message = Message(QT_TRANSLATE_NOOP("vault", "Cannot save ({reason})."), reason=reason)
    assert message == "Cannot save (the disk is full)."
    assert message.context == "vault"
    assert message.translated(italian) == "Impossibile salvare (il disco è pieno)."


def test_an_unmarked_value_and_an_unmarked_template_stay_as_they_are() -> None:
    detail = "database is locked"  # SQLite's own words: not the kiosk's to translate
    message = Message(QT_TRANSLATE_NOOP("vault", "Cannot save ({reason})."), reason=detail)
    assert message.translated(italian) == "Impossibile salvare (database is locked)."
    plain = Message("Cannot save ({reason}).", reason="x")
    assert plain.context is None and plain.translated(italian) == "Cannot save (x)."


def test_joined_sentences_translate_each_in_its_own_context() -> None:
    joined = Message.joined(
        [
            Message(QT_TRANSLATE_NOOP("sync", "Wait {wait}."), wait="1 min"),
            Message(QT_TRANSLATE_NOOP("vault", "the disk is full")),
        ]
    )
    assert joined == "Wait 1 min. the disk is full"
    assert joined.translated(italian) == "Attendi 1 min. il disco è pieno"


def test_said_hands_on_the_message_an_error_carries() -> None:
    message = Message(QT_TRANSLATE_NOOP("vault", "the disk is full"))
    assert said(VaultError(message)) is message
    assert said(VaultError("plain words")) == "plain words"
    assert str(VaultError(message)) == "the disk is full"
