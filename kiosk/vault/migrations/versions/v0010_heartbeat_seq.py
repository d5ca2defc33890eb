"""The number of the kiosk's last heartbeat (kiosk.protocol.heartbeat): the server keeps a newer
number only, so the count must survive a restart. A number, no time.

Revision ID: 0010
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kiosk_state") as batch:
        batch.add_column(
            sa.Column("heartbeat_seq", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("kiosk_state") as batch:
        batch.drop_column("heartbeat_seq")
