"""The Italian of the core's refusals the console shows (kiosk.central.errors.words, raised by
kiosk.central.review and .erasure, by the Import page's ingest, kiosk.central.ingest, .imports
and .salvage, with the parser's own reasons, kiosk.protocol.fields and .batch, and by the Kiosks,
Events and Enrol pages' services): the template in English is the key, as for the console's own
texts, and the values are filled in after translating (kiosk.central.console.i18n.said_in).
tests/central/console/test_console_i18n.py checks every template the core marks is here. Ids,
numbers and a batch's field names are values and stay as the batch has them."""

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
    # Importing a batch (kiosk.central.ingest, .imports, .salvage; the Import page's own limit).
    "the batch is malformed: {reason}": "il lotto non è valido: {reason}",
    "a salvage batch (records read back from a damaged vault) is not uploaded: the "
    "coordinator imports its file with 'kiosk central import'": "un lotto di recupero (firme "
    "rilette da un archivio danneggiato) non si invia al server: il coordinatore ne importa il "
    "file con 'kiosk central import'",
    "the URL names batch {expected} but the body is batch {batch}": "l'URL indica il lotto "
    "{expected}, ma il contenuto è il lotto {batch}",
    "no campaign yet: run 'kiosk central init' first": "non c'è ancora una campagna: esegui "
    "prima 'kiosk central init'",
    "the batch holds a time outside the years 1 to 9999": "il lotto contiene un'ora fuori dagli "
    "anni da 1 a 9999",
    "device {device} is not enrolled": "il chiosco {device} non è registrato",
    "the signature of batch {batch} does not verify for device {device}": "la firma del lotto "
    "{batch} non risulta valida per il chiosco {device}",
    "device {device} has been revoked": "il chiosco {device} è stato revocato",
    "the batch is for appeal {appeal!r}; this campaign collects for {campaign!r}": "il lotto è "
    "per l'appello {appeal!r}; questa campagna raccoglie firme per {campaign!r}",
    "record {record} is sealed to key {key}, which is not a key of this campaign's keyset": "il "
    "record {record} è cifrato con la chiave {key}, che non fa parte del mazzo di chiavi di "
    "questa campagna",
    "device {device} already sent a different batch under id {batch}": "il chiosco {device} ha "
    "già inviato un lotto diverso con l'id {batch}",
    "device {device} already sent batch {batch} as number {seq}": "il chiosco {device} ha già "
    "inviato il lotto {batch} come numero {seq}",
    "batch {batch} conflicts with a stored batch": "il lotto {batch} è in conflitto con un "
    "lotto già presente",
    "record {record} is already stored in another batch of device {device}": "il record "
    "{record} è già presente in un altro lotto del chiosco {device}",
    "another salvage file of device {device} was imported at the same moment; import this one "
    "again": "un altro file di recupero del chiosco {device} è stato importato nello stesso "
    "momento: importa di nuovo questo",
    "device {device} already has a different batch under id {batch}": "il chiosco {device} ha "
    "già un lotto diverso con l'id {batch}",
    "the file is over the limit of {limit} bytes": "il file supera il limite di {limit} byte",
    # Why a batch does not parse (kiosk.protocol.batch, and the field readers of
    # kiosk.protocol.fields it shares with the other wire documents).
    "the batch header": "l'intestazione del lotto",
    "the batch is {size} bytes; the limit is {limit}": "il lotto è di {size} byte; il limite è "
    "{limit}",
    "this is a version 1 batch (kiosk-batch/1), from an older kiosk; this server takes "
    "version 2 only: update the kiosk, which then sends its batches again": "questo è un lotto "
    "della versione 1 (kiosk-batch/1), di un chiosco meno recente; questo server accetta solo "
    "la versione 2: aggiorna il chiosco, che poi invia di nuovo i suoi lotti",
    "the batch does not start with {format!r}": "il lotto non inizia con {format!r}",
    "the batch is cut short": "il lotto è troncato",
    "the batch header's length is impossible": "la lunghezza dell'intestazione del lotto è "
    "impossibile",
    "header 'format' must be {format!r}": "nell'intestazione 'format' deve essere {format!r}",
    "header 'kind' must be one of {kinds}": "nell'intestazione 'kind' deve essere uno tra {kinds}",
    "'appeal' must be an object with id and version": "'appeal' deve essere un oggetto con id e "
    "version",
    "'records' must be a list": "'records' deve essere una lista",
    "'records' must hold 1 to {limit} records": "'records' deve contenere da 1 a {limit} record",
    "the sealed records do not fill the batch exactly": "i record cifrati non riempiono "
    "esattamente il lotto",
    "'records' lists a record id twice": "'records' elenca due volte lo stesso id di record",
    "a salvage batch has seq 0 and no chain": "un lotto di recupero ha seq 0 e nessuna catena",
    "'{field}' must be a list of {fields}": "'{field}' deve essere una lista di {fields}",
    "'{field}' is impossible": "'{field}' è impossibile",
    "{what} is not JSON": "{what} non è JSON",
    "{what} is nested too deeply": "{what} ha troppi livelli annidati",
    "{what} must be a JSON object": "{what} deve essere un oggetto JSON",
    "'{field}' must be base64 text": "'{field}' deve essere testo base64",
    "'{field}' is not valid base64": "'{field}' non è base64 valido",
    "'{field}' is missing or malformed": "'{field}' manca o non è valido",
    "'{field}' must be a positive whole number": "'{field}' deve essere un numero intero positivo",
    "'{field}' must be a whole number from {least}": "'{field}' deve essere un numero intero da "
    "{least} in su",
    "'{field}' must be an ISO 8601 time": "'{field}' deve essere un'ora ISO 8601",
    "'{field}' is not an ISO 8601 time": "'{field}' non è un'ora ISO 8601",
    # The Enrol page's own check.
    "the server address starts with https:// (or http:// on this machine)": "l'indirizzo del "
    "server inizia con https:// (o http:// su questa macchina)",
    # The Kiosks, Events and Enrol pages' services (kiosk.central.console.overview,
    # kiosk.central.events, .enrolment, .campaign) and a busy server (kiosk.central.write_queue).
    "a kiosk's name is at most {limit} characters": "il nome di un chiosco ha al massimo "
    "{limit} caratteri",
    "this enrolment code was used or cancelled already": "questo codice di registrazione è già "
    "stato usato o annullato",
    "the event name must be 1 to 200 characters": "il nome dell'evento deve avere da 1 a 200 "
    "caratteri",
    "an enrolment code is valid for more than 0 seconds and at most 30 days": "un codice di "
    "registrazione vale per più di 0 secondi e al massimo 30 giorni",
    "an event's name is 1 to {limit} characters, on one line": "il nome di un evento ha da 1 a "
    "{limit} caratteri, su una sola riga",
    "a goal is a whole number of signatures, such as 5000 (or empty)": "un obiettivo è un numero "
    "intero di firme, per esempio 5000 (oppure vuoto)",
    "an event is called {name!r} already (or was, before a rename)": "un evento si chiama già "
    "{name!r} (o si chiamava così prima di essere rinominato)",
    "an event is called {name!r} already": "un evento si chiama già {name!r}",
    "another event is called {name!r} (or was): choose another name": "un altro evento si chiama "
    "{name!r} (o si chiamava così): scegli un altro nome",
    "another event is called {name!r}: choose another name": "un altro evento si chiama "
    "{name!r}: scegli un altro nome",
    "the server is busy with {waiting} uploads; send this batch again in {seconds} s": "il server "
    "è occupato con {waiting} invii: invia di nuovo questo lotto tra {seconds} s",
}
