"""server hardening: per-site rate limits, server-side sessions, login throttling

sites.rate_limit_per_second / rate_limit_burst: a site's own limit (NULL: the
default; 0 per second: none).  rate_buckets: one token bucket per key, shared by
every worker and process.  moderator_sessions: a session is a row, so logout,
a password change and "sign out everywhere" end it.  login_throttle: failed
sign-ins per client and per account.

Revision ID: server_hardening
Revises: search
Create Date: 2026-12-04 16:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'server_hardening'
down_revision = 'search'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rate_limit_per_second', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('rate_limit_burst', sa.Integer(), nullable=True))
    op.create_table(
        'rate_buckets',
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('tokens', sa.Float(), nullable=False),
        sa.Column('updated_at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    op.create_table(
        'moderator_sessions',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('moderator_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['moderator_id'], ['moderators.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('moderator_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_moderator_sessions_moderator_id', ['moderator_id'], unique=False)
    op.create_table(
        'login_throttle',
        sa.Column('key', sa.String(length=400), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('blocked_until', sa.Float(), nullable=False),
        sa.Column('updated_at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )


def downgrade():
    op.drop_table('login_throttle')
    with op.batch_alter_table('moderator_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_moderator_sessions_moderator_id')
    op.drop_table('moderator_sessions')
    op.drop_table('rate_buckets')
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_column('rate_limit_burst')
        batch_op.drop_column('rate_limit_per_second')
