"""Batch and record ids unique per device, not across devices: `(device_id, id)` is the primary
key of both tables, and a record names its batch by `(device_id, batch_id)`. Ids are chosen by
the kiosk and travel in the clear, so a globally unique id let one enrolled device upload
another's ids first and turn that kiosk's batch into a permanent conflict.

Every stored record gets its batch's device. Nothing is renumbered or dropped: ids that were
unique across devices are unique per device too.

Revision ID: c0003
Revises: c0002
"""

import sqlalchemy as sa
from alembic import op

revision = "c0003"
down_revision = "c0002"
branch_labels = None
depends_on = None

# SQLite keeps the old tables' constraints unnamed; batch mode needs names to drop them by.
_SQLITE_NAMES = {"fk": "fk_%(table_name)s_%(column_0_name)s", "pk": "pk_%(table_name)s"}


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("record") as record:
        record.add_column(sa.Column("device_id", sa.String(36), nullable=True))
    op.execute(
        "UPDATE record SET device_id = "
        "(SELECT batch.device_id FROM batch WHERE batch.id = record.batch_id)"
    )
    if sqlite:
        _upgrade_sqlite()
    else:
        _upgrade_postgresql()


def _upgrade_sqlite() -> None:
    # SQLite rebuilds a table to change its keys. With foreign keys enforced, a parent table may
    # only be dropped once nothing refers to it: the record table loses its foreign key first,
    # the batch table is rebuilt, and then the record table gets its new foreign key.
    with op.batch_alter_table(
        "record", recreate="always", naming_convention=_SQLITE_NAMES
    ) as record:
        record.drop_constraint("fk_record_batch_id", type_="foreignkey")
        record.drop_constraint("pk_record", type_="primary")
        record.drop_index("ix_record_batch_id")
        record.alter_column("device_id", existing_type=sa.String(36), nullable=False)
        record.create_primary_key("pk_record", ["device_id", "id"])
        record.create_index("ix_record_device_batch", ["device_id", "batch_id"])
    with op.batch_alter_table("batch", recreate="always", naming_convention=_SQLITE_NAMES) as batch:
        batch.drop_constraint("pk_batch", type_="primary")
        batch.create_primary_key("pk_batch", ["device_id", "id"])
    with op.batch_alter_table("record", recreate="always") as record:
        record.create_foreign_key(
            "fk_record_batch", "batch", ["device_id", "batch_id"], ["device_id", "id"]
        )


def _upgrade_postgresql() -> None:
    # PostgreSQL's own names for the constraints c0001 left unnamed.
    op.drop_constraint("record_batch_id_fkey", "record", type_="foreignkey")
    op.drop_constraint("record_pkey", "record", type_="primary")
    op.drop_constraint("batch_pkey", "batch", type_="primary")
    op.create_primary_key("pk_batch", "batch", ["device_id", "id"])
    op.alter_column("record", "device_id", existing_type=sa.String(36), nullable=False)
    op.create_primary_key("pk_record", "record", ["device_id", "id"])
    op.create_foreign_key(
        "fk_record_batch", "record", "batch", ["device_id", "batch_id"], ["device_id", "id"]
    )
    op.drop_index("ix_record_batch_id", "record")
    op.create_index("ix_record_device_batch", "record", ["device_id", "batch_id"])


def downgrade() -> None:
    """Back to ids unique across devices; fails (IntegrityError) once two devices share one."""
    if op.get_bind().dialect.name == "sqlite":  # in the order upgrade explains
        with op.batch_alter_table("record", recreate="always") as record:
            record.drop_constraint("fk_record_batch", type_="foreignkey")
            record.drop_index("ix_record_device_batch")
            record.drop_constraint("pk_record", type_="primary")
            record.create_primary_key("pk_record", ["id"])
        with op.batch_alter_table("batch", recreate="always") as batch:
            batch.drop_constraint("pk_batch", type_="primary")
            batch.create_primary_key("pk_batch", ["id"])
        with op.batch_alter_table("record", recreate="always") as record:
            record.create_foreign_key("fk_record_batch_id", "batch", ["batch_id"], ["id"])
            record.create_index("ix_record_batch_id", ["batch_id"])
            record.drop_column("device_id")
        return
    op.drop_constraint("fk_record_batch", "record", type_="foreignkey")
    op.drop_index("ix_record_device_batch", "record")
    op.drop_constraint("pk_record", "record", type_="primary")
    op.drop_constraint("pk_batch", "batch", type_="primary")
    op.create_primary_key("batch_pkey", "batch", ["id"])
    op.create_primary_key("record_pkey", "record", ["id"])
    op.create_foreign_key("record_batch_id_fkey", "record", "batch", ["batch_id"], ["id"])
    op.create_index("ix_record_batch_id", "record", ["batch_id"])
    op.drop_column("record", "device_id")
