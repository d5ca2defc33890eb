<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="it" sourcelanguage="en">
<context>
    <name>AdminLayer</name>
    <message>
        <source>Volunteer area</source>
        <translation>Area volontari</translation>
    </message>
    <message>
        <source>Sync started.</source>
        <translation>Sincronizzazione avviata.</translation>
    </message>
    <message>
        <source>This kiosk is not enrolled, so it cannot sync.</source>
        <translation>Questo chiosco non è registrato, quindi non può sincronizzare.</translation>
    </message>
    <message>
        <source>Writing the batch files…</source>
        <translation>Scrittura dei file dei lotti…</translation>
    </message>
    <message>
        <source>Batch files written: %2, to %1.</source>
        <translation>File dei lotti scritti: %2, in %1.</translation>
    </message>
    <message>
        <source>Nothing to export: the server has everything. (%1)</source>
        <translation>Niente da esportare: il server ha già tutto. (%1)</translation>
    </message>
    <message>
        <source>Something went wrong (%1); see the log.</source>
        <translation>Qualcosa è andato storto (%1); guarda il registro.</translation>
    </message>
    <message>
        <source>Event name saved.</source>
        <translation>Nome dell&apos;evento salvato.</translation>
    </message>
    <message>
        <source>The kiosk now shows: %1</source>
        <translation>Ora il chiosco mostra: %1</translation>
    </message>
    <message>
        <source>Chosen: %1. The kiosk shows it from its next start.</source>
        <translation>Scelta: %1. Il chiosco la mostra dal prossimo avvio.</translation>
    </message>
    <message>
        <source>Enrolling…</source>
        <translation>Registrazione in corso…</translation>
    </message>
    <message>
        <source>Enrolled for “%1”. Signatures now sync to %2.</source>
        <translation>Registrato per «%1». Ora le firme si sincronizzano con %2.</translation>
    </message>
</context>
<context>
    <name>AdminPage</name>
    <message>
        <source>Back</source>
        <translation>Indietro</translation>
    </message>
</context>
<context>
    <name>AdminPanel</name>
    <message>
        <source>Volunteer panel</source>
        <translation>Pannello volontari</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Chiudi</translation>
    </message>
    <message>
        <source>Close and lock the panel</source>
        <translation>Chiudi e blocca il pannello</translation>
    </message>
    <message>
        <source>This event</source>
        <translation>Questo evento</translation>
    </message>
    <message>
        <source>All on this kiosk</source>
        <translation>Tutte su questo chiosco</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>Sincronizzazione</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>Sincronizza ora</translation>
    </message>
    <message>
        <source>Export to USB stick</source>
        <translation>Esporta su USB</translation>
    </message>
    <message>
        <source>Event name</source>
        <translation>Nome evento</translation>
    </message>
    <message>
        <source>Choose appeal</source>
        <translation>Scegli la petizione</translation>
    </message>
    <message>
        <source>Enrol with a code</source>
        <translation>Registra chiosco</translation>
    </message>
    <message>
        <source>Change PIN</source>
        <translation>Cambia PIN</translation>
    </message>
    <message>
        <source>Exit kiosk</source>
        <translation>Esci dal chiosco</translation>
    </message>
    <message>
        <source>Event: %1</source>
        <translation>Evento: %1</translation>
    </message>
    <message>
        <source>No event name set</source>
        <translation>Nessun nome dell&apos;evento impostato</translation>
    </message>
    <message>
        <source>Not on the server yet: %1 (%2 of them sent, awaiting its receipt).</source>
        <translation>Non ancora sul server: %1 (di cui %2 inviate, in attesa della sua ricevuta).</translation>
    </message>
    <message>
        <source>Campaign key: none installed</source>
        <translation>Chiave della campagna: nessuna installata</translation>
    </message>
    <message>
        <source>Sealing new signatures to campaign key %1</source>
        <translation>Le nuove firme sono sigillate con la chiave della campagna %1</translation>
    </message>
    <message>
        <source>Sealing new signatures to campaign key %1 (key %2 of the campaign)</source>
        <translation>Le nuove firme sono sigillate con la chiave della campagna %1 (chiave %2 della campagna)</translation>
    </message>
    <message>
        <source>Last sync: %1 (just now)</source>
        <translation>Ultima sincronizzazione: %1 (proprio ora)</translation>
    </message>
    <message>
        <source>Last sync: %1 (%2 min ago)</source>
        <translation>Ultima sincronizzazione: %1 (%2 min fa)</translation>
    </message>
    <message>
        <source>Signatures not yet in a batch: %1. Batches not yet confirmed: %2.</source>
        <translation>Firme non ancora in un lotto: %1. Lotti non ancora confermati: %2.</translation>
    </message>
    <message>
        <source>Not enrolled: signatures stay on this kiosk until it is.</source>
        <translation>Non registrato: le firme restano su questo chiosco finché non lo sarà.</translation>
    </message>
    <message>
        <source>Syncing now…</source>
        <translation>Sincronizzazione in corso…</translation>
    </message>
    <message>
        <source>Everything collected here has reached the server.</source>
        <translation>Tutto ciò che è stato raccolto qui è arrivato al server.</translation>
    </message>
    <message>
        <source>Nothing waiting to sync.</source>
        <translation>Niente in attesa di sincronizzazione.</translation>
    </message>
    <message>
        <source>Problem: %1</source>
        <translation>Problema: %1</translation>
    </message>
    <message>
        <source>Today (local time)</source>
        <translation>Oggi (ora locale)</translation>
    </message>
    <message>
        <source>Not enrolled. Waiting to sync on this kiosk: %1.</source>
        <translation>Non registrato. In attesa di sincronizzazione su questo chiosco: %1.</translation>
    </message>
    <message>
        <source>Waiting to sync: %1.</source>
        <translation>In attesa di sincronizzazione: %1.</translation>
    </message>
    <message>
        <source>Last sync: never</source>
        <translation>Ultima sincronizzazione: mai</translation>
    </message>
    <message>
        <source>Battery: not reported by this device.</source>
        <translation>Batteria: questo dispositivo non la comunica.</translation>
    </message>
    <message>
        <source>Battery: %1 % (charging).</source>
        <translation>Batteria: %1 % (in carica).</translation>
    </message>
    <message>
        <source>Battery: %1 %: plug the kiosk in.</source>
        <translation>Batteria: %1 %: collega il chiosco alla corrente.</translation>
    </message>
    <message>
        <source>Battery: %1 %.</source>
        <translation>Batteria: %1 %.</translation>
    </message>
    <message>
        <source>Free disk: unknown.</source>
        <translation>Disco libero: sconosciuto.</translation>
    </message>
    <message>
        <source>Free disk: %1.</source>
        <translation>Disco libero: %1.</translation>
    </message>
    <message>
        <source>Clock: %1 (not yet compared with the server).</source>
        <translation>Orologio: %1 (non ancora confrontato con il server).</translation>
    </message>
    <message>
        <source>Clock: %1 (in step with the server).</source>
        <translation>Orologio: %1 (allineato al server).</translation>
    </message>
    <message numerus="yes">
        <source>Clock: %1 (%n min ahead of the server).</source>
        <translation>
            <numerusform>Orologio: %1 (%n min avanti rispetto al server).</numerusform>
            <numerusform>Orologio: %1 (%n min avanti rispetto al server).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Clock: %1 (%n min behind the server).</source>
        <translation>
            <numerusform>Orologio: %1 (%n min indietro rispetto al server).</numerusform>
            <numerusform>Orologio: %1 (%n min indietro rispetto al server).</numerusform>
        </translation>
    </message>
    <message>
        <source>Server: none (this kiosk is not enrolled)</source>
        <translation>Server: nessuno (questo chiosco non è registrato)</translation>
    </message>
    <message>
        <source>Server: not tried yet</source>
        <translation>Server: non ancora contattato</translation>
    </message>
    <message>
        <source>Server: reachable</source>
        <translation>Server: raggiungibile</translation>
    </message>
    <message>
        <source>Server: not reachable (no network?)</source>
        <translation>Server: non raggiungibile (manca la rete?)</translation>
    </message>
