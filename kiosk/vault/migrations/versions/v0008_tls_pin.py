"""The server certificate's key pin, kept at enrolment (kiosk.sync.pinning): every later
connection must present that key. None for a server with a domain certificate (verified by the
system's authorities) or on this machine over plain http.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("device", sa.Column("tls_pin", sa.String(64), nullable=True))


def downgrade() -> None:
    op.drop_column("device", "tls_pin")
