"""The central server: receives signed batches from kiosks, enrols and revokes them, and gives
coordinators status and decrypted, de-duplicated exports. Depends on the core, never the reverse."""
