"""The first vault schema: the device and its sealed signatures.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "device",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "signature",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("device_seq", sa.Integer(), nullable=False, unique=True),
        sa.Column("appeal_id", sa.String(63), nullable=False),
        sa.Column("appeal_version", sa.Integer(), nullable=False),
        sa.Column("collected_hour", sa.DateTime(), nullable=False),
        sa.Column("key_fingerprint", sa.String(32), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
    )
    op.create_index("ix_signature_appeal_id", "signature", ["appeal_id"])


def downgrade() -> None:
    op.drop_index("ix_signature_appeal_id", "signature")
    op.drop_table("signature")
    op.drop_table("device")
