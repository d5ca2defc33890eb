"""Events and the counts the console reads: the event a kiosk signed into each batch, the
events with their goals and the names that mean them, the campaign's goal, and a tally of
records per device, event name and collected hour, filled here from the records already stored.

Revision ID: c0011
Revises: c0010
"""

import sqlalchemy as sa
from alembic import op

from kiosk.central.models import UTCDateTime

revision = "c0011"
down_revision = "c0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("batch") as table:
        table.add_column(sa.Column("event", sa.String(200), nullable=True))
    with op.batch_alter_table("campaign") as table:
        table.add_column(sa.Column("goal", sa.BigInteger(), nullable=True))
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("goal", sa.BigInteger(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "event_alias",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("event.id"), nullable=False),
    )
    op.create_index("ix_event_alias_event_id", "event_alias", ["event_id"])
    op.create_table(
        "hour_tally",
        sa.Column("device_id", sa.String(36), sa.ForeignKey("device.id"), nullable=False),
        sa.Column("event", sa.String(200), nullable=False),
        sa.Column("hour", UTCDateTime(), nullable=False),
        sa.Column("signatures", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("device_id", "event", "hour", name="pk_hour_tally"),
    )
    op.create_index("ix_hour_tally_hour", "hour_tally", ["hour"])
    # Every record stored so far, under its device's enrolment event (no batch said one yet).
    op.execute(
        "INSERT INTO hour_tally (device_id, event, hour, signatures) "
        "SELECT record.device_id, device.event, record.collected_hour, COUNT(*) "
        "FROM record JOIN device ON device.id = record.device_id "
        "GROUP BY record.device_id, device.event, record.collected_hour"
    )


def downgrade() -> None:
    op.drop_index("ix_hour_tally_hour", "hour_tally")
    op.drop_table("hour_tally")
    op.drop_index("ix_event_alias_event_id", "event_alias")
    op.drop_table("event_alias")
    op.drop_table("event")
    with op.batch_alter_table("campaign") as table:
        table.drop_column("goal")
    with op.batch_alter_table("batch") as table:
        table.drop_column("event")
