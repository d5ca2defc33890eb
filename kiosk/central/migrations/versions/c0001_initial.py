"""The first central schema: campaign, coordinator credential, enrolment codes, devices, batches
and their sealed records.

Revision ID: c0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from kiosk.central.models import UTCDateTime

revision = "c0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaign",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("public_key_pem", sa.Text(), nullable=False),
        sa.Column("key_fingerprint", sa.String(32), nullable=False),
        sa.Column("appeal_id", sa.String(63), nullable=False),
        sa.Column("appeal_version", sa.Integer(), nullable=False),
        sa.Column("appeal_toml", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_campaign_single"),
    )
    op.create_table(
        "coordinator_credential",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("credential_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "enrolment_code",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("event", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.Column("device_id", sa.String(36), nullable=True),
    )
    op.create_table(
        "device",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("event", sa.String(200), nullable=False),
        sa.Column("enrolled_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
    )
    op.create_table(
        "batch",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("device_id", sa.String(36), sa.ForeignKey("device.id"), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("appeal_id", sa.String(63), nullable=False),
        sa.Column("appeal_version", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("envelope", sa.LargeBinary(), nullable=False),
        sa.Column("record_count", sa.Integer(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("device_id", "seq", name="uq_batch_device_seq"),
    )
    op.create_table(
        "record",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("batch_id", sa.String(36), sa.ForeignKey("batch.id"), nullable=False),
        sa.Column("device_seq", sa.BigInteger(), nullable=False),
        sa.Column("collected_hour", UTCDateTime(), nullable=False),
        sa.Column("key_fingerprint", sa.String(32), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
    )
    op.create_index("ix_record_batch_id", "record", ["batch_id"])


def downgrade() -> None:
    op.drop_index("ix_record_batch_id", "record")
    for table in ("record", "batch", "device", "enrolment_code", "coordinator_credential"):
        op.drop_table(table)
    op.drop_table("campaign")
