"""The passphrase of the campaign key file that the `central` fixture (tests/central/conftest.py)
writes into the coordinator's directory, for tests that run the coordinator's commands."""

PASSPHRASE = "correct horse battery staple"
