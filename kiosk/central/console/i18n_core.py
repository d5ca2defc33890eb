"""The Italian of the core's refusals the console shows (kiosk.central.errors.words, raised by
kiosk.central.review and .erasure): the template in English is the key, as for the console's
own texts, and the values are filled in after translating (kiosk.central.console.i18n.said_in).
tests/central/console/test_console_i18n.py checks every template the core marks is here."""

from __future__ import annotations

ITALIAN = {
    "a mark is {marks}, not {typed}": "un segno è uno tra {marks}, non {typed}",
    "a reason is at most {limit} characters": "un motivo ha al massimo {limit} caratteri",
    "say why with --reason (for example 'same pen, same minute')": "di' perché con --reason "
    "(per esempio 'stessa penna, stesso minuto')",
    "an address given to erase is not an e-mail address ({why}); give the bare address, "
    "name@domain, without a name or angle brackets": "un indirizzo da cancellare non è un "
    "indirizzo e-mail ({why}): scrivi solo l'indirizzo, nome@dominio, senza nome né parentesi "
    "angolari",
    "a reason is kept on the server, which holds no personal data: leave the e-mail address "
    "out of it (say 'same address as another signature', for example)": "il motivo resta sul "
    "server, che non conserva dati personali: non scriverci l'indirizzo e-mail (scrivi per "
    "esempio 'stesso indirizzo di un'altra firma')",
    "only {invalid} and {test} marks are undone, not {typed}": "si tolgono solo i segni "
    "{invalid} e {test}, non {typed}",
    "no signature is marked {mark} with that reason (undone already?)": "nessuna firma è "
    "segnata {mark} con quel motivo (segno già tolto?)",
    "no event is called {name}: no kiosk was enrolled for it or collected under it, and the "
    "Events page has no such name (check the spelling in 'kiosk central status')": "nessun "
    "evento si chiama {name}: nessun chiosco è stato registrato per quell'evento o vi ha "
    "raccolto firme, e la pagina Eventi non ha questo nome (controlla come è scritto in "
    "'kiosk central status')",
    "no device {device} is enrolled": "nessun chiosco {device} è registrato",
    "test mode is for a {device} or an {event}": "la modalità di prova è per un chiosco "
    "({device}) o un evento ({event})",
    "{typed} is not a record id: give a signature_id, or device_id:signature_id, as the "
    "export's columns show them": "{typed} non è un id di record: scrivi un signature_id, o "
    "device_id:signature_id, come nelle colonne dell'esportazione",
    "give at least one record id (a signature_id, or device_id:signature_id, as the export's "
    "columns show them)": "scrivi almeno un id di record (un signature_id, o "
    "device_id:signature_id, come nelle colonne dell'esportazione)",
    "{typed} is not an e-mail address (name@domain)": "{typed} non è un indirizzo e-mail "
    "(nome@dominio)",
    "at most {limit} record ids at once, not {count}": "al massimo {limit} id di record alla "
    "volta, non {count}",
    "no stored signature has id {record}: check it, or give device_id:signature_id to keep a "
    "later upload of it out": "nessuna firma presente ha l'id {record}: controllalo, o scrivi "
    "device_id:signature_id per tenere fuori un suo invio successivo",
    "no device {device} is enrolled (in {device}:{record})": "nessun chiosco {device} è "
    "registrato (in {device}:{record})",
}
