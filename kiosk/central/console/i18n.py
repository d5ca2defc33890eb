"""The console in English and Italian: English strings are the keys, CATALOG holds the Italian
(informal "tu", as on the kiosk). A dict rather than Babel: some seventy strings, no compile
step and no extra dependency; tests/central/console/test_console_i18n.py checks every string the
templates and routes use has its translation. Placeholders are `{name}`, filled after
translating, so a value holding braces stays as typed.

A count takes its noun's form from PLURALS (`plural`, as ngettext: English and Italian both have
a form for one and one for every other number, 0 included), and the core's refusals the console
shows (kiosk.central.errors.words: a `Message` with its English template and values) are
translated by their template here too (`said`), so no English sentence reaches an Italian page."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from kiosk.central.console.i18n_core import ITALIAN as CORE_ITALIAN
from kiosk.central.console.i18n_lifecycle import ITALIAN as LIFECYCLE_ITALIAN
from kiosk.central.console.i18n_lifecycle import ITALIAN_PLURALS as LIFECYCLE_PLURALS
from kiosk.message import Message, said

LANGUAGES = ("en", "it")
LANGUAGE_NAMES = {"en": "English", "it": "Italiano"}

CATALOG: Mapping[str, Mapping[str, str]] = {
    "it": {
        "Coordinators' console": "Console dei coordinatori",
        "Skip to the content": "Vai al contenuto",
        "Console pages": "Pagine della console",
        "Language": "Lingua",
        "Now": "Adesso",
        "Kiosks": "Chioschi",
        "Enrol": "Registra",
        "Import": "Importa",
        "Audit log": "Registro delle azioni",
        "Sign in": "Accedi",
        "Sign out": "Esci",
        "Signed in as {account}": "Hai effettuato l'accesso come {account}",
        "Credential": "Credenziale",
        "The coordinator credential from 'kiosk central init', or your own from "
        "'kiosk central user add'.": "La credenziale del coordinatore di 'kiosk central init', "
        "o la tua di 'kiosk central user add'.",
        "This credential is not valid: check it and try again.": "Questa credenziale non è "
        "valida: controllala e riprova.",
        "Too many failed sign-ins: try again in {minutes} min.": "Troppi accessi non riusciti: "
        "riprova tra {minutes} min.",
        "The form has expired: please submit it again.": "Il modulo è scaduto: invialo di nuovo.",
        "You were signed out after 30 minutes without activity: sign in again.": "Sei uscito "
        "dopo 30 minuti di inattività: accedi di nuovo.",
        "Campaign total": "Totale della campagna",
        "Today (UTC)": "Oggi (UTC)",
        "Next deletion (retention)": "Prossima cancellazione (conservazione)",
        "none due": "nessuna prevista",
        "Per event": "Per evento",
        "Event": "Evento",
        "Signatures": "Firme",
        "No signatures yet.": "Ancora nessuna firma.",
        "Signatures per hour": "Firme per ora",
        "Last 24 hours": "Ultime 24 ore",
        "Last 7 days": "Ultimi 7 giorni",
        "Whole campaign": "Tutta la campagna",
        "Updated live.": "Si aggiorna da solo.",
        "Need attention": "Da controllare",
        "All kiosks": "Tutti i chioschi",
        "No kiosk is enrolled yet: create an enrolment link on the Enrol page.": "Nessun "
        "chiosco è ancora registrato: crea un link di registrazione nella pagina Registra.",
        "Kiosk": "Chiosco",
        "Name": "Nome",
        "Batches": "Lotti",
        "Last received": "Ultimo arrivo",
        "State": "Stato",
        "Actions": "Azioni",
        "never": "mai",
        "ok": "ok",
        "revoked": "revocato",
        "silent for over 15 min": "in silenzio da oltre 15 min",
        "delivered nothing since enrolment": "nulla consegnato dalla registrazione",
        "Kiosks that need a volunteer come first. Updated live.": "Prima i chioschi che "
        "hanno bisogno di un volontario. Si aggiorna da solo.",
        "Needs a volunteer:": "Serve un volontario:",
        "battery low ({percent} %)": "batteria scarica ({percent} %)",
        "disk nearly full ({size} free)": "disco quasi pieno ({size} liberi)",
        "clock off: {offset}": "orologio sbagliato: {offset}",
        "not on the campaign's appeal": "non ha l'appello della campagna",
        "Last seen": "Ultimo contatto",
        "Last batch": "Ultimo lotto",
        "Backlog": "In attesa",
        "Battery": "Batteria",
        "Free disk": "Disco libero",
        "Clock": "Orologio",
        "Versions": "Versioni",
        "under 5 min ago": "meno di 5 min fa",
        "{minutes} min ago": "{minutes} min fa",
        "{hours} h ago": "{hours} h fa",
        "in step": "allineato",
        "{minutes} min ahead": "{minutes} min avanti",
        "{minutes} min behind": "{minutes} min indietro",
        "{hours} h ahead": "{hours} h avanti",
        "{hours} h behind": "{hours} h indietro",
        "batches: {count}": "lotti: {count}",
        "none yet": "ancora nessuno",
        "not reported": "non comunicato",
        "signatures not in a batch: {signatures} · batches not confirmed: {batches}": "firme "
        "non ancora in un lotto: {signatures} · lotti non confermati: {batches}",
        "nothing waiting": "niente in attesa",
        "{percent} %, charging": "{percent} %, in carica",
        "{percent} %, on battery": "{percent} %, a batteria",
        "appeal {appeal} v{version}": "appello {appeal} v{version}",
        "not the campaign's": "non quello della campagna",
        "app {version}": "app {version}",
        "Rename": "Rinomina",
        "Name for kiosk {device}": "Nome del chiosco {device}",
        "Revoke": "Revoca",
        "Revoke kiosk {device}": "Revoca il chiosco {device}",
        "Revoke this kiosk?": "Revocare questo chiosco?",
        "Kiosk {kiosk} at event {event} ({seen}) will have every further batch refused. The "
        "batches already received stay. To use this tablet again, enrol it with a new link.": (
            "Ogni altro lotto del chiosco {kiosk} all'evento {event} ({seen}) sarà rifiutato. "
            "I lotti già ricevuti restano. Per riusare questo tablet, registralo con un nuovo "
            "link."
        ),
        "last seen {when}": "visto l'ultima volta {when}",
        "not heard from yet": "nessun contatto finora",
        "Yes, revoke it": "Sì, revocalo",
        "Cancel": "Annulla",
        "Kiosk revoked.": "Chiosco revocato.",
        "Kiosk renamed.": "Chiosco rinominato.",
        "Enrolment code cancelled.": "Codice di registrazione annullato.",
        "New enrolment link": "Nuovo link di registrazione",
        "Server address": "Indirizzo del server",
        "The address kiosks reach this server at, e.g. https://192.168.1.20:8443": "L'indirizzo "
        "a cui i chioschi raggiungono questo server, ad es. https://192.168.1.20:8443",
        "Valid for (hours)": "Valido per (ore)",
        "Create the link": "Crea il link",
        "Enrolment link for {event}": "Link di registrazione per {event}",
        "Scan this code with the kiosk, or paste the link in its enrolment screen. It works "
        "once.": "Inquadra questo codice con il chiosco, o incolla il link nella sua schermata "
        "di registrazione. Funziona una volta sola.",
        "QR code of the enrolment link": "Codice QR del link di registrazione",
        "Link": "Link",
        "Expires in {hours} h.": "Scade tra {hours} h.",
        "Expires in less than an hour.": "Scade tra meno di un'ora.",
        "Unused codes": "Codici non usati",
        "No unused codes.": "Nessun codice non usato.",
        "Expires": "Scadenza",
        "in {hours} h": "tra {hours} h",
        "in less than an hour": "tra meno di un'ora",
        "Cancel the code for {event}": "Annulla il codice per {event}",
        "Import batch files": "Importa file di lotti",
        "Batch files (from a kiosk's USB export)": "File di lotti (dall'esportazione USB di un "
        "chiosco)",
        "Upload": "Carica",
        "Result": "Risultato",
        "File": "File",
        "already stored": "già presente",
        "not imported: {reason}": "non importato: {reason}",
        "Choose at least one file.": "Scegli almeno un file.",
        "When (UTC, to the hour)": "Quando (UTC, all'ora)",
        "Who": "Chi",
        "What": "Cosa",
        "Nothing has been done in the console yet.": "Nella console non è ancora stato fatto "
        "nulla.",
        "Page not found.": "Pagina non trovata.",
        "Campaign goal": "Obiettivo della campagna",
        "Campaign goal (signatures)": "Obiettivo della campagna (firme)",
        "Chart": "Grafico",
        "Chart of event {event}": "Grafico dell'evento {event}",
        "Create the event": "Crea l'evento",
        "Drop batch files from a kiosk's USB stick here": "Trascina qui i file di lotti dalla "
        "chiavetta USB di un chiosco",
        "Each file is imported on its own, with its result below.": "Ogni file viene importato "
        "da solo, con il suo risultato qui sotto.",
        "Empty: the appeal file's goal, if it has one.": "Vuoto: l'obiettivo del file "
        "dell'appello, se ne ha uno.",
        "Event created.": "Evento creato.",
        "Event renamed. Its kiosks keep sending the old name; it still counts here.": "Evento "
        "rinominato. I suoi chioschi continuano a inviare il vecchio nome; qui conta lo stesso.",
        "Event {event}": "Evento {event}",
        "Events": "Eventi",
        "Events and their kiosks": "Gli eventi e i loro chioschi",
        "Goal": "Obiettivo",
        "Goal (signatures, optional)": "Obiettivo (firme, facoltativo)",
        "Goal for event {event}": "Obiettivo per l'evento {event}",
        "Goal saved.": "Obiettivo salvato.",
        "Goal {goal}": "Obiettivo {goal}",
        "Kiosk {kiosk}": "Chiosco {kiosk}",
        "Kiosks keep the event name they were enrolled with or that a volunteer typed on the "
        "panel: the server sends them no new name. Renaming an event here keeps its old names, "
        "so what its kiosks still send under them counts for the renamed event. Tell the "
        "volunteers the new name if the kiosks' panels should show it.": "I chioschi tengono il "
        "nome dell'evento con cui sono stati registrati o che un volontario ha scritto nel "
        "pannello: il server non manda loro nessun nome nuovo. Se rinomini un evento qui, i suoi "
        "vecchi nomi restano, e ciò che i suoi chioschi inviano ancora con quei nomi conta per "
        "l'evento rinominato. Di' ai volontari il nuovo nome se vuoi che lo mostri il pannello "
        "dei chioschi.",
        "Kiosks now": "Chioschi ora",
        "New event": "Nuovo evento",
        "New name for event {event}": "Nuovo nome per l'evento {event}",
        "No events yet: create one, or enrol a kiosk for one.": "Ancora nessun evento: creane "
        "uno, o registra un chiosco per un evento.",
        "Save the goal": "Salva l'obiettivo",
        "Set goal": "Imposta l'obiettivo",
        "Show": "Mostra",
        "Show the chart": "Mostra il grafico",
        "Time span": "Periodo",
        "also sent as: {names}": "inviato anche come: {names}",
        "goal": "obiettivo",
        "named by its kiosks": "nominato dai suoi chioschi",
        "none": "nessuno",
        "not sent: check the connection and drop it again": "non inviato: controlla la "
        "connessione e trascinalo di nuovo",
        "running total (right scale)": "totale progressivo (scala a destra)",
        "sending…": "invio in corso…",
        "signatures in the hour (left scale)": "firme nell'ora (scala a sinistra)",
        "{reached} of the goal of {goal}": "{reached} dell'obiettivo di {goal}",
        **LIFECYCLE_ITALIAN,
        **CORE_ITALIAN,
    }
}

Forms = tuple[str, str]  # (one, other)
PLURALS: Mapping[str, Mapping[Forms, Forms]] = {
    "it": {
        (
            "{count} signature, at most {peak} in one hour",
            "{count} signatures, at most {peak} in one hour",
        ): (
            "{count} firma, al massimo {peak} in un'ora",
            "{count} firme, al massimo {peak} in un'ora",
        ),
        ("imported: {count} signature", "imported: {count} signatures"): (
            "importato: {count} firma",
            "importato: {count} firme",
        ),
        ("gap in batch {ranges}", "gap in batches {ranges}"): (
            "lotto mancante {ranges}",
            "lotti mancanti {ranges}",
        ),
        ("altered batch {numbers}", "altered batches {numbers}"): (
            "lotto alterato {numbers}",
            "lotti alterati {numbers}",
        ),
        **LIFECYCLE_PLURALS,
    }
}


def negotiate(accept_language: str, chosen: str | None) -> str:
    """The language chosen with the switcher, else the browser's first one we have, else en."""
    if chosen in LANGUAGES:
        return chosen
    ranked = []
    for i, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, i, tag.strip().lower().split("-")[0]))
    for _q, _i, language in sorted(ranked):
        if language in LANGUAGES:
            return language
    return "en"


def translator(language: str) -> Callable[..., str]:
    table = CATALOG.get(language, {})

    def translate(text: str, **values: object) -> str:
        translated = table.get(text, text)
        return translated.format(**values) if values else translated

    return translate


def plural(language: str) -> Callable[..., str]:
    """ngettext: `_n(one, other, count, **values)`, the form for `count` in the language, with
    {count} and the other values filled in. English and Italian: one for 1, other otherwise."""
    table = PLURALS.get(language, {})

    def translate(one: str, other: str, count: int, **values: object) -> str:
        forms = table.get((one, other), (one, other))
        return forms[0 if count == 1 else 1].format(count=count, **values)

    return translate


def said_in(language: str, error: BaseException) -> str:
    """What a refusal says, in the language: a core `Message` by its template (and its values,
    a `Message` among them translated too), else the text as it is (a console text is
    translated where it is made)."""
    message = said(error)
    if not isinstance(message, Message):
        return message
    table = CATALOG.get(language, {})
    return message.translated(lambda _context, template: table.get(template, template))
