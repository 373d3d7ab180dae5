"""dsa: notices, appeals, statements of reasons, canned reasons, the per-site DSA settings

The EU Digital Services Act: readers' notices (Art. 16) with their Gemeld
queue, internal complaints (Art. 20) with the Bezwaren queue, a statement of
reasons in the Transparency Database's schema for every restriction (Art. 17),
which doubles as the submission outbox (Art. 24(5)), and the reasons a site
keeps ready for its moderators.

Revision ID: dsa
Revises: site_feedback
Create Date: 2026-12-04 16:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'dsa'
down_revision = 'site_feedback'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dsa', sa.JSON(), nullable=True))
    op.create_table(
        'notices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('comment_id', sa.Integer(), nullable=False),
        sa.Column('ground', sa.String(length=20), nullable=False),
        sa.Column('legal_ground', sa.String(length=500), nullable=True),
        sa.Column('terms_ground', sa.String(length=500), nullable=True),
        sa.Column('category', sa.String(length=100), nullable=False),
        sa.Column('explanation', sa.Text(), nullable=True),
        sa.Column('notifier_name', sa.String(length=500), nullable=True),
        sa.Column('notifier_email', sa.String(length=320), nullable=True),
        sa.Column('notifier_key', sa.String(length=64), nullable=True),
        sa.Column('bona_fide', sa.Boolean(), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decided_by', sa.String(length=320), nullable=True),
        sa.Column('automated', sa.Boolean(), nullable=False),
        sa.Column('decision_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['comment_id'], ['comments.id']),
        sa.ForeignKeyConstraint(['decision_id'], ['decisions.id']),
        sa.ForeignKeyConstraint(['site_id'], ['sites.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_notices_site_id', 'notices', ['site_id'])
    op.create_index('ix_notices_comment_id', 'notices', ['comment_id'])
    op.create_index('ix_notices_notifier_key', 'notices', ['notifier_key'])
    op.create_index('ix_notices_open', 'notices', ['state', 'site_id', 'comment_id'])
    op.create_table(
        'appeals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('comment_id', sa.Integer(), nullable=False),
        sa.Column('appellant', sa.String(length=20), nullable=False),
        sa.Column('notice_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.Text(), nullable=True),
        sa.Column('decision_id', sa.Integer(), nullable=False),
        sa.Column('original_actor', sa.String(length=320), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decided_by', sa.String(length=320), nullable=True),
        sa.Column('reply', sa.Text(), nullable=True),
        sa.Column('new_decision_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['comment_id'], ['comments.id']),
        sa.ForeignKeyConstraint(['decision_id'], ['decisions.id']),
        sa.ForeignKeyConstraint(['new_decision_id'], ['decisions.id']),
        sa.ForeignKeyConstraint(['notice_id'], ['notices.id']),
        sa.ForeignKeyConstraint(['site_id'], ['sites.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_appeals_site_id', 'appeals', ['site_id'])
    op.create_index('ix_appeals_comment_id', 'appeals', ['comment_id'])
    op.create_index('ix_appeals_open', 'appeals', ['state', 'site_id'])
    op.create_table(
        'statements',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('comment_id', sa.Integer(), nullable=False),
        sa.Column('decision_id', sa.Integer(), nullable=False),
        sa.Column('puid', sa.String(length=500), nullable=False),
        sa.Column('body', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('submit_state', sa.String(length=20), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['comment_id'], ['comments.id']),
        sa.ForeignKeyConstraint(['decision_id'], ['decisions.id']),
        sa.ForeignKeyConstraint(['site_id'], ['sites.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('decision_id'),
        sa.UniqueConstraint('site_id', 'puid'),
    )
    op.create_index('ix_statements_site_id', 'statements', ['site_id'])
    op.create_index('ix_statements_comment_id', 'statements', ['comment_id'])
    op.create_index('ix_statements_due', 'statements', ['submit_state', 'next_attempt_at'])
    op.create_table(
        'canned_reasons',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['site_id'], ['sites.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('site_id', 'code'),
    )
    op.create_index('ix_canned_reasons_site_id', 'canned_reasons', ['site_id'])


def downgrade():
    op.drop_table('canned_reasons')
    op.drop_table('statements')
    op.drop_table('appeals')
    op.drop_table('notices')
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_column('dsa')
