"""Alembic environment for the central server; run from kiosk.central.db with a live connection."""

from alembic import context

from kiosk.central.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
