"""A stored batch keeps its envelope's frame (the body's head: magic, header length, header;
and the device's signature) instead of the whole envelope: its sealed records are the record
rows', so every signature was stored twice (kiosk.central.audit joins the envelope again).

The columns are nullable because SQLite cannot add a NOT NULL column without a default, and
rebuilding the batch table fails on record's foreign key while it is enforced; every row has
both after this upgrade, and ingest writes both.

Revision ID: c0012
Revises: c0011
"""

import struct

import sqlalchemy as sa
from alembic import op

revision = "c0012"
down_revision = "c0011"
branch_labels = None
depends_on = None

MAGIC = b"kiosk-batch/2\n"
HEADER_LENGTH = struct.Struct(">I")
SIGNATURE_BYTES = 64


def upgrade() -> None:
    op.add_column("batch", sa.Column("head", sa.LargeBinary(), nullable=True))
    op.add_column("batch", sa.Column("signature", sa.LargeBinary(), nullable=True))
    conn = op.get_bind()
    keys = conn.execute(sa.text("SELECT device_id, id FROM batch")).all()
    for device_id, batch_id in keys:  # one envelope in memory at a time
        key = {"d": device_id, "b": batch_id}
        envelope = bytes(
            conn.execute(
                sa.text("SELECT envelope FROM batch WHERE device_id = :d AND id = :b"), key
            ).scalar_one()
        )
        (length,) = HEADER_LENGTH.unpack_from(envelope, len(MAGIC))
        conn.execute(
            sa.text("UPDATE batch SET head = :h, signature = :s WHERE device_id = :d AND id = :b"),
            {
                **key,
                "h": envelope[: len(MAGIC) + HEADER_LENGTH.size + length],
                "s": envelope[-SIGNATURE_BYTES:],
            },
        )
    op.drop_column("batch", "envelope")


def downgrade() -> None:
    op.add_column("batch", sa.Column("envelope", sa.LargeBinary(), nullable=True))
    conn = op.get_bind()
    frames = conn.execute(sa.text("SELECT device_id, id, head, signature FROM batch")).all()
    for device_id, batch_id, head, signature in frames:
        ids = _record_ids(bytes(head))
        sealed: dict[str, bytes] = dict(
            conn.execute(
                sa.text(
                    "SELECT id, sealed FROM record WHERE device_id = :d AND id IN :ids"
                ).bindparams(sa.bindparam("ids", expanding=True)),
                {"d": device_id, "ids": ids},
            ).all()
        )
        envelope = b"".join((bytes(head), *(bytes(sealed[i]) for i in ids), bytes(signature)))
        conn.execute(
            sa.text("UPDATE batch SET envelope = :e WHERE device_id = :d AND id = :b"),
            {"e": envelope, "d": device_id, "b": batch_id},
        )
    op.drop_column("batch", "signature")
    op.drop_column("batch", "head")


def _record_ids(head: bytes) -> list[str]:
    import json

    return [r[0] for r in json.loads(head[len(MAGIC) + HEADER_LENGTH.size :])["records"]]
