"""suspected information security breaches reported to Information Management (2.10)

Revision ID: 0017_security_reports
Revises: 0001_core
"""
from alembic import op
import sqlalchemy as sa

import storage.models.base

revision = "0017_security_reports"
down_revision = "0001_core"
branch_labels = ("security_reports",)
depends_on = None


def upgrade() -> None:
    utc = storage.models.base.UTCDateTime(timezone=True)
    op.create_table(
        "security_reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=True),
        sa.Column("token", sa.String(length=40), nullable=False),
        sa.Column("reporter", sa.String(length=320), nullable=False),
        sa.Column("platform", sa.String(length=10), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("email_state", sa.String(length=10), nullable=False),
        sa.Column("email_attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("emailed_at", utc, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_reports")),
        sa.UniqueConstraint("reference", name=op.f("uq_security_reports_reference")),
        sa.UniqueConstraint("token", name=op.f("uq_security_reports_token")),
    )


def downgrade() -> None:
    op.drop_table("security_reports")
