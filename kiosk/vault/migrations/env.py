"""Alembic environment for the kiosk vault; run from kiosk.vault.schema with a live connection."""

from alembic import context

from kiosk.vault.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