</context>
<context>
    <name>AppealPage</name>
    <message>
        <source>Choose appeal</source>
        <translation>Scegli la petizione</translation>
    </message>
    <message>
        <source>Use this appeal</source>
        <translation>Usa questa petizione</translation>
    </message>
</context>
<context>
    <name>AppealScreen</name>
    <message>
        <source>Be the first to sign.</source>
        <translation>Firma per primo.</translation>
    </message>
    <message numerus="yes">
        <source>%Ln person(s) signed so far.</source>
        <translation>
            <numerusform>Finora ha firmato %Ln persona.</numerusform>
            <numerusform>Finora hanno firmato %Ln persone.</numerusform>
        </translation>
    </message>
    <message>
        <source>Be the first to sign on this kiosk.</source>
        <translation>Firma per primo su questo chiosco.</translation>
    </message>
    <message numerus="yes">
        <source>%Ln person(s) signed on this kiosk.</source>
        <translation>
            <numerusform>Su questo chiosco ha firmato %Ln persona.</numerusform>
            <numerusform>Su questo chiosco hanno firmato %Ln persone.</numerusform>
        </translation>
    </message>
    <message>
        <source>The appeal</source>
        <translation>La petizione</translation>
    </message>
    <message>
        <source>Sign the petition</source>
        <translation>Firma la petizione</translation>
    </message>
    <message>
        <source>Smaller text</source>
        <translation>Testo più piccolo</translation>
    </message>
    <message>
        <source>Larger text</source>
        <translation>Testo più grande</translation>
    </message>
    <message>
        <source>High contrast</source>
        <translation>Alto contrasto</translation>
    </message>
    <message>
        <source>Progress towards the goal</source>
        <translation>Avanzamento verso l&apos;obiettivo</translation>
    </message>
    <message numerus="yes">
        <source>Goal: %Ln signature(s)</source>
        <translation>
            <numerusform>Obiettivo: %Ln firma</numerusform>
            <numerusform>Obiettivo: %Ln firme</numerusform>
        </translation>
    </message>
    <message>
        <source>Counting the signatures…</source>
        <translation>Conteggio delle firme…</translation>
    </message>
    <message>
        <source>To: %1</source>
        <translation>Destinatario: %1</translation>
    </message>
    <message>
        <source>Started by %1</source>
        <translation>Lanciata da %1</translation>
    </message>
    <message>
        <source>The letter you sign</source>
        <translation>La lettera che firmi</translation>
    </message>
    <message>
        <source>Your name, and your own comment if you add one, go below it.</source>
        <translation>Sotto la lettera vanno il tuo nome e, se lo aggiungi, il tuo commento.</translation>
    </message>
    <message>
        <source>Updates</source>
        <translation>Aggiornamenti</translation>
    </message>
    <message>
        <source>Update %1 · %2</source>
        <translation>Aggiornamento %1 · %2</translation>
    </message>
    <message>
        <source>Started %1 · last updated %2</source>
        <translation>Lanciata: %1 · ultimo aggiornamento: %2</translation>
    </message>
    <message>
        <source>Started %1</source>
        <translation>Lanciata: %1</translation>
    </message>
    <message>
        <source>Last updated %1</source>
        <translation>Ultimo aggiornamento: %1</translation>
    </message>
</context>
<context>
    <name>DemoBanner</name>
    <message>
        <source>DEMO KEY %1: signatures taken here are for trying the kiosk only.</source>
        <translation>CHIAVE DEMO %1: le firme raccolte qui servono solo a provare il chiosco.</translation>
    </message>
    <message>
        <source>Demo notice</source>
        <translation>Avviso demo</translation>
    </message>
</context>
<context>
    <name>EnrolPage</name>
    <message>
        <source>Enrol with a code</source>
        <translation>Registra con un codice</translation>
    </message>
    <message>
        <source>Enrol</source>
        <translation>Registra</translation>
    </message>
    <message>
        <source>The coordinator gives you the server&apos;s address and a one-time code. Enrolling brings the campaign key, the appeal and the event.</source>
        <translation>Il coordinatore ti dà l&apos;indirizzo del server e un codice monouso. La registrazione porta la chiave della campagna, la petizione e l&apos;evento.</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>Indirizzo del server</translation>
    </message>
    <message>
        <source>Enrolment code</source>
        <translation>Codice di registrazione</translation>
    </message>
    <message>
        <source>This kiosk collects for no campaign yet.</source>
        <translation>Questo chiosco non raccoglie ancora firme per nessuna campagna.</translation>
    </message>
    <message>
        <source>This kiosk collects for campaign %1: compare it with the coordinator&apos;s. A code for another campaign needs a release from this campaign&apos;s coordinator, or a factory reset of the kiosk; the PIN alone does not move it.</source>
        <translation>Questo chiosco raccoglie firme per la campagna %1: confrontala con quella del coordinatore. Un codice di un&apos;altra campagna richiede un rilascio dal coordinatore di questa campagna, o un ripristino di fabbrica del chiosco; il PIN da solo non basta a spostarlo.</translation>
    </message>
    <message>
        <source>Release (only to move to another campaign)</source>
        <translation>Rilascio (solo per passare a un&apos;altra campagna)</translation>
    </message>
</context>
<context>
    <name>EventPage</name>
    <message>
        <source>Event name</source>
        <translation>Nome dell&apos;evento</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Salva</translation>
    </message>
    <message>
        <source>Signatures from now on count towards this event.</source>
        <translation>Da ora in poi le firme contano per questo evento.</translation>
    </message>
    <message>
        <source>e.g. Pride march, 14 June</source>
        <translation>es. Pride, 14 giugno</translation>
    </message>
</context>
<context>
    <name>ExitPage</name>
    <message>
        <source>Exit kiosk?</source>
        <translation>Uscire dal chiosco?</translation>
    </message>
    <message>
        <source>Exit kiosk</source>
        <translation>Esci dal chiosco</translation>
    </message>
    <message>
        <source>The kiosk closes. Everything signed is kept and syncs when the kiosk runs again.</source>
        <translation>Il chiosco si chiude. Tutte le firme raccolte restano salvate e si sincronizzano quando il chiosco riparte.</translation>
    </message>
    <message>
        <source>Yes, exit the kiosk</source>
        <translation>Sì, esci dal chiosco</translation>
    </message>
</context>
<context>
    <name>ExportPage</name>
    <message>
        <source>Export to USB stick</source>
        <translation>Esporta su chiavetta USB</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Esporta</translation>
    </message>
    <message>
        <source>Every signature not yet confirmed by the server is written, sealed, as batch files. Give the stick to the coordinator.</source>
        <translation>Ogni firma non ancora confermata dal server viene scritta, sigillata, in file di lotti. Consegna la chiavetta al coordinatore.</translation>
    </message>
    <message>
        <source>Or type a folder:</source>
        <translation>Oppure scrivi una cartella:</translation>
    </message>
    <message>
        <source>Folder to export to</source>
        <translation>Cartella in cui esportare</translation>
    </message>
    <message>
        <source>e.g. /media/usb</source>
        <translation>es. /media/usb</translation>
    </message>
    <message>
        <source>Export the batches</source>
        <translation>Esporta i lotti</translation>
    </message>
    <message>
        <source>USB sticks found:</source>
        <translation>Chiavette USB trovate:</translation>
    </message>
    <message>
        <source>No USB stick found.</source>
        <translation>Nessuna chiavetta USB trovata.</translation>
    </message>
    <message>
        <source>USB stick %1</source>
        <translation>Chiavetta USB %1</translation>
    </message>
    <message>
        <source>Choose a USB stick or type a folder.</source>
        <translation>Scegli una chiavetta USB o scrivi una cartella.</translation>
    </message>
