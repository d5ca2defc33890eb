"""Batch membership in a small table of its own (signature_batch: a signature's device
sequence number and its batch), so that closing a batch writes a few bytes per signature
instead of rewriting each signature row with its sealed record (about 8 kB) to set batch_id.

The upgrade copies the signature table once, without the column (SQLite cannot drop a column
that a foreign key or an index names in place).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signature_batch",
        sa.Column("device_seq", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("batch_id", sa.String(36), nullable=True),
        sa.ForeignKeyConstraint(["batch_id"], ["batch.id"], name="fk_signature_batch_batch"),
    )
    op.create_index("ix_signature_batch_batch_id", "signature_batch", ["batch_id"])
    op.execute(
        "INSERT INTO signature_batch (device_seq, batch_id) SELECT device_seq, batch_id "
        "FROM signature"
    )
    with op.batch_alter_table("signature", recreate="always") as table:
        table.drop_index("ix_signature_batch_id")
        table.drop_constraint("fk_signature_batch", type_="foreignkey")
        table.drop_column("batch_id")


def downgrade() -> None:
    with op.batch_alter_table("signature") as table:
        table.add_column(sa.Column("batch_id", sa.String(36), nullable=True))
        table.create_foreign_key("fk_signature_batch", "batch", ["batch_id"], ["id"])
        table.create_index("ix_signature_batch_id", ["batch_id"])
    op.execute(
        "UPDATE signature SET batch_id = (SELECT batch_id FROM signature_batch "
        "WHERE signature_batch.device_seq = signature.device_seq)"
    )
    op.drop_index("ix_signature_batch_batch_id", "signature_batch")
    op.drop_table("signature_batch")
