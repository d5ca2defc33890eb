"""Salvage batches (kiosk.protocol.batch, kind "salvage"): records a kiosk read back from a
damaged vault (`kiosk vault salvage`), imported with `kiosk central import`. They stand outside
the device's chain: `kind` tells them apart (every batch before is a chain batch), and their
`seq` counts down from -1 per device, so the unique (device_id, seq) key and the chain's
numbers from 1 never meet (kiosk.central.salvage). Adding a column needs no table rebuild.

Revision ID: c0005
Revises: c0004
"""

import sqlalchemy as sa
from alembic import op

revision = "c0005"
down_revision = "c0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "batch",
        sa.Column("kind", sa.String(8), nullable=False, server_default=sa.text("'chain'")),
    )


def downgrade() -> None:
    op.execute(
        "DELETE FROM record WHERE EXISTS (SELECT 1 FROM batch WHERE batch.kind = 'salvage' "
        "AND batch.device_id = record.device_id AND batch.id = record.batch_id)"
    )
    op.execute("DELETE FROM batch WHERE kind = 'salvage'")
    with op.batch_alter_table("batch") as batch:
        batch.drop_column("kind")
