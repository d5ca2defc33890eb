"""The kiosk's languages: Qt Linguist catalogs in resources/i18n, switched while it runs.

English is the language of the source; every other language has a compiled catalog
(`kiosk_<lang>.qm`, made by `make i18n` from `kiosk_<lang>.ts`), read through importlib.resources
and handed to Qt as bytes. Switching installs the catalog, which sends every widget a
`LanguageChange` event (screens re-translate in `changeEvent`), makes the language Qt's default
locale for numbers and dates, and lays the window out right-to-left when the language is written
that way.

The core marks its texts (field labels, validation messages, the PIN rules, the vault's notices,
the sync's and enrolment's errors) without importing Qt (kiosk.message); they are translated
here, each in the context it was marked in ("form", "pin", "vault", "sync" ...).

A text a widget keeps showing is held as a `Text`, a function that says it in the current
language, so the widget can say it again when the language changes (its `changeEvent`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from importlib.resources import files

from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QObject, Qt, QTranslator, Signal
from PySide6.QtGui import QGuiApplication

from kiosk.message import Message
from kiosk.petition.form import TRANSLATION_CONTEXT

# The languages the kiosk speaks, each named in its own language for the switcher.
LANGUAGES: Mapping[str, str] = {"en": "English", "it": "Italiano"}
DEFAULT_LANGUAGE = "en"
SOURCE_LANGUAGE = "en"
CATALOG_PACKAGE = "kiosk.resources"
CATALOG_FOLDER = "i18n"
_PLACEHOLDER = re.compile(r"%([1-9])")

Text = Callable[[], str]  # a text in the current language, asked for again after a switch


def fixed(text: str) -> Text:
    """A text that reads the same in every language (a path, a name, or none: "")."""
    return lambda: text


NO_TEXT: Text = fixed("")


def catalog_bytes(language: str) -> bytes | None:
    """The compiled catalog shipped for `language`, or None when there is none."""
    resource = files(CATALOG_PACKAGE).joinpath(CATALOG_FOLDER, f"kiosk_{language}.qm")
    return resource.read_bytes() if resource.is_file() else None


def form_text(text: str) -> str:
    """A label or message template from kiosk.petition.form, in the current language."""
    return QCoreApplication.translate(TRANSLATION_CONTEXT, text)


def _translate(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)


def message_text(message: Message) -> str:
    """A message from the core (kiosk.message), in the current language."""
    return message.translated(_translate, QLocale().toString)


def core_text(error: BaseException | str | None) -> str:
    """What a core error or notice says, in the current language when it carries a `Message`
    (kiosk.message); otherwise its own words ("" for none)."""
    if error is None:
        return ""
    said = error if isinstance(error, str) else (error.args[0] if error.args else str(error))
    if isinstance(said, Message):
        return message_text(said)
    return str(said)


class Retranslated:
    """A widget whose words follow a language change: mixed in before its Qt class
    (`class Panel(Retranslated, QWidget)`), it calls `_retranslate` at every LanguageChange, which
    Qt sends each widget when a translator is installed or removed. The widget calls
    `_retranslate` once itself, when it is built."""

    _retranslate: Callable[[], None]  # each widget's own: its words, in the language now

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)  # type: ignore[misc]  # the Qt class it is mixed into


class Languages(QObject):
    """Which language the kiosk speaks now; one per window, passed to the screens that offer it."""

    changed = Signal(str)  # the new language code

    def __init__(
        self,
        languages: Mapping[str, str] = LANGUAGES,
        *,
        default: str = DEFAULT_LANGUAGE,
        load: Callable[[str], bytes | None] = catalog_bytes,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        if default not in languages:
            raise ValueError(f"the default language {default!r} is not offered")
        self.available = dict(languages)
        self.default = default
        self._load = load
        self._current = SOURCE_LANGUAGE
        self._translator: QTranslator | None = None
        # QTranslator.load(bytes) reads from the buffer it is given for as long as it is used.
        self._catalog_in_use: bytes | None = None
        self.switch(default)

    @property
    def current(self) -> str:
        return self._current

    def switch(self, language: str) -> None:
        if language not in self.available:
            raise ValueError(f"the kiosk does not speak {language!r}")
        changed = language != self._current
        if not changed and self._translator is not None:
            return
        # Current before the catalogs change: screens ask for it while they re-translate.
        self._current = language
        locale = QLocale(language)
        QLocale.setDefault(locale)
        QGuiApplication.setLayoutDirection(locale.textDirection())
        previous = self._translator
        self._translator = None
        # The old catalog's bytes stay referenced here until its translator is out, below.
        old_catalog = self._catalog_in_use
        self._catalog_in_use = None
        # English is the source, but its catalog holds the plural forms ("1 person", "2 people").
        catalog = self._load(language)
        if catalog is not None:
            translator = QTranslator(self)
            if not translator.load(catalog):
                raise ValueError(f"the catalog for {language!r} cannot be read")
            self._catalog_in_use = catalog
            self._translator = translator
            QCoreApplication.installTranslator(translator)
        if previous is not None:
            QCoreApplication.removeTranslator(previous)
            previous.deleteLater()
            del old_catalog
        if changed:
            self.changed.emit(language)

    def reset(self) -> None:
        """Back to the default language, for the next person."""
        self.switch(self.default)

    def release(self) -> None:
        """Take the catalog out of the application and restore left-to-right (the window that
        owns this is going)."""
        if self._translator is not None:
            QCoreApplication.removeTranslator(self._translator)
            self._translator.deleteLater()
            self._translator = None
        QLocale.setDefault(QLocale(SOURCE_LANGUAGE))
        QGuiApplication.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


def arg(template: str, *values: object) -> str:
    """Qt's %1, %2 ... placeholders filled in one pass, so a value holding "%2" stays as it is."""
    return _PLACEHOLDER.sub(lambda m: str(values[int(m.group(1)) - 1]), template)
