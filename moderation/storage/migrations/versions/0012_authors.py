"""authors: author rules (pre-moderation, suspension, block), their actions, repeat detection

``author_rules`` holds what moderators decided about one author of one site;
``author_actions`` is the author's part of the audit log, with the statement of
reasons.  ``repeat_keys`` holds each comment's normalised-text fingerprint and
MinHash band keys, looked up by (site, key, received_at);
``comments.repeat_group`` is the first comment a comment repeats.

Revision ID: authors
Revises: rules
Create Date: 2026-12-04 19:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'authors'
down_revision = 'rules'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('repeat_group', sa.BigInteger(), nullable=True))
        batch_op.create_index('ix_comments_repeat', ['site_id', 'repeat_group', 'received_at'], unique=False)
    op.create_table(
        'repeat_keys',
        sa.Column('comment_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['comment_id'], ['comments.id']),
        sa.ForeignKeyConstraint(['site_id'], ['sites.id']),
        sa.PrimaryKeyConstraint('comment_id', 'key'),
    )
    op.create_index('ix_repeat_keys_lookup', 'repeat_keys', ['site_id', 'key', 'received_at'], unique=False)
    op.create_table(
        'author_rules',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.String(length=200), nullable=False),
        sa.Column('premoderated', sa.Boolean(), nullable=False),
        sa.Column('suspended_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('suspension_reason', sa.Text(), nullable=True),
        sa.Column('blocked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['site_id'], ['sites.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('site_id', 'author_id'),
    )
    op.create_table(
        'author_actions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.String(length=200), nullable=False),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('actor', sa.String(length=320), nullable=False),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('explanation', sa.Text(), nullable=True),
        sa.Column('until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('comments_changed', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['site_id'], ['sites.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_author_actions_site_id', 'author_actions', ['site_id'], unique=False)
    op.create_index('ix_author_actions_author', 'author_actions', ['site_id', 'author_id', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_author_actions_author', table_name='author_actions')
    op.drop_index('ix_author_actions_site_id', table_name='author_actions')
    op.drop_table('author_actions')
    op.drop_table('author_rules')
    op.drop_index('ix_repeat_keys_lookup', table_name='repeat_keys')
    op.drop_table('repeat_keys')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_repeat')
        batch_op.drop_column('repeat_group')
