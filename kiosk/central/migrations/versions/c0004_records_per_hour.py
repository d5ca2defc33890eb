"""The per-device record quota: how many records one device may deliver per hour, set by
`kiosk central init --records-per-hour` (5,000 for a campaign made before). Over it, an upload
is answered 429 with Retry-After (kiosk.central.ratelimit).

Revision ID: c0004
Revises: c0003
"""

import sqlalchemy as sa
from alembic import op

revision = "c0004"
down_revision = "c0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaign") as campaign:
        campaign.add_column(
            sa.Column(
                "records_per_hour", sa.Integer(), nullable=False, server_default=sa.text("5000")
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("campaign") as campaign:
        campaign.drop_column("records_per_hour")
