"""Closing a batch writes no second copy of its sealed records:

- batch membership in a small table of its own (signature_batch: a signature's device sequence
  number and its batch), instead of rewriting each signature row with its sealed record (about
  8 kB) to set batch_id. The upgrade copies the signature table once, without the column
  (SQLite cannot drop a column that a foreign key or an index names in place);
- batch_envelope keeps the envelope's frame only (the body's head and the signature); its
  sealed records are the signature rows' own, joined again when the batch is sent.

Revision ID: 0012
Revises: 0011
"""

import struct

import sqlalchemy as sa
from alembic import op

MAGIC = b"kiosk-batch/2\n"
HEADER_LENGTH = struct.Struct(">I")
SIGNATURE_BYTES = 64

revision = "0012"
down_revision = "0011"
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

    conn = op.get_bind()
    frames = []
    for batch_id, envelope in conn.execute(
        sa.text("SELECT batch_id, envelope FROM batch_envelope")
    ):
        (length,) = HEADER_LENGTH.unpack_from(envelope, len(MAGIC))
        head = envelope[: len(MAGIC) + HEADER_LENGTH.size + length]
        frames.append({"b": batch_id, "h": head, "s": envelope[-SIGNATURE_BYTES:]})
    with op.batch_alter_table("batch_envelope", recreate="always") as table:
        table.add_column(sa.Column("head", sa.LargeBinary(), nullable=True))
        table.add_column(sa.Column("signature", sa.LargeBinary(), nullable=True))
        table.drop_column("envelope")
    for frame in frames:
        conn.execute(
            sa.text("UPDATE batch_envelope SET head = :h, signature = :s WHERE batch_id = :b"),
            frame,
        )
    with op.batch_alter_table("batch_envelope", recreate="always") as table:
        table.alter_column("head", existing_type=sa.LargeBinary(), nullable=False)
        table.alter_column("signature", existing_type=sa.LargeBinary(), nullable=False)


def downgrade() -> None:
    conn = op.get_bind()
    envelopes = []
    frames = conn.execute(sa.text("SELECT batch_id, head, signature FROM batch_envelope")).all()
    for batch_id, head, signature in frames:
        sealed = (
            conn.execute(
                sa.text(
                    "SELECT s.sealed FROM signature s JOIN signature_batch m "
                    "ON m.device_seq = s.device_seq WHERE m.batch_id = :b ORDER BY m.device_seq"
                ),
                {"b": batch_id},
            )
            .scalars()
            .all()
        )
        envelopes.append({"b": batch_id, "e": b"".join((head, *sealed, signature))})
    with op.batch_alter_table("batch_envelope", recreate="always") as table:
        table.add_column(sa.Column("envelope", sa.LargeBinary(), nullable=True))
        table.drop_column("head")
        table.drop_column("signature")
    for one in envelopes:
        conn.execute(sa.text("UPDATE batch_envelope SET envelope = :e WHERE batch_id = :b"), one)
    with op.batch_alter_table("batch_envelope", recreate="always") as table:
        table.alter_column("envelope", existing_type=sa.LargeBinary(), nullable=False)

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
