"""The Italian of the Review, Erasure and retention, and Keys pages (kiosk.central.console
.lifecycle), kept apart from the other pages' in kiosk.central.console.i18n, which merges it.
ITALIAN_PLURALS holds the texts with a count: (one, other) in English to (one, other) here."""

from __future__ import annotations

ITALIAN = {
    "Review": "Revisione",
    "Erasure and retention": "Cancellazione e conservazione",
    "Keys": "Chiavi",
    "valid": "valida",
    "invalid": "non valida",
    "test": "di prova",
    "active": "attiva",
    "retired": "ritirata",
    "destroyed": "distrutta",
    "Mark signatures valid, invalid or test. Invalid and test signatures count nowhere (Now, "
    "Events, status) and the export leaves them out unless asked. The server chooses them by "
    "what it knows without opening them: the kiosk, its event, the hour of collection, the "
    "record id.": "Segna le firme come valide, non valide o di prova. Le firme non valide e di "
    "prova non contano da nessuna parte (Adesso, Eventi, stato) e l'esportazione le lascia "
    "fuori, a meno che tu non lo chieda. Il server le sceglie in base a ciò che sa senza "
    "aprirle: il chiosco, il suo evento, l'ora di raccolta, l'id del record.",
    "Marked invalid": "Segnate non valide",
    "Marked test": "Segnate di prova",
    "Marked valid": "Segnate valide",
    "Mark signatures": "Segna le firme",
    "Mark": "Segno",
    "Reason": "Motivo",
    "Needed for invalid and test, e.g. 'same pen, same minute'. No personal data.": "Serve "
    "per non valide e di prova, ad es. 'stessa penna, stesso minuto'. Nessun dato personale.",
    "Every signature that meets all the rules you give:": "Ogni firma che rispetta tutte le "
    "regole che indichi:",
    "any kiosk": "qualsiasi chiosco",
    "any event": "qualsiasi evento",
    "The signatures collected under this event name, by whichever kiosk.": "Le firme raccolte "
    "sotto questo nome di evento, da qualunque chiosco.",
    "Hour of collection (UTC)": "Ora di raccolta (UTC)",
    "Optional. Like 2026-12-03T14: the signatures collected in the hour that starts at 14:00 "
    "UTC.": "Facoltativo. Come 2026-12-03T14: le firme raccolte nell'ora che inizia alle "
    "14:00 UTC.",
    "Record ids": "Id dei record",
    "Optional. Each a signature_id, or device_id:signature_id, as the export's columns show "
    "them; separated by spaces or lines.": "Facoltativo. Ciascuno un signature_id, o "
    "device_id:signature_id, come nelle colonne dell'esportazione; separati da spazi o righe.",
    "Preview the count": "Anteprima del conteggio",
    "Preview": "Anteprima",
    "Nothing to mark: change the selection.": "Niente da segnare: cambia la selezione.",
    "Marks given": "Segni dati",
    "Last marked (UTC)": "Ultimo segno (UTC)",
    "Mark valid again": "Segna di nuovo valide",
    "No signature is marked yet.": "Nessuna firma è ancora segnata.",
    "Test mode": "Modalità di prova",
    "A kiosk or an event in test mode: its signatures never count (Now, Events, status, "
    "export), whenever they were collected. Taking it out makes them count again.": "Un "
    "chiosco o un evento in modalità di prova: le sue firme non contano mai (Adesso, Eventi, "
    "stato, esportazione), in qualunque momento siano state raccolte. Togliendolo tornano a "
    "contare.",
    "in test mode": "in modalità di prova",
    "off": "no",
    "Put in test mode": "Metti in modalità di prova",
    "Take out of test mode": "Togli dalla modalità di prova",
    "Put kiosk {kiosk} in test mode": "Metti il chiosco {kiosk} in modalità di prova",
    "Take kiosk {kiosk} out of test mode": "Togli il chiosco {kiosk} dalla modalità di prova",
    "Put event {event} in test mode": "Metti l'evento {event} in modalità di prova",
    "Take event {event} out of test mode": "Togli l'evento {event} dalla modalità di prova",
    "On the coordinator's machine": "Sul computer del coordinatore",
    "Choosing by e-mail domain or by household (more than N signatures with one address), and "
    "the heuristics (bursts per kiosk-minute, disposable domains, duplicates), need the "
    "signatures opened. The server cannot open them: it never holds the campaign private key. "
    "Run these where the key is; they write only record ids and the mark to the server, and "
    "the marks then show here.": "Scegliere per dominio e-mail o per nucleo (più di N firme "
    "con un indirizzo), e le euristiche (raffiche per chiosco e minuto, domini usa e getta, "
    "doppioni), richiedono di aprire le firme. Il server non può aprirle: non ha mai la chiave "
    "privata della campagna. Esegui questi comandi dove si trova la chiave; scrivono sul "
    "server solo gli id dei record e il segno, che poi compaiono qui.",
    "kiosk {kiosk}": "il chiosco {kiosk}",
    "event {event}": "l'evento {event}",
    "Put {what} in test mode?": "Mettere {what} in modalità di prova?",
    "Take {what} out of test mode?": "Togliere {what} dalla modalità di prova?",
    "Its signatures will count nowhere (Now, Events, status) and the export leaves them out, "
    "those already received too, until you take it out of test mode.": "Le sue firme non "
    "conteranno da nessuna parte (Adesso, Eventi, stato) e l'esportazione le lascerà fuori, "
    "anche quelle già ricevute, finché non lo togli dalla modalità di prova.",
    "Its signatures will count again, those received while it was in test mode too (unless "
    "marked invalid or test).": "Le sue firme conteranno di nuovo, anche quelle ricevute "
    "mentre era in modalità di prova (se non segnate non valide o di prova).",
    "Yes, put it in test mode": "Sì, mettilo in modalità di prova",
    "Yes, take it out": "Sì, toglilo",
    "Test mode is on: its signatures do not count.": "Modalità di prova attiva: le sue firme "
    "non contano.",
    "Test mode is off: its signatures count again.": "Modalità di prova disattivata: le sue "
    "firme contano di nuovo.",
    "{typed} is not an hour: type it like 2026-12-03T14 (UTC).": "{typed} non è un'ora: "
    "scrivila come 2026-12-03T14 (UTC).",
    "At most {limit} record ids at once, not {count}.": "Al massimo {limit} id di record alla "
    "volta, non {count}.",
    "Choose which signatures: a kiosk, an event, an hour or record ids.": "Scegli quali firme: "
    "un chiosco, un evento, un'ora o degli id di record.",
    "Say why: an invalid or test mark needs a reason (no personal data).": "Di' perché: "
    "segnare una firma come non valida o di prova richiede un motivo (nessun dato personale).",
    "Test mode is for a kiosk or an event: open it from the Review page's tables.": "La "
    "modalità di prova è per un chiosco o un evento: aprila dalle tabelle della pagina "
    "Revisione.",
    "The name typed is not the campaign's ({name}): nothing was erased.": "Il nome scritto non "
    "è quello della campagna ({name}): non è stato cancellato nulla.",
    "Retention": "Conservazione",
    "The server deletes a signature's ciphertext {collection} after its collection, or "
    "{delivery} after the delivery to the target, whichever comes first.": "Il server "
    "cancella il testo cifrato di una firma {collection} dopo la raccolta, o {delivery} "
    "dopo la consegna al destinatario, quale delle due viene prima.",
    "Delivered on {day}.": "Consegnate il {day}.",
    "Not delivered yet.": "Non ancora consegnate.",
    "Due now": "Da cancellare ora",
    "Dry run: what retention deletes now": "Prova: cosa cancellerebbe ora la conservazione",
    "Why": "Perché",
    "past {months} after collection": "oltre {months} dalla raccolta",
    "past {months} after delivery": "oltre {months} dalla consegna",
    "The server applies the policy itself once an hour (kiosk central serve); nothing is "
    "deleted by opening this page. To record the delivery day, or delete what is due now, run "
    "these on the server's machine: the options name this server's database (its --data-dir, "
    "or its --database-url). The day below is today (UTC); put the day of the delivery if it "
    "was another.": "Il server applica la regola da solo una volta all'ora (kiosk central "
    "serve); aprire questa pagina non cancella nulla. Per registrare il giorno della consegna, "
    "o cancellare subito ciò che è dovuto, esegui questi comandi sul computer del server: le "
    "opzioni indicano il database di questo server (il suo --data-dir, o il suo "
    "--database-url). Il giorno qui sotto è oggi (UTC); metti il giorno della consegna se è "
    "stato un altro.",
    "Deleted so far": "Cancellate finora",
    "Ids the server keeps so that no later upload or import brings them back": "Gli id che il "
    "server conserva perché nessun invio o importazione successiva li riporti",
    "How": "Come",
    "erased by kiosk central erase (in the coordinator's erasure ledger)": "cancellate con "
    "kiosk central erase (nel registro delle cancellazioni del coordinatore)",
    "erased by record id on this page": "cancellate per id del record in questa pagina",
    "deleted by retention": "cancellate dalla conservazione",
    "The erasure ledger itself (the keyed hashes of erased addresses) is on the coordinator's "
    "machine, next to the campaign private key: the server never sees it.": "Il registro delle "
    "cancellazioni (gli hash con chiave degli indirizzi cancellati) è sul computer del "
    "coordinatore, accanto alla chiave privata della campagna: il server non lo vede mai.",
    "Erase by record id": "Cancella per id del record",
    "The server deletes the ciphertext of these signatures and keeps their ids, so a later "
    "upload or USB import of them is dropped. It learns nothing but the ids.": "Il server "
    "cancella il testo cifrato di queste firme e ne conserva gli id, così un loro invio o "
    "un'importazione da USB successivi vengono scartati. Non viene a sapere altro che gli id.",
    "Each a signature_id, or device_id:signature_id, as the export's columns show them; "
    "separated by spaces or lines; at most 100.": "Ciascuno un signature_id, o "
    "device_id:signature_id, come nelle colonne dell'esportazione; separati da spazi o righe; "
    "al massimo 100.",
    "Preview the erasure": "Anteprima della cancellazione",
    "not stored: its id is kept, so a later upload of it is dropped": "non presente: il suo "
    "id viene conservato, così un suo invio successivo viene scartato",
    "deleted already": "già cancellata",
    "Type the campaign's name, {name}, to erase them": "Scrivi il nome della campagna, {name}, "
    "per cancellarle",
    "This cannot be undone: the ciphertext is gone from the server.": "Non si può annullare: "
    "il testo cifrato sparisce dal server.",
    "Erase for good": "Cancella per sempre",
    "Erasure by e-mail address": "Cancellazione per indirizzo e-mail",
    "Finding a supporter's signatures by their address needs every record opened with the "
    "campaign private key, which is never on the server. Run it on the coordinator's machine: "
    "it keeps the address's keyed hash in the erasure ledger, so no later export or import "
    "brings it back, and deletes the records here by id.": "Trovare le firme di un sostenitore "
    "dal suo indirizzo richiede di aprire ogni record con la chiave privata della campagna, "
    "che non è mai sul server. Esegui il comando sul computer del coordinatore: conserva "
    "l'hash con chiave dell'indirizzo nel registro delle cancellazioni, così nessuna "
    "esportazione o importazione successiva lo riporta, e cancella qui i record per id.",
    "key {id}": "chiave {id}",
    "The campaign keyset, version {version}, signed by the coordinator. Kiosks seal new "
    "signatures to the primary key.": "Il mazzo di chiavi della campagna, versione {version}, "
    "firmato dal coordinatore. I chioschi cifrano le nuove firme con la chiave primaria.",
    "This campaign was made before keysets: it has one key, and no signed keyset.": "Questa "
    "campagna è stata creata prima dei mazzi di chiavi: ha una chiave e nessun mazzo firmato.",
    "Campaign keys": "Chiavi della campagna",
    "Key": "Chiave",
    "Fingerprint": "Impronta",
    "Created (UTC)": "Creata (UTC)",
    "Stored signatures sealed to it": "Firme presenti cifrate con essa",
    "primary": "primaria",
    "What each kiosk seals to": "Con quale chiave cifra ogni chiosco",
    "Its newest signature received": "La sua firma più recente ricevuta",
    "none yet: the server does not know which key it seals to": "ancora nessuna: il server non "
    "sa con quale chiave cifra",
    "sealed to {key}, collected {hour} UTC": "cifrata con {key}, raccolta {hour} UTC",
    "the primary key": "la chiave primaria",
    "not the primary key yet: it follows the new keyset at its next sync": "non ancora la "
    "chiave primaria: segue il nuovo mazzo alla prossima sincronizzazione",
    "The server learns which key a kiosk seals to only from the signatures it delivers; a "
    "kiosk takes a new keyset with its next sync, which the server does not record.": "Il "
    "server sa con quale chiave cifra un chiosco solo dalle firme che consegna; un chiosco "
    "prende un nuovo mazzo con la sua prossima sincronizzazione, che il server non registra.",
    "A new key, or destroying an old one, is signed with the coordinator's signing key, and a "
    "new private key is written where the other campaign keys are. Neither is ever on the "
    "server, so the console cannot do it: kiosks trust only a keyset signed by the coordinator "
    "key they pinned at enrolment.": "Una nuova chiave, o la distruzione di una vecchia, viene "
    "firmata con la chiave di firma del coordinatore, e una nuova chiave privata viene scritta "
    "dove sono le altre chiavi della campagna. Nessuna delle due è mai sul server, quindi la "
    "console non può farlo: i chioschi si fidano solo di un mazzo firmato dalla chiave del "
    "coordinatore fissata alla registrazione.",
    "Destroying a key makes every signature sealed to it unreadable for good, in every copy; "
    "the command asks for the campaign's name first.": "Distruggere una chiave rende illeggibile "
    "per sempre ogni firma cifrata con essa, in ogni copia; il comando chiede prima il nome "
    "della campagna.",
}