</context>
<context>
    <name>FieldBlock</name>
    <message>
        <source>%1 (optional)</source>
        <translation>%1 (facoltativo)</translation>
    </message>
    <message>
        <source>Problem with: %1</source>
        <translation>Problema con: %1</translation>
    </message>
    <message>
        <source>Type or choose</source>
        <translation>Scrivi o scegli</translation>
    </message>
    <message>
        <source>Prefer not to say</source>
        <translation>Preferisco non dirlo</translation>
    </message>
    <message>
        <source>Countries</source>
        <translation>Paesi</translation>
    </message>
    <message>
        <source>Matching countries</source>
        <translation>Paesi corrispondenti</translation>
    </message>
</context>
<context>
    <name>PinFlow</name>
    <message>
        <source>%1 to %2 digits. Volunteers use it to open the panel and exit the kiosk.</source>
        <translation>Da %1 a %2 cifre. I volontari lo usano per aprire il pannello e uscire dal chiosco.</translation>
    </message>
    <message>
        <source>This is a demo: choose any PIN to try the volunteer panel. 4 to 12 digits.</source>
        <translation>Questa è una demo: scegli un PIN qualsiasi per provare il pannello dei volontari. Da 4 a 12 cifre.</translation>
    </message>
    <message>
        <source>Choose a volunteer PIN</source>
        <translation>Scegli un PIN per i volontari</translation>
    </message>
    <message>
        <source>Volunteer PIN</source>
        <translation>PIN volontari</translation>
    </message>
    <message>
        <source>Enter the PIN to continue.</source>
        <translation>Inserisci il PIN per continuare.</translation>
    </message>
    <message>
        <source>Change PIN</source>
        <translation>Cambia PIN</translation>
    </message>
    <message>
        <source>First, the current PIN.</source>
        <translation>Prima il PIN attuale.</translation>
    </message>
    <message>
        <source>Too many wrong PINs. Locked for %1.</source>
        <translation>Troppi PIN errati. Bloccato per %1.</translation>
    </message>
    <message>
        <source>Wrong PIN. Try again in %1.</source>
        <translation>PIN errato. Riprova tra %1.</translation>
    </message>
    <message>
        <source>Wrong PIN. Try again.</source>
        <translation>PIN errato. Riprova.</translation>
    </message>
    <message>
        <source>You can try again now.</source>
        <translation>Ora puoi riprovare.</translation>
    </message>
    <message>
        <source>Enter the same PIN again</source>
        <translation>Inserisci di nuovo lo stesso PIN</translation>
    </message>
    <message>
        <source>The two PINs differ. Choose one again.</source>
        <translation>I due PIN sono diversi. Scegline di nuovo uno.</translation>
    </message>
    <message>
        <source>PIN saved. To come back here, hold the top-left corner for 3 seconds (or press Ctrl+Alt+A).</source>
        <translation>PIN salvato. Per tornare qui, tieni premuto l&apos;angolo in alto a sinistra per 3 secondi (o premi Ctrl+Alt+A).</translation>
    </message>
    <message>
        <source>Choose the new PIN</source>
        <translation>Scegli il nuovo PIN</translation>
    </message>
    <message>
        <source>%1 to %2 digits.</source>
        <translation>Da %1 a %2 cifre.</translation>
    </message>
    <message>
        <source>Enter the new PIN again</source>
        <translation>Inserisci di nuovo il nuovo PIN</translation>
    </message>
    <message>
        <source>The two new PINs differ; the PIN was not changed.</source>
        <translation>I due nuovi PIN sono diversi; il PIN non è stato cambiato.</translation>
    </message>
    <message>
        <source>The PIN was changed.</source>
        <translation>Il PIN è stato cambiato.</translation>
    </message>
    <message>
        <source>The PIN was not changed.</source>
        <translation>Il PIN non è stato cambiato.</translation>
    </message>
</context>
<context>
    <name>PinPad</name>
    <message>
        <source>Volunteer PIN</source>
        <translation>PIN volontari</translation>
    </message>
    <message>
        <source>Delete the last digit</source>
        <translation>Cancella l&apos;ultima cifra</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>OK, check the PIN</source>
        <translation>OK, verifica il PIN</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annulla</translation>
    </message>
    <message>
        <source>Digits entered: %1</source>
        <translation>Cifre inserite: %1</translation>
    </message>
</context>
<context>
    <name>ReviewScreen</name>
    <message>
        <source>Check and confirm</source>
        <translation>Controlla e conferma</translation>
    </message>
    <message>
        <source>This is what you are about to sign, to %1.</source>
        <translation>Ecco cosa stai per firmare. Destinatario: %1.</translation>
    </message>
    <message>
        <source>Your signature was not saved</source>
        <translation>La tua firma non è stata salvata</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Modifica</translation>
    </message>
    <message>
        <source>Edit your details</source>
        <translation>Modifica i tuoi dati</translation>
    </message>
    <message>
        <source>Confirm and sign</source>
        <translation>Conferma e firma</translation>
    </message>
    <message>
        <source>Your signature was not saved. %1</source>
        <translation>La tua firma non è stata salvata. %1</translation>
    </message>
    <message>
        <source>Your details</source>
        <translation>I tuoi dati</translation>
    </message>
    <message>
        <source>Not given</source>
        <translation>Non indicato</translation>
    </message>
    <message>
        <source>The letter you sign</source>
        <translation>La lettera che firmi</translation>
    </message>
    <message>
        <source>Your consent</source>
        <translation>Il tuo consenso</translation>
    </message>
    <message>
        <source>✓  You agree to the terms.</source>
        <translation>✓  Accetti i termini.</translation>
    </message>
    <message>
        <source>✓  Send me email updates.</source>
        <translation>✓  Inviatemi aggiornamenti per email.</translation>
    </message>
    <message>
        <source>✗  No email updates.</source>
        <translation>✗  Nessun aggiornamento per email.</translation>
    </message>
    <message>
        <source>Your signature</source>
        <translation>La tua firma</translation>
    </message>
</context>
<context>
    <name>SetupCover</name>
    <message>
        <source>Setting up</source>
        <translation>Preparazione</translation>
    </message>
    <message>
        <source>Getting this kiosk ready for its first use…</source>
        <translation>Sto preparando questo chiosco per il primo uso…</translation>
    </message>
