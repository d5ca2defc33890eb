"""Batch envelopes in a table of their own: every change of a batch's state rewrote its row,
and with it the envelope's overflow pages (about 370 KB for a batch of 1,000).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "batch_envelope",
        sa.Column("batch_id", sa.String(36), primary_key=True),
        sa.Column("envelope", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["batch.id"], name="fk_batch_envelope_batch"),
    )
    # A purged batch's envelope is NULL already: it has nothing to move.
    op.execute(
        "INSERT INTO batch_envelope (batch_id, envelope) "
        "SELECT id, envelope FROM batch WHERE envelope IS NOT NULL"
    )
    # SQLite's own DROP COLUMN (3.35+) rewrites the rows in place; batch mode would recreate the
    # table, and dropping the old one fails on signature's foreign key while it is enforced.
    op.drop_column("batch", "envelope")


def downgrade() -> None:
    op.add_column("batch", sa.Column("envelope", sa.LargeBinary(), nullable=True))
    op.execute(
        "UPDATE batch SET envelope = "
        "(SELECT envelope FROM batch_envelope WHERE batch_envelope.batch_id = batch.id)"
    )
    op.drop_table("batch_envelope")
