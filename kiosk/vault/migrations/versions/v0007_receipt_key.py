"""The server's receipt key, pinned at enrolment (protocol version 2): only receipts it signed
acknowledge a batch. A kiosk enrolled before has none and counts as not enrolled until it enrols
again; its signatures stay in the vault meanwhile.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("device", sa.Column("receipt_key", sa.String(64), nullable=True))


def downgrade() -> None:
    op.drop_column("device", "receipt_key")
