"""accounts: moderator accounts managed from the web

Invitations and password resets as one-time links (only the token's sha256 is
stored), disabled accounts, the last sign-in, and the audit trail of accounts.

Revision ID: accounts
Revises: search_scale
Create Date: 2026-12-04 19:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'accounts'
down_revision = 'search_scale'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('moderators', schema=None) as batch_op:
        batch_op.add_column(sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'account_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('moderator_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=20), nullable=False),
        sa.Column('created_by', sa.String(length=320), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['moderator_id'], ['moderators.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_account_links_moderator_id', 'account_links', ['moderator_id'])
    op.create_table(
        'account_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('moderator_id', sa.Integer(), nullable=True),
        sa.Column('email', sa.String(length=320), nullable=False),
        sa.Column('actor', sa.String(length=320), nullable=False),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('before', sa.JSON(), nullable=True),
        sa.Column('after', sa.JSON(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_account_events_moderator_id', 'account_events', ['moderator_id'])


def downgrade():
    op.drop_index('ix_account_events_moderator_id', table_name='account_events')
    op.drop_table('account_events')
    op.drop_index('ix_account_links_moderator_id', table_name='account_links')
    op.drop_table('account_links')
    with op.batch_alter_table('moderators', schema=None) as batch_op:
        batch_op.drop_column('last_login_at')
        batch_op.drop_column('disabled_at')