</context>
<context>
    <name>SignScreen</name>
    <message>
        <source>Your details</source>
        <translation>I tuoi dati</translation>
    </message>
    <message>
        <source>Add your name</source>
        <translation>Aggiungi il tuo nome</translation>
    </message>
    <message>
        <source>Your signature goes to %1.</source>
        <translation>La tua firma sarà consegnata a: %1.</translation>
    </message>
    <message>
        <source>Clear and go back</source>
        <translation>Cancella e torna indietro</translation>
    </message>
    <message>
        <source>Clear what you typed and go back to the appeal</source>
        <translation>Cancella ciò che hai scritto e torna alla petizione</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Continua</translation>
    </message>
    <message>
        <source>Continue to review</source>
        <translation>Continua al riepilogo</translation>
    </message>
    <message>
        <source>Problems to fix</source>
        <translation>Problemi da correggere</translation>
    </message>
    <message numerus="yes">
        <source>Please fix the %n problem(s) marked above.</source>
        <translation>
            <numerusform>Correggi il problema segnalato qui sopra.</numerusform>
            <numerusform>Correggi i %n problemi segnalati qui sopra.</numerusform>
        </translation>
    </message>
    <message>
        <source>Your consent</source>
        <translation>Il tuo consenso</translation>
    </message>
    <message>
        <source>I agree to the terms</source>
        <translation>Accetto i termini</translation>
    </message>
    <message>
        <source>Problem with the consent</source>
        <translation>Problema con il consenso</translation>
    </message>
    <message>
        <source>Privacy notice</source>
        <translation>Informativa sulla privacy</translation>
    </message>
    <message>
        <source>Collected by %1, who decides what happens to it. Contact: %2</source>
        <translation>La raccoglie %1, che decide come viene usata. Contatto: %2</translation>
    </message>
    <message>
        <source>Who collects your signature</source>
        <translation>Chi raccoglie la tua firma</translation>
    </message>
    <message>
        <source>Email me updates (optional)</source>
        <translation>Inviatemi aggiornamenti per email (facoltativo)</translation>
    </message>
</context>
<context>
    <name>SignatureCanvas</name>
    <message>
        <source>Signature pad</source>
        <translation>Riquadro per la firma</translation>
    </message>
    <message>
        <source>Sign here with your finger, a pen or the mouse.</source>
        <translation>Firma qui con il dito, una penna o il mouse.</translation>
    </message>
    <message>
        <source>Sign here</source>
        <translation>Firma qui</translation>
    </message>
</context>
<context>
    <name>SignaturePad</name>
    <message>
        <source>Sign with your finger</source>
        <translation>Firma con il dito</translation>
    </message>
    <message>
        <source>Sign with your finger (optional)</source>
        <translation>Firma con il dito (facoltativo)</translation>
    </message>
    <message>
        <source>A pen or the mouse works too.</source>
        <translation>Vanno bene anche una penna o il mouse.</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Cancella</translation>
    </message>
    <message>
        <source>Clear your signature</source>
        <translation>Cancella la tua firma</translation>
    </message>
    <message>
        <source>Problem with your signature</source>
        <translation>Problema con la tua firma</translation>
    </message>
    <message>
        <source>Sign here with your finger, a pen or the mouse.</source>
        <translation>Firma qui con il dito, una penna o il mouse.</translation>
    </message>
</context>
<context>
    <name>SignaturePreview</name>
    <message>
        <source>Your drawn signature</source>
        <translation>La tua firma disegnata</translation>
    </message>
</context>
<context>
    <name>StillTherePrompt</name>
    <message>
        <source>Still there?</source>
        <translation>Ci sei ancora?</translation>
    </message>
    <message>
        <source>I&apos;m still here</source>
        <translation>Sono ancora qui</translation>
    </message>
    <message>
        <source>I&apos;m still here, keep my details</source>
        <translation>Sono ancora qui, conserva i miei dati</translation>
    </message>
    <message numerus="yes">
        <source>Your details will be cleared in %n second(s).</source>
        <translation>
            <numerusform>I tuoi dati verranno cancellati tra %n secondo.</numerusform>
            <numerusform>I tuoi dati verranno cancellati tra %n secondi.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SyncCornerLabel</name>
    <message>
        <source>Sync status: %1</source>
        <translation>Stato della sincronizzazione: %1</translation>
    </message>
    <message>
        <source>Saved on this kiosk</source>
        <translation>Firme salvate su questo chiosco</translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation>Sincronizzazione…</translation>
    </message>
    <message>
        <source>All signatures synced</source>
        <translation>Tutte le firme sincronizzate</translation>
    </message>
    <message>
        <source>Nothing to sync yet</source>
        <translation>Ancora niente da sincronizzare</translation>
    </message>
    <message numerus="yes">
        <source>%n waiting to sync</source>
        <translation>
            <numerusform>%n in attesa di sincronizzazione</numerusform>
            <numerusform>%n in attesa di sincronizzazione</numerusform>
        </translation>
    </message>
    <message>
        <source>last sync just now</source>
        <translation>ultima sincronizzazione proprio ora</translation>
    </message>
    <message numerus="yes">
        <source>last sync %n min ago</source>
        <translation>
            <numerusform>ultima sincronizzazione %n min fa</numerusform>
            <numerusform>ultima sincronizzazione %n min fa</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ThanksScreen</name>
    <message>
        <source>Thank you for signing!</source>
        <translation>Grazie per aver firmato!</translation>
    </message>
    <message>
        <source>Your signature is sealed on this kiosk and will be delivered to %1.</source>
        <translation>La tua firma è sigillata su questo chiosco e sarà consegnata al destinatario: %1.</translation>
    </message>
    <message>
        <source>Please pass the tablet on to the next person.</source>
        <translation>Per favore, passa il tablet alla persona successiva.</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fatto</translation>
    </message>
    <message>
        <source>Back to the appeal</source>
        <translation>Torna alla petizione</translation>
    </message>
    <message>
        <source>QR code of the online petition</source>
        <translation>Codice QR della petizione online</translation>
    </message>
    <message>
        <source>Share the petition: scan the code with your phone.</source>
        <translation>Condividi la petizione: inquadra il codice con il telefono.</translation>
    </message>
    <message numerus="yes">
        <source>Back to the appeal in %n second(s).</source>
        <translation>
            <numerusform>Si torna alla petizione tra %n secondo.</numerusform>
            <numerusform>Si torna alla petizione tra %n secondi.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>admin</name>
    <message>
        <source>An event name has at most {most} characters.</source>
        <translation>Il nome di un evento ha al massimo {most} caratteri.</translation>
    </message>
    <message>
        <source>That appeal is no longer installed on this kiosk.</source>
        <translation>Quell&apos;appello non è più installato su questo chiosco.</translation>
    </message>
    <message>
        <source>{folder} is not a folder. Insert the USB stick and choose it.</source>
        <translation>{folder} non è una cartella. Inserisci la chiavetta USB e sceglila.</translation>
    </message>
    <message>
        <source>This kiosk is not enrolled, so its batches cannot be signed. Enrol it first.</source>
        <translation>Questo chiosco non è registrato, quindi i suoi lotti non possono essere firmati. Registralo prima.</translation>
    </message>
    <message>
        <source>Cannot write to {folder} ({reason}). Nothing saved on this kiosk is affected; try another stick.</source>
        <translation>Impossibile scrivere in {folder} ({reason}). Niente di quanto è salvato su questo chiosco è toccato; prova un&apos;altra chiavetta.</translation>
    </message>
    <message>
        <source>Type the enrolment code the coordinator gave you.</source>
        <translation>Scrivi il codice di registrazione che ti ha dato il coordinatore.</translation>
    </message>
