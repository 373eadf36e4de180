"""crisis tables

Revision ID: 0005_crisis
Revises: 0001_core
"""
from alembic import op
import sqlalchemy as sa

import storage.models.base


revision = '0005_crisis'
down_revision = '0001_core'
branch_labels = ('crisis',)
depends_on = None

UTC = storage.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table('crises',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('platform', sa.String(length=10), nullable=False),
    sa.Column('room_id', sa.String(length=300), nullable=True),
    sa.Column('room_name', sa.String(length=100), nullable=False),
    sa.Column('card_id', sa.String(length=200), nullable=True),
    sa.Column('checklist_id', sa.String(length=200), nullable=True),
    sa.Column('accounts', sa.JSON(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('indicators', sa.JSON(), nullable=True),
    sa.Column('link', sa.String(length=1000), nullable=True),
    sa.Column('started_by', sa.String(length=320), nullable=False),
    sa.Column('starter_user', sa.String(length=200), nullable=True),
    sa.Column('started_at', UTC, nullable=False),
    sa.Column('approver', sa.String(length=320), nullable=True),
    sa.Column('administrators', sa.JSON(), nullable=False),
    sa.Column('checkin_minutes', sa.Integer(), nullable=False),
    sa.Column('next_checkin_at', UTC, nullable=True),
    sa.Column('evening_prompt_at', UTC, nullable=True),
    sa.Column('extended_until', UTC, nullable=True),
    sa.Column('ended_at', UTC, nullable=True),
    sa.Column('ended_by', sa.String(length=320), nullable=True),
    sa.Column('review_due_on', sa.String(length=10), nullable=True),
    sa.Column('review', sa.JSON(), nullable=True),
    sa.Column('review_by', sa.String(length=320), nullable=True),
    sa.Column('review_at', UTC, nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crises'))
    )
    with op.batch_alter_table('crises', schema=None) as batch_op:
        batch_op.create_index('ix_crises_room', ['platform', 'room_id'], unique=False)
        batch_op.create_index('ix_crises_status', ['status'], unique=False)

    op.create_table('crisis_members',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('crisis_id', sa.Integer(), nullable=False),
    sa.Column('person', sa.String(length=320), nullable=False),
    sa.Column('user_id', sa.String(length=200), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('updated_at', UTC, nullable=False),
    sa.ForeignKeyConstraint(['crisis_id'], ['crises.id'], name=op.f('fk_crisis_members_crisis_id_crises')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crisis_members')),
    sa.UniqueConstraint('crisis_id', 'person', name=op.f('uq_crisis_members_crisis_id_person'))
    )
    op.create_table('crisis_ticks',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('crisis_id', sa.Integer(), nullable=False),
    sa.Column('item', sa.String(length=40), nullable=False),
    sa.Column('ticked_by', sa.String(length=320), nullable=False),
    sa.Column('ticked_by_name', sa.String(length=200), nullable=False),
    sa.Column('ticked_at', UTC, nullable=False),
    sa.ForeignKeyConstraint(['crisis_id'], ['crises.id'], name=op.f('fk_crisis_ticks_crisis_id_crises')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crisis_ticks')),
    sa.UniqueConstraint('crisis_id', 'item', name=op.f('uq_crisis_ticks_crisis_id_item'))
    )


def downgrade() -> None:
    op.drop_table('crisis_ticks')
    op.drop_table('crisis_members')
    with op.batch_alter_table('crises', schema=None) as batch_op:
        batch_op.drop_index('ix_crises_status')
        batch_op.drop_index('ix_crises_room')
    op.drop_table('crises')
