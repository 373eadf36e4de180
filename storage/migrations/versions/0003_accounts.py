"""accounts: approval requests (account requests, boosts), the accounts register, onboarding, tasks

Revision ID: 0003_accounts
Revises: 0001_core
"""
from alembic import op
import sqlalchemy as sa

import storage.models.base


revision = '0003_accounts'
down_revision = '0001_core'
branch_labels = ('accounts',)
depends_on = None


def upgrade() -> None:
    op.create_table('approval_requests',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('requester', sa.String(length=320), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('steps', sa.JSON(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('history', sa.JSON(), nullable=False),
    sa.Column('thread', sa.JSON(), nullable=False),
    sa.Column('question', sa.Text(), nullable=True),
    sa.Column('question_by', sa.String(length=320), nullable=True),
    sa.Column('question_at', storage.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', storage.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('step_started_at', storage.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.String(length=320), nullable=True),
    sa.Column('decided_at', storage.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approval_requests'))
    )
    with op.batch_alter_table('approval_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_approval_requests_requester'), ['requester'], unique=False)
        batch_op.create_index(batch_op.f('ix_approval_requests_state'), ['state'], unique=False)

    op.create_table('social_accounts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('platform', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('service_area', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('owner', sa.String(length=320), nullable=False),
    sa.Column('manager', sa.String(length=320), nullable=True),
    sa.Column('monitored_hours', sa.String(length=300), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('created_at', storage.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_review_at', storage.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by', sa.String(length=320), nullable=True),
    sa.Column('onboarded_at', storage.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_social_accounts'))
    )
    with op.batch_alter_table('social_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_social_accounts_owner'), ['owner'], unique=False)
        batch_op.create_index('ix_social_accounts_platform_name', ['platform', 'name'], unique=False)

    op.create_table('account_tasks',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('assignee', sa.String(length=320), nullable=False),
    sa.Column('because_of', sa.String(length=320), nullable=False),
    sa.Column('created_at', storage.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=320), nullable=False),
    sa.Column('done_at', storage.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('done_by', sa.String(length=320), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['social_accounts.id'], name=op.f('fk_account_tasks_account_id_social_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_tasks')),
    sa.UniqueConstraint('account_id', 'kind', 'assignee', 'because_of', name=op.f('uq_account_tasks_account_id_kind_assignee_because_of'))
    )
    with op.batch_alter_table('account_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_tasks_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_account_tasks_assignee'), ['assignee'], unique=False)

    op.create_table('approval_cards',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=10), nullable=False),
    sa.Column('channel', sa.String(length=200), nullable=False),
    sa.Column('message_id', sa.String(length=200), nullable=False),
    sa.Column('audience', sa.String(length=20), nullable=False),
    sa.Column('created_at', storage.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['approval_requests.id'], name=op.f('fk_approval_cards_request_id_approval_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approval_cards'))
    )
    with op.batch_alter_table('approval_cards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_approval_cards_request_id'), ['request_id'], unique=False)

    op.create_table('onboarding_items',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('done_at', storage.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('done_by', sa.String(length=320), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['social_accounts.id'], name=op.f('fk_onboarding_items_account_id_social_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_onboarding_items')),
    sa.UniqueConstraint('account_id', 'key', name=op.f('uq_onboarding_items_account_id_key'))
    )
    with op.batch_alter_table('onboarding_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_onboarding_items_account_id'), ['account_id'], unique=False)

    op.create_table('social_account_admins',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('added_at', storage.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('removed_at', storage.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('removed_by', sa.String(length=320), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['social_accounts.id'], name=op.f('fk_social_account_admins_account_id_social_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_social_account_admins')),
    sa.UniqueConstraint('account_id', 'email', name=op.f('uq_social_account_admins_account_id_email'))
    )
    with op.batch_alter_table('social_account_admins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_social_account_admins_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_social_account_admins_email'), ['email'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('social_account_admins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_social_account_admins_email'))
        batch_op.drop_index(batch_op.f('ix_social_account_admins_account_id'))

    op.drop_table('social_account_admins')
    with op.batch_alter_table('onboarding_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_onboarding_items_account_id'))

    op.drop_table('onboarding_items')
    with op.batch_alter_table('approval_cards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_approval_cards_request_id'))

    op.drop_table('approval_cards')
    with op.batch_alter_table('account_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_tasks_assignee'))
        batch_op.drop_index(batch_op.f('ix_account_tasks_account_id'))

    op.drop_table('account_tasks')
    with op.batch_alter_table('social_accounts', schema=None) as batch_op:
        batch_op.drop_index('ix_social_accounts_platform_name')
        batch_op.drop_index(batch_op.f('ix_social_accounts_owner'))

    op.drop_table('social_accounts')
    with op.batch_alter_table('approval_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_approval_requests_state'))
        batch_op.drop_index(batch_op.f('ix_approval_requests_requester'))

    op.drop_table('approval_requests')