</context>
<context>
    <name>enrolment</name>
    <message>
        <source>The link is for {link}, not {server}; use one or the other.</source>
        <translation>Il link è per {link}, non per {server}: usa l&apos;uno o l&apos;altro.</translation>
    </message>
    <message>
        <source>Give the server&apos;s address with the code, or the whole link.</source>
        <translation>Indica l&apos;indirizzo del server insieme al codice, oppure il link completo.</translation>
    </message>
    <message>
        <source>The server enrolled a different device id; nothing was changed.</source>
        <translation>Il server ha registrato un altro identificativo di dispositivo; non è stato cambiato nulla.</translation>
    </message>
    <message>
        <source>The campaign key the server sent does not match its fingerprint; nothing was kept.</source>
        <translation>La chiave della campagna inviata dal server non corrisponde alla sua impronta; non è stato conservato nulla.</translation>
    </message>
    <message>
        <source>The server&apos;s campaign key is {sent}, but the link names {expected}: this is not the coordinator&apos;s campaign. Nothing was kept.</source>
        <translation>La chiave della campagna del server è {sent}, ma il link indica {expected}: questa non è la campagna del coordinatore. Non è stato conservato nulla.</translation>
    </message>
    <message>
        <source>The server&apos;s coordinator key is not the one the enrolment link names: this is not the coordinator&apos;s campaign server, or something changed its answer. Nothing was kept.</source>
        <translation>La chiave del coordinatore inviata dal server non è quella indicata dal link di registrazione: questo non è il server della campagna del coordinatore, oppure qualcosa ha modificato la sua risposta. Non è stato conservato nulla.</translation>
    </message>
    <message>
        <source>The server&apos;s answer names another coordinator key than the one this kiosk pinned when it enrolled with this campaign. Nothing was kept: tell the coordinator.</source>
        <translation>La risposta del server indica una chiave del coordinatore diversa da quella che questo chiosco ha fissato quando si è registrato per questa campagna. Non è stato conservato nulla: avvisa il coordinatore.</translation>
    </message>
    <message>
        <source>Nothing was kept.</source>
        <translation>Non è stato conservato nulla.</translation>
    </message>
    <message>
        <source>The server sent no campaign keyset, but the enrolment link names keyset version {linked}: the server may have been taken over. This kiosk kept nothing and is not enrolled; ask the coordinator.</source>
        <translation>Il server non ha inviato alcun insieme di chiavi della campagna, ma il link di registrazione indica la versione {linked}: il server potrebbe essere stato compromesso. Questo chiosco non ha conservato nulla e non è registrato; rivolgiti al coordinatore.</translation>
    </message>
    <message>
        <source>The server sent an older campaign key (keyset version {sent}) than the enrolment link names (version {linked}): the server may have been taken over. This kiosk kept nothing and is not enrolled; ask the coordinator.</source>
        <translation>Il server ha inviato una chiave della campagna più vecchia (insieme di chiavi versione {sent}) di quella indicata dal link di registrazione (versione {linked}): il server potrebbe essere stato compromesso. Questo chiosco non ha conservato nulla e non è registrato; rivolgiti al coordinatore.</translation>
    </message>
    <message>
        <source>The server says it serves the certificate with key {named}, but this connection presented {presented}: something between this kiosk and the server is posing as it. Nothing was kept; enrol on another network and tell the coordinator.</source>
        <translation>Il server dice di usare il certificato con chiave {named}, ma questa connessione ha presentato {presented}: qualcosa tra questo chiosco e il server si spaccia per il server. Non è stato conservato nulla; registra il chiosco su un&apos;altra rete e avvisa il coordinatore.</translation>
    </message>
    <message>
        <source>The server&apos;s certificate is signed by no authority this kiosk trusts, and the server does not name it. Enrol with the coordinator&apos;s enrolment link, which holds the certificate&apos;s fingerprint. Nothing was kept.</source>
        <translation>Il certificato del server non è firmato da nessuna autorità di cui questo chiosco si fida, e il server non lo indica. Registra il chiosco con il link di registrazione del coordinatore, che contiene l&apos;impronta del certificato. Non è stato conservato nulla.</translation>
    </message>
    <message>
        <source>This kiosk collects for campaign {current}, and this code is for campaign {new}. To move it, the coordinator of its campaign gives a release for it (&apos;kiosk central release {device}&apos;), or the kiosk is factory reset (&apos;kiosk factory-reset&apos;). Nothing was changed.</source>
        <translation>Questo chiosco raccoglie firme per la campagna {current}, e questo codice è per la campagna {new}. Per spostarlo, il coordinatore della sua campagna rilascia il chiosco (&apos;kiosk central release {device}&apos;), oppure il chiosco viene ripristinato (&apos;kiosk factory-reset&apos;). Non è stato cambiato nulla.</translation>
    </message>
    <message>
        <source>This kiosk collects for no campaign yet, so it needs no release: enrol it with the code alone.</source>
        <translation>Questo chiosco non raccoglie ancora firme per nessuna campagna, quindi non serve un rilascio: registralo con il solo codice.</translation>
    </message>
    <message>
        <source>This kiosk was given campaign {current}&apos;s key by hand, not enrolled with its server, so no release can be checked: only a factory reset (&apos;kiosk factory-reset&apos;) moves it to another campaign.</source>
        <translation>A questo chiosco la chiave della campagna {current} è stata data a mano, senza registrarlo presso il suo server, quindi nessun rilascio può essere verificato: solo un ripristino di fabbrica (&apos;kiosk factory-reset&apos;) lo sposta su un&apos;altra campagna.</translation>
    </message>
    <message>
        <source>This kiosk still holds signatures for campaign key {current} that the server has not confirmed. Sync them, or export them with &apos;kiosk export-batches&apos;, before enrolling it for another campaign.</source>
        <translation>Questo chiosco contiene ancora firme per la chiave di campagna {current} che il server non ha confermato. Sincronizzale, o esportale con &apos;kiosk export-batches&apos;, prima di registrarlo per un&apos;altra campagna.</translation>
    </message>
    <message>
        <source>An enrolment link starts with &apos;{scheme}&apos;.</source>
        <translation>Un link di registrazione inizia con &apos;{scheme}&apos;.</translation>
    </message>
    <message>
        <source>This enrolment link is incomplete (it needs the server and the code): copy or scan it again, or type the code and the server&apos;s address.</source>
        <translation>Questo link di registrazione è incompleto (servono il server e il codice): copialo o scansionalo di nuovo, oppure scrivi il codice e l&apos;indirizzo del server.</translation>
    </message>
    <message>
        <source>This enrolment link&apos;s certificate fingerprint is damaged: copy or scan it again.</source>
        <translation>L&apos;impronta del certificato in questo link di registrazione è danneggiata: copialo o scansionalo di nuovo.</translation>
    </message>
    <message>
        <source>This enrolment link&apos;s coordinator fingerprint is damaged: copy or scan it again.</source>
        <translation>L&apos;impronta del coordinatore in questo link di registrazione è danneggiata: copialo o scansionalo di nuovo.</translation>
    </message>
    <message>
        <source>This enrolment link&apos;s campaign keyset version is damaged: copy or scan it again.</source>
        <translation>La versione dell&apos;insieme di chiavi della campagna in questo link di registrazione è danneggiata: copialo o scansionalo di nuovo.</translation>
    </message>
    <message>
        <source>This release is not signed by the server of the campaign this kiosk collects for, so the kiosk stays with its campaign. Ask that campaign&apos;s coordinator for a release (&apos;kiosk central release DEVICE&apos;).</source>
        <translation>Questo rilascio non è firmato dal server della campagna per cui il chiosco raccoglie firme, quindi il chiosco resta con la sua campagna. Chiedi un rilascio al coordinatore di quella campagna (&apos;kiosk central release DEVICE&apos;).</translation>
    </message>
    <message>
        <source>This release is for kiosk {other}, not this one ({device}). Ask the coordinator for this kiosk&apos;s release.</source>
        <translation>Questo rilascio è per il chiosco {other}, non per questo ({device}). Chiedi al coordinatore il rilascio di questo chiosco.</translation>
    </message>
    <message>
        <source>This release is from campaign {other}; this kiosk collects for campaign {campaign}. Ask that campaign&apos;s coordinator for a release.</source>
        <translation>Questo rilascio viene dalla campagna {other}; questo chiosco raccoglie firme per la campagna {campaign}. Chiedi un rilascio al coordinatore di quella campagna.</translation>
    </message>
    <message>
        <source>This is not a whole release (it starts with &apos;{scheme}&apos; and holds one dot): copy or scan it again.</source>
        <translation>Questo non è un rilascio completo (inizia con &apos;{scheme}&apos; e contiene un punto): copialo o scansionalo di nuovo.</translation>
    </message>
