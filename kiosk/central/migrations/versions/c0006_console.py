"""The coordinators' web console: named accounts (Argon2id credentials), sessions, the audit log
of console actions (to the hour) and a label per kiosk.

Revision ID: c0006
Revises: c0005
"""

import sqlalchemy as sa
from alembic import op

from kiosk.central.models import UTCDateTime

revision = "c0006"
down_revision = "c0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "console_account",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("credential_hash", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "console_session",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("account", sa.String(64), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "console_audit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("hour", UTCDateTime(), nullable=False),
        sa.Column("account", sa.String(64), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.String(200), nullable=True),
    )
    op.create_index("ix_console_audit_hour", "console_audit", ["hour"])
    op.create_table(
        "console_device_label",
        sa.Column("device_id", sa.String(36), sa.ForeignKey("device.id"), primary_key=True),
        sa.Column("label", sa.String(80), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("console_device_label")
    op.drop_index("ix_console_audit_hour", "console_audit")
    op.drop_table("console_audit")
    op.drop_table("console_session")
    op.drop_table("console_account")
