"""Range of movement per set (issue 11, issue 14 item 4).

- ``sets.range_deg``: how far the person moved above their own resting level in a camera-counted
  set (the analysed signal's peak above rest, degrees); NULL when no camera was used.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # A plain ADD COLUMN: SQLite adds a nullable column without rewriting the table.
    op.add_column("sets", sa.Column("range_deg", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sets") as batch:
        batch.drop_column("range_deg")
