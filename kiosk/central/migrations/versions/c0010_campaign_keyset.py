"""The campaign keyset (kiosk.protocol.keyset): one row per campaign key, with its state, and on
the campaign row the coordinator's signing key and the keyset it signed. A campaign made before
keeps its key as key 1, active and primary; it has no coordinator key (kiosks enrolled with it
keep sealing to key 1).

Revision ID: c0010
Revises: c0007
"""

import sqlalchemy as sa
from alembic import op

from kiosk.central.models import UTCDateTime

revision = "c0010"
down_revision = "c0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaign_key",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("fingerprint", sa.String(32), nullable=False, unique=True),
        sa.Column("public_key_pem", sa.Text(), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("state IN ('active', 'retired', 'destroyed')", name="ck_key_state"),
    )
    with op.batch_alter_table("campaign") as batch:
        batch.add_column(sa.Column("coordinator_key", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("keyset_body", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("keyset_signature", sa.LargeBinary(), nullable=True))
    op.execute(
        "INSERT INTO campaign_key (id, fingerprint, public_key_pem, state, created_at, "
        "changed_at) SELECT 1, key_fingerprint, public_key_pem, 'active', created_at, "
        "created_at FROM campaign"
    )


def downgrade() -> None:
    with op.batch_alter_table("campaign") as batch:
        batch.drop_column("keyset_signature")
        batch.drop_column("keyset_body")
        batch.drop_column("coordinator_key")
    op.drop_table("campaign_key")