</context>
<context>
    <name>form</name>
    <message>
        <source>First name</source>
        <translation>Nome</translation>
    </message>
    <message>
        <source>Please enter your first name.</source>
        <translation>Inserisci il tuo nome.</translation>
    </message>
    <message>
        <source>Last name</source>
        <translation>Cognome</translation>
    </message>
    <message>
        <source>Please enter your last name.</source>
        <translation>Inserisci il tuo cognome.</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Email</translation>
    </message>
    <message>
        <source>Please enter your email.</source>
        <translation>Inserisci la tua email.</translation>
    </message>
    <message>
        <source>Postcode</source>
        <translation>CAP</translation>
    </message>
    <message>
        <source>Please enter your postcode.</source>
        <translation>Inserisci il tuo CAP.</translation>
    </message>
    <message>
        <source>Country</source>
        <translation>Paese</translation>
    </message>
    <message>
        <source>Please enter your country.</source>
        <translation>Inserisci il tuo paese.</translation>
    </message>
    <message>
        <source>Your comment</source>
        <translation>Il tuo commento</translation>
    </message>
    <message>
        <source>Please enter your comment.</source>
        <translation>Scrivi il tuo commento.</translation>
    </message>
    <message>
        <source>Please write your first name in letters.</source>
        <translation>Scrivi il tuo nome in lettere.</translation>
    </message>
    <message>
        <source>Please write your last name in letters.</source>
        <translation>Scrivi il tuo cognome in lettere.</translation>
    </message>
    <message>
        <source>Please choose your country from the list: type part of its name and tap one of the matches.</source>
        <translation>Scegli il tuo paese dall’elenco: scrivi una parte del nome e tocca uno dei risultati.</translation>
    </message>
    <message>
        <source>This is {length} characters long; please shorten it to {limit} or fewer.</source>
        <translation>Questo testo è lungo {length} caratteri; accorcialo a {limit} o meno.</translation>
    </message>
    <message>
        <source>This contains hidden control characters; please type it again.</source>
        <translation>Contiene caratteri di controllo nascosti; scrivilo di nuovo.</translation>
    </message>
    <message>
        <source>Please use only letters, digits, spaces and hyphens, e.g. &apos;SW1A 1AA&apos;.</source>
        <translation>Usa solo lettere, cifre, spazi e trattini, ad es. &apos;00184&apos;.</translation>
    </message>
    <message>
        <source>This email address doesn&apos;t look right: {reason} Please check it.</source>
        <translation>Questo indirizzo email non sembra corretto: {reason} Controllalo, per favore.</translation>
    </message>
    <message>
        <source>It needs an @, as in name@example.org.</source>
        <translation>Manca la @, come in nome@esempio.it.</translation>
    </message>
    <message>
        <source>Something is missing before the @.</source>
        <translation>Manca qualcosa prima della @.</translation>
    </message>
    <message>
        <source>Something is missing after the @.</source>
        <translation>Manca qualcosa dopo la @.</translation>
    </message>
    <message>
        <source>It holds a space, a second @ or another character an address cannot have.</source>
        <translation>Contiene uno spazio, una seconda @ o un altro carattere che un indirizzo non può avere.</translation>
    </message>
    <message>
        <source>It has two dots in a row.</source>
        <translation>Ha due punti di seguito.</translation>
    </message>
    <message>
        <source>The part after the @ needs a dot, as in example.org.</source>
        <translation>La parte dopo la @ deve avere un punto, come in esempio.it.</translation>
    </message>
    <message>
        <source>An address looks like name@example.org.</source>
        <translation>Un indirizzo è fatto come nome@esempio.it.</translation>
    </message>
    <message>
        <source>Please tick the box to agree, so your signature can be counted.</source>
        <translation>Spunta la casella per accettare, così la tua firma può essere contata.</translation>
    </message>
    <message>
        <source>Please sign in the box with your finger, a pen or the mouse.</source>
        <translation>Firma nel riquadro con il dito, una penna o il mouse.</translation>
    </message>
    <message>
        <source>Your signature is too long to keep. Please press Clear and sign again, more briefly.</source>
        <translation>La tua firma è troppo lunga da conservare. Premi Cancella e firma di nuovo, più brevemente.</translation>
    </message>
    <message>
        <source>Your signature could not be read. Please press Clear and sign again.</source>
        <translation>Non è stato possibile leggere la tua firma. Premi Cancella e firma di nuovo.</translation>
    </message>
</context>
<context>
    <name>parts</name>
    <message>
        <source>Scroll the page</source>
        <translation>Scorri la pagina</translation>
    </message>
</context>
<context>
    <name>pin</name>
    <message>
        <source>A PIN is made of digits only, {low} to {high} of them.</source>
        <translation>Un PIN è fatto solo di cifre, da {low} a {high}.</translation>
    </message>
    <message>
        <source>A PIN has {low} to {high} digits.</source>
        <translation>Un PIN ha da {low} a {high} cifre.</translation>
    </message>
    <message>
        <source>That PIN is easy to guess (one digit repeated). Choose another.</source>
        <translation>Quel PIN è facile da indovinare (una cifra ripetuta). Scegline un altro.</translation>
    </message>
    <message>
        <source>That PIN is easy to guess (a run of digits). Choose another.</source>
        <translation>Quel PIN è facile da indovinare (cifre in sequenza). Scegline un altro.</translation>
    </message>
    <message>
        <source>That PIN is easy to guess (one of the PINs people choose most). Choose another.</source>
        <translation>Quel PIN è facile da indovinare (è tra i PIN scelti più spesso). Scegline un altro.</translation>
    </message>
    <message>
        <source>A PIN is already set; change it with the old one.</source>
        <translation>Un PIN è già impostato; cambialo usando quello attuale.</translation>
    </message>
