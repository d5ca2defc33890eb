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
        <source>Today</source>
        <translation>Oggi</translation>
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
        <source>Not enrolled. Waiting to sync on this kiosk: %1.</source>
        <translation>Non registrato. In attesa di sincronizzazione su questo chiosco: %1.</translation>
    </message>
    <message>
        <source>Waiting to sync: %1 (sent, not yet confirmed: %2).</source>
        <translation>In attesa di sincronizzazione: %1 (inviate, non ancora confermate: %2).</translation>
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
        <source>Back</source>
        <translation>Indietro</translation>
    </message>
    <message>
        <source>Back to the appeal</source>
        <translation>Torna alla petizione</translation>
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
        <translation>Questo indirizzo email non sembra corretto. Controllalo, per favore.</translation>
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
</TS>
