"""Protocol version 2. The server's receipt key (Ed25519, PKCS#8 PEM): every receipt is signed
with it, and kiosks get its public half in the enrolment answer; a campaign made before gets a
new key here. Enrolment codes keep their HKDF code id (in code_hash) and MAC key: codes issued
before have neither and can no longer be used (issue new ones; kiosks enrol again for v2).

Revision ID: c0002
Revises: c0001
"""

import sqlalchemy as sa
from alembic import op

from kiosk.crypto.device_key import DeviceKey

revision = "c0002"
down_revision = "c0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("campaign", sa.Column("receipt_key_pem", sa.Text(), nullable=True))
    op.add_column("enrolment_code", sa.Column("mac_key", sa.String(64), nullable=True))
    op.get_bind().execute(
        sa.text("UPDATE campaign SET receipt_key_pem = :pem"),
        {"pem": DeviceKey.generate().to_pem().decode("ascii")},
    )


def downgrade() -> None:
    with op.batch_alter_table("campaign") as batch:
        batch.drop_column("receipt_key_pem")
    with op.batch_alter_table("enrolment_code") as batch:
        batch.drop_column("mac_key")