</context>
<context>
    <name>sync</name>
    <message>
        <source>The server&apos;s enrolment answer holds no valid {what}; is it a kiosk server?</source>
        <translation>La risposta di registrazione del server non contiene una {what} valida: è davvero un server per chioschi?</translation>
    </message>
    <message>
        <source>This kiosk has no receipt key from its server, so it cannot tell a real receipt from a forged one. Enrol it again with a new link from the coordinator.</source>
        <translation>Questo chiosco non ha la chiave delle ricevute del suo server, quindi non distingue una ricevuta vera da una falsa. Registralo di nuovo con un nuovo link del coordinatore.</translation>
    </message>
    <message>
        <source>The answer to this upload is not signed by the campaign&apos;s server, so the batch stays on this kiosk and is sent again. Something between the kiosk and the server may be answering in its place: tell the coordinator.</source>
        <translation>La risposta a questo invio non è firmata dal server della campagna, quindi il lotto resta su questo chiosco e viene inviato di nuovo. Qualcosa tra il chiosco e il server potrebbe rispondere al suo posto: avvisa il coordinatore.</translation>
    </message>
    <message>
        <source>The server gives no campaign total (HTTP {status}): {detail}</source>
        <translation>Il server non dà il totale della campagna (HTTP {status}): {detail}</translation>
    </message>
    <message>
        <source>The server&apos;s campaign total is malformed.</source>
        <translation>Il totale della campagna inviato dal server non è valido.</translation>
    </message>
    <message>
        <source>The enrolment code was refused: {detail}</source>
        <translation>Il codice di registrazione è stato rifiutato: {detail}</translation>
    </message>
    <message>
        <source>This kiosk is already enrolled with another key: {detail}</source>
        <translation>Questo chiosco è già registrato con un&apos;altra chiave: {detail}</translation>
    </message>
    <message>
        <source>The server refused the enrolment (HTTP {status}): {detail}</source>
        <translation>Il server ha rifiutato la registrazione (HTTP {status}): {detail}</translation>
    </message>
    <message>
        <source>The answer to this enrolment is not authenticated by the code, so nothing was kept: something between this kiosk and the server changed it (or this is not the coordinator&apos;s server). Try again on another network, and tell the coordinator.</source>
        <translation>La risposta a questa registrazione non è autenticata dal codice, quindi non è stato conservato nulla: qualcosa tra questo chiosco e il server l&apos;ha modificata (oppure non è il server del coordinatore). Riprova su un&apos;altra rete e avvisa il coordinatore.</translation>
    </message>
    <message>
        <source>The server&apos;s enrolment answer lacks &apos;{field}&apos;; is it a kiosk server?</source>
        <translation>Nella risposta di registrazione del server manca &apos;{field}&apos;: è davvero un server per chioschi?</translation>
    </message>
    <message>
        <source>The server did not answer in time; trying again later.</source>
        <translation>Il server non ha risposto in tempo; si riproverà più tardi.</translation>
    </message>
    <message>
        <source>The certificate of the server at {server} is not signed by an authority this kiosk trusts, so nothing was sent. Enrol with the coordinator&apos;s enrolment link (it names the server&apos;s own certificate).</source>
        <translation>Il certificato del server {server} non è firmato da un&apos;autorità di cui questo chiosco si fida, quindi non è stato inviato nulla. Registra il chiosco con il link di registrazione del coordinatore (indica il certificato del server).</translation>
    </message>
    <message>
        <source>{server} is not a usable server address.</source>
        <translation>{server} non è un indirizzo di server utilizzabile.</translation>
    </message>
    <message>
        <source>The server at {server} cannot be reached; trying again later.</source>
        <translation>Il server {server} non è raggiungibile; si riproverà più tardi.</translation>
    </message>
    <message>
        <source>The server&apos;s enrolment answer names its certificate in a form this kiosk does not know; is it a kiosk server of this version?</source>
        <translation>La risposta di registrazione del server indica il suo certificato in una forma che questo chiosco non conosce: è un server per chioschi di questa versione?</translation>
    </message>
    <message>
        <source>The server had a problem (HTTP {status}); trying again later.</source>
        <translation>Il server ha avuto un problema (HTTP {status}); si riproverà più tardi.</translation>
    </message>
    <message>
        <source>The server asked this kiosk to wait {wait} before trying again (HTTP 429: too many requests). Nothing is lost: the signatures stay on this kiosk.</source>
        <translation>Il server ha chiesto a questo chiosco di attendere {wait} prima di riprovare (HTTP 429: troppe richieste). Non si perde nulla: le firme restano su questo chiosco.</translation>
    </message>
    <message>
        <source>The server is unavailable for now (HTTP 503) and asked this kiosk to wait {wait} before trying again. Nothing is lost: the signatures stay on this kiosk.</source>
        <translation>Il server per ora non è disponibile (HTTP 503) e ha chiesto a questo chiosco di attendere {wait} prima di riprovare. Non si perde nulla: le firme restano su questo chiosco.</translation>
    </message>
    <message>
        <source>The connection to the server is too slow: it stopped waiting for this batch (HTTP 408). Nothing is lost; trying again later.</source>
        <translation>La connessione al server è troppo lenta: il server ha smesso di attendere questo lotto (HTTP 408). Non si perde nulla; nuovo tentativo più tardi.</translation>
    </message>
    <message>
        <source>The server does not accept this kiosk&apos;s signature (unknown kiosk or wrong key). Ask the coordinator to enrol it again. ({detail})</source>
        <translation>Il server non accetta la firma di questo chiosco (chiosco sconosciuto o chiave sbagliata). Chiedi al coordinatore di registrarlo di nuovo. ({detail})</translation>
    </message>
    <message>
        <source>This kiosk was revoked by the coordinator, so the server no longer accepts its batches. Its signatures are safe here: export them to a USB stick for the coordinator.</source>
        <translation>Il coordinatore ha revocato questo chiosco, quindi il server non accetta più i suoi lotti. Le sue firme sono al sicuro qui: esportale su una chiavetta USB per il coordinatore.</translation>
    </message>
    <message>
        <source>The server already holds a different batch under this kiosk&apos;s batch id or number. Ask the coordinator to check this kiosk. ({detail})</source>
        <translation>Il server ha già un lotto diverso con l&apos;identificativo o il numero di lotto di questo chiosco. Chiedi al coordinatore di controllare questo chiosco. ({detail})</translation>
    </message>
    <message>
        <source>The server address does not offer the kiosk sync API (HTTP 404). Check it.</source>
        <translation>L&apos;indirizzo del server non offre l&apos;API di sincronizzazione dei chioschi (HTTP 404). Controllalo.</translation>
    </message>
    <message>
        <source>The server refused a batch (HTTP {status}): {detail}</source>
        <translation>Il server ha rifiutato un lotto (HTTP {status}): {detail}</translation>
    </message>
    <message>
        <source>The server&apos;s answer was incomplete; trying again later.</source>
        <translation>La risposta del server era incompleta; si riproverà più tardi.</translation>
    </message>
    <message>
        <source>The server presented a certificate with key {presented}, not the one this kiosk trusts ({pinned}), so nothing was sent. Someone on this network may be posing as the server, or the coordinator replaced its certificate: tell the coordinator.</source>
        <translation>Il server ha presentato un certificato con chiave {presented}, non quello di cui questo chiosco si fida ({pinned}), quindi non è stato inviato nulla. Qualcuno su questa rete potrebbe spacciarsi per il server, oppure il coordinatore ha sostituito il certificato: avvisa il coordinatore.</translation>
    </message>
    <message>
        <source>This kiosk sends signatures to {host} only over https://: plain http:// is for a server on this same machine. Ask the coordinator for the enrolment link, which holds the server&apos;s https:// address and its certificate&apos;s fingerprint.</source>
        <translation>Questo chiosco invia firme a {host} solo tramite https://: il semplice http:// è per un server su questa stessa macchina. Chiedi al coordinatore il link di registrazione, che contiene l&apos;indirizzo https:// del server e l&apos;impronta del suo certificato.</translation>
    </message>
    <message>
        <source>&apos;{address}&apos; is not a server address; it starts with https://</source>
        <translation>&apos;{address}&apos; non è un indirizzo di server; deve iniziare con https://</translation>
    </message>
    <message>
        <source>Sync could not run ({error}).</source>
        <translation>Non è stato possibile sincronizzare ({error}).</translation>
    </message>
    <message>
        <source>The server&apos;s receipt does not match the batch this kiosk sent. Ask the coordinator to check the server.</source>
        <translation>La ricevuta del server non corrisponde al lotto inviato da questo chiosco. Chiedi al coordinatore di controllare il server.</translation>
    </message>
    <message>
        <source>1 second</source>
        <translation>1 secondo</translation>
    </message>
    <message>
        <source>{seconds} seconds</source>
        <translation>{seconds} secondi</translation>
    </message>
    <message>
        <source>{minutes} minutes</source>
        <translation>{minutes} minuti</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 ora</translation>
    </message>
    <message>
        <source>The server sent a change of campaign key that the campaign&apos;s coordinator did not sign, so this kiosk keeps sealing to the key it has. Tell the coordinator.</source>
        <translation>Il server ha inviato un cambio di chiave della campagna che il coordinatore della campagna non ha firmato, quindi questo chiosco continua a sigillare con la chiave che ha. Avvisa il coordinatore.</translation>
    </message>
    <message>
        <source>The server sent a damaged campaign keyset ({reason}).</source>
        <translation>Il server ha inviato un insieme di chiavi della campagna danneggiato ({reason}).</translation>
    </message>
    <message>
        <source>The server sent the keyset of campaign {other}; this kiosk collects for campaign {campaign}, and keeps sealing to the key it has. Tell the coordinator.</source>
        <translation>Il server ha inviato l&apos;insieme di chiavi della campagna {other}; questo chiosco raccoglie firme per la campagna {campaign} e continua a sigillare con la chiave che ha. Avvisa il coordinatore.</translation>
    </message>
    <message>
        <source>The server sent campaign keyset version {sent}, older than the version {followed} this kiosk follows; it keeps sealing to key {primary}. Tell the coordinator.</source>
        <translation>Il server ha inviato la versione {sent} dell&apos;insieme di chiavi della campagna, più vecchia della versione {followed} che questo chiosco segue; continua a sigillare con la chiave {primary}. Avvisa il coordinatore.</translation>
    </message>
    <message>
        <source>The server sent a campaign keyset without key {key} as this kiosk knows it; the kiosk keeps sealing to the key it has. Tell the coordinator.</source>
        <translation>Il server ha inviato un insieme di chiavi della campagna senza la chiave {key} come questo chiosco la conosce; il chiosco continua a sigillare con la chiave che ha. Avvisa il coordinatore.</translation>
    </message>
    <message>
        <source>The server sent a campaign keyset that makes key {key} {new} again after it was {old}; this kiosk keeps sealing to the key it has. Tell the coordinator.</source>
        <translation>Il server ha inviato un insieme di chiavi della campagna che rende di nuovo la chiave {key} «{new}» dopo che era «{old}»; questo chiosco continua a sigillare con la chiave che ha. Avvisa il coordinatore.</translation>
    </message>
    <message>
        <source>The server sent a campaign keyset whose primary key {key} is {state}; this kiosk keeps sealing to the key it has.</source>
        <translation>Il server ha inviato un insieme di chiavi della campagna la cui chiave principale {key} è «{state}»; questo chiosco continua a sigillare con la chiave che ha.</translation>
    </message>
