"""Words the core says to a person, kept translatable without importing Qt.

The core (petition, protocol, vault, sync, desks) marks every text a supporter or a volunteer
reads with `QT_TRANSLATE_NOOP(context, text)`, which Qt's lupdate collects into the catalogs
(scripts/i18n.py lists the files). The mark keeps its context: the result is a `Marked` string,
still the English text. A `Message` is what the core hands on: its English text (so `str()`, the
log and the command line read English), with the marked template and the values to fill in, so
the UI shows it in the language on screen (kiosk.ui.i18n.core_text) and again after a switch.

A value may itself be a `Message` (a reason inside a refusal, the parts of a vault notice): it is
translated with its own context. A value that is not marked (a path, a server's own words, an
SQLite error) stays as it is. `Message.joined` puts whole sentences side by side.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

Value = str | int

# How the UI translates: (context, English template) -> the template in the current language.
Translate = Callable[[str, str], str]


class Marked(str):
    """An English text marked for the catalogs, with the context it was marked in."""

    context: str

    def __new__(cls, text: str, context: str) -> Marked:
        marked = super().__new__(cls, text)
        marked.context = context
        return marked


def QT_TRANSLATE_NOOP(context: str, text: str) -> Marked:
    """Mark `text` for the catalogs (lupdate knows this name); it stays English here."""
    return Marked(text, context)


class Message(str):
    """A message for a person: the English text, with its template and values kept so that a
    screen can show it translated (`translated`)."""

    template: str
    values: Mapping[str, Value]
    parts: tuple[Message, ...]

    def __new__(cls, template: str, /, **values: Value) -> Message:
        message = super().__new__(cls, template.format(**values))
        message.template = template
        message.values = values
        message.parts = ()
        return message

    @classmethod
    def joined(cls, parts: Sequence[Message]) -> Message:
        """Sentences side by side, each translated on its own."""
        message = super().__new__(cls, " ".join(parts))
        message.template = ""
        message.values = {}
        message.parts = tuple(parts)
        return message

    @property
    def context(self) -> str | None:
        """The catalog context the template was marked in; None for a text not marked."""
        return self.template.context if isinstance(self.template, Marked) else None

    def translated(self, translate: Translate, number: Callable[[int], str] = str) -> str:
        """The message in another language; `translate` maps a marked template to its own, and
        `number` writes a whole number the way that language does ("10,000", "10.000")."""
        if self.parts:
            return " ".join(part.translated(translate, number) for part in self.parts)
        values = {name: _value(value, translate, number) for name, value in self.values.items()}
        context = self.context
        template = translate(context, self.template) if context is not None else self.template
        return template.format(**values)


def _value(value: Value, translate: Translate, number: Callable[[int], str]) -> str:
    if isinstance(value, Message):
        return value.translated(translate, number)
    if isinstance(value, int) and not isinstance(value, bool):
        return number(value)
    return str(value)


def said(error: BaseException) -> str:
    """What an error says: its `Message` when it carries one (for another error to carry on),
    else its text."""
    first = error.args[0] if error.args else None
    return first if isinstance(first, Message) else str(error)
