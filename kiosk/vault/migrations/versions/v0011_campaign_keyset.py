"""The coordinator's signing key, pinned at enrolment, and the campaign keyset this kiosk follows
(kiosk.protocol.keyset): the signed body as received and its signature, so the kiosk seals to
the keyset's primary key after a restart and refuses an older keyset replayed to it.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("device") as batch:
        batch.add_column(sa.Column("coordinator_key", sa.String(64), nullable=True))
        batch.add_column(sa.Column("keyset_body", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("keyset_signature", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("device") as batch:
        batch.drop_column("keyset_signature")
        batch.drop_column("keyset_body")
        batch.drop_column("coordinator_key")