</context>
<context>
    <name>vault</name>
    <message>
        <source>The signature store {path} cannot be opened ({reason}). Check that the data directory is writable and the disk is not full.</source>
        <translation>L&apos;archivio delle firme {path} non si apre ({reason}). Controlla che nella cartella dei dati si possa scrivere e che il disco non sia pieno.</translation>
    </message>
    <message>
        <source>Copies of a damaged signature store are kept in {folder} ({copies}): give them to your coordinator, then move them off the kiosk.</source>
        <translation>Copie di un archivio delle firme danneggiato sono conservate in {folder} ({copies}): consegnale al coordinatore, poi toglile dal chiosco.</translation>
    </message>
    <message>
        <source>1 signature is missing from the signature store (device sequence number {numbers}). Tell your coordinator.</source>
        <translation>Manca 1 firma nell&apos;archivio delle firme (numero di sequenza del dispositivo {numbers}). Avvisa il coordinatore.</translation>
    </message>
    <message>
        <source>{missing} signatures are missing from the signature store (device sequence numbers {numbers}). Tell your coordinator.</source>
        <translation>Mancano {missing} firme nell&apos;archivio delle firme (numeri di sequenza del dispositivo {numbers}). Avvisa il coordinatore.</translation>
    </message>
    <message>
        <source>The signature store {path} is damaged ({reason}). Keep a copy of the data directory as it is and contact your coordinator.</source>
        <translation>L&apos;archivio delle firme {path} è danneggiato ({reason}). Conserva una copia della cartella dei dati così com&apos;è e contatta il coordinatore.</translation>
    </message>
    <message>
        <source>The signature store cannot be used right now ({reason}). Check that the disk is not full; nothing already saved is affected.</source>
        <translation>L&apos;archivio delle firme non si può usare in questo momento ({reason}). Controlla che il disco non sia pieno; ciò che è già salvato non è toccato.</translation>
    </message>
    <message>
        <source>This signature could not be saved: the signature store is damaged ({reason}). Please ask a volunteer for help.</source>
        <translation>Non è stato possibile salvare questa firma: l&apos;archivio delle firme è danneggiato ({reason}). Chiedi aiuto a un volontario.</translation>
    </message>
    <message>
        <source>This signature could not be saved ({reason}). Please ask a volunteer for help; nothing already saved is affected.</source>
        <translation>Non è stato possibile salvare questa firma ({reason}). Chiedi aiuto a un volontario; ciò che è già salvato non è toccato.</translation>
    </message>
    <message>
        <source>the disk is full</source>
        <translation>il disco è pieno</translation>
    </message>
    <message>
        <source>The signature store {db} is damaged ({reason}). The kiosk did not change it and kept a copy in {kept}: give that folder to your coordinator, who may be able to recover its signatures. To take signatures meanwhile, start the kiosk with a new data directory (--data-dir).</source>
        <translation>L&apos;archivio delle firme {db} è danneggiato ({reason}). Il chiosco non l&apos;ha modificato e ne ha conservato una copia in {kept}: consegna quella cartella al coordinatore, che potrebbe recuperarne le firme. Per raccogliere firme nel frattempo, avvia il chiosco con una nuova cartella dei dati (--data-dir).</translation>
    </message>
    <message>
        <source>the file is shorter than its own header says</source>
        <translation>il file è più corto di quanto dice la sua intestazione</translation>
    </message>
    <message>
        <source>The signature store was damaged when the kiosk last stopped. Every change in it was recovered; a copy of the damaged files is kept in {kept} for the coordinator.</source>
        <translation>L&apos;archivio delle firme si è danneggiato all&apos;ultimo arresto del chiosco. Ogni modifica è stata recuperata; una copia dei file danneggiati è conservata in {kept} per il coordinatore.</translation>
    </message>
    <message>
        <source>The signature store was damaged when the kiosk last stopped, and its last changes could not be recovered on this kiosk. A copy of the damaged files is kept in {kept}: give it to your coordinator, who may be able to recover signatures from it.</source>
        <translation>L&apos;archivio delle firme si è danneggiato all&apos;ultimo arresto del chiosco, e le sue ultime modifiche non si sono potute recuperare su questo chiosco. Una copia dei file danneggiati è conservata in {kept}: consegnala al coordinatore, che potrebbe recuperarne delle firme.</translation>
    </message>
    <message>
        <source>The signature store does not hold together: signatures read for a batch were not there to update. Nothing was changed; keep a copy of the data directory as it is and contact your coordinator.</source>
        <translation>L&apos;archivio delle firme non è coerente: le firme lette per un lotto non c&apos;erano più da aggiornare. Non è stato cambiato nulla; conserva una copia della cartella dei dati così com&apos;è e contatta il coordinatore.</translation>
    </message>
</context>
</TS>
