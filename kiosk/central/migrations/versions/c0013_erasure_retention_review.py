"""Erasure, retention and review, on the server's side: which records were deleted (so that a
later upload or USB import of the same record id is dropped), the retention policy and the
delivery date, the coordinator's review marks (record ids and a mark only: marks that depend
on decrypted fields are computed on the coordinator's machine), and the kiosks and events in
test mode.

Revision ID: c0013
Revises: c0012
"""

import sqlalchemy as sa
from alembic import op

from kiosk.central.models import UTCDateTime

revision = "c0013"
down_revision = "c0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Retention's "next deletion" and due counts, and the console's hourly figures, read the
    # records by their hour: an index instead of a scan of every stored record.
    op.create_index("ix_record_collected_hour", "record", ["collected_hour"])
    op.create_table(
        "deleted_record",
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("deleted_hour", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("device_id", "id", name="pk_deleted_record"),
    )
    op.create_table(
        "record_mark",
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("mark", sa.String(8), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("marked_hour", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("device_id", "record_id", name="pk_record_mark"),
    )
    op.create_table(
        "test_mode",
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("since_hour", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "name", name="pk_test_mode"),
    )
    with op.batch_alter_table("campaign") as campaign:
        campaign.add_column(
            sa.Column(
                "keep_months_after_collection",
                sa.Integer(),
                nullable=False,
                server_default=sa.text("21"),
            )
        )
        campaign.add_column(
            sa.Column(
                "keep_months_after_delivery",
                sa.Integer(),
                nullable=False,
                server_default=sa.text("1"),
            )
        )
        campaign.add_column(sa.Column("delivered_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("campaign") as campaign:
        campaign.drop_column("delivered_at")
        campaign.drop_column("keep_months_after_delivery")
        campaign.drop_column("keep_months_after_collection")
    op.drop_table("test_mode")
    op.drop_table("record_mark")
    op.drop_table("deleted_record")
    op.drop_index("ix_record_collected_hour", "record")