ITALIAN_PLURALS = {
    # A mark's word agrees with the signatures it is said of (English has one form).
    ("valid", "valid"): ("valida", "valide"),
    ("invalid", "invalid"): ("non valida", "non valide"),
    ("test", "test"): ("di prova", "di prova"),
    ("{count} month", "{count} months"): ("{count} mese", "{count} mesi"),
    ("{count} signature would be marked {mark}.", "{count} signatures would be marked {mark}."): (
        "{count} firma verrebbe segnata {mark}.",
        "{count} firme verrebbero segnate {mark}.",
    ),
    ("Apply: mark {count} signature {mark}", "Apply: mark {count} signatures {mark}"): (
        "Applica: segna {count} firma {mark}",
        "Applica: segna {count} firme {mark}",
    ),
    (
        "Mark valid again the {count} signature marked {mark}: {reason}",
        "Mark valid again the {count} signatures marked {mark}: {reason}",
    ): (
        "Segna di nuovo valida {count} firma segnata {mark}: {reason}",
        "Segna di nuovo valide le {count} firme segnate {mark}: {reason}",
    ),
    ("Marked {count} signature {mark}.", "Marked {count} signatures {mark}."): (
        "Segnata {count} firma {mark}.",
        "Segnate {count} firme {mark}.",
    ),
    ("{count} signature is valid again.", "{count} signatures are valid again."): (
        "{count} firma è di nuovo valida.",
        "{count} firme sono di nuovo valide.",
    ),
    ("Erased {count} signature from the server.", "Erased {count} signatures from the server."): (
        "Cancellata {count} firma dal server.",
        "Cancellate {count} firme dal server.",
    ),
    (
        "The selection holds {count} signature now, not the number previewed: check it and "
        "apply again.",
        "The selection holds {count} signatures now, not the number previewed: check it and "
        "apply again.",
    ): (
        "Ora la selezione contiene {count} firma, non il numero dell'anteprima: controllala e "
        "applica di nuovo.",
        "Ora la selezione contiene {count} firme, non il numero dell'anteprima: controllala e "
        "applica di nuovo.",
    ),
    ("{count} stored signature would be deleted.", "{count} stored signatures would be deleted."): (
        "Verrebbe cancellata {count} firma presente.",
        "Verrebbero cancellate {count} firme presenti.",
    ),
}
