"""Creates and upgrades the vault schema through the Alembic migrations shipped in the package."""

from __future__ import annotations

import logging

from sqlalchemy import Engine

from kiosk.errors import UnknownSchema
from kiosk.sql import alembic_revision

log = logging.getLogger("kiosk.vault")

# The newest migration in kiosk/vault/migrations/versions; a test checks they agree. Knowing it
# here lets an up-to-date vault open without importing Alembic, which keeps start-up fast.
SCHEMA_HEAD = "0012"


def upgrade(engine: Engine) -> None:
    revision = alembic_revision(engine)
    if revision == SCHEMA_HEAD:
        return
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    log.info("upgrading vault schema from %s to %s", revision or "empty", SCHEMA_HEAD)
    config = Config()
    config.set_main_option("script_location", "kiosk.vault:migrations")
    if revision is not None:
        try:
            ScriptDirectory.from_config(config).get_revision(revision)
        except CommandError:
            raise UnknownSchema(
                f"its schema version {revision!r} is newer than this kiosk's ({SCHEMA_HEAD}); "
                "run the kiosk version that wrote it"
            ) from None
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
