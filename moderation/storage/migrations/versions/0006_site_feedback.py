"""site feedback: imported moderation histories, the audit sample, the queue's doubt order

``labelled_examples`` holds moderator-labelled comments imported from a site's
history (``moderation feedback import``), idempotent on a fingerprint.
``comments.audit_sample`` marks automatic decisions drawn for the
"steekproef" a moderator labels; ``comments.doubt`` orders the queue "least
certain first".

Revision ID: site_feedback
Revises: server_hardening
Create Date: 2026-12-04 16:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'site_feedback'
down_revision = 'server_hardening'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'labelled_examples',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=True),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('stance', sa.String(length=40), nullable=True),
        sa.Column('stance_alt', sa.String(length=40), nullable=True),
        sa.Column('uncivil', sa.Boolean(), nullable=True),
        sa.Column('categories', sa.JSON(), nullable=True),
        sa.Column('spans', sa.JSON(), nullable=True),
        sa.Column('tags', sa.JSON(), nullable=True),
        sa.Column('decision', sa.String(length=20), nullable=True),
        sa.Column('reason', sa.String(length=200), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('imported_from', sa.String(length=500), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['site_id'], ['sites.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('fingerprint'),
    )
    op.create_index('ix_labelled_examples_site', 'labelled_examples', ['site_id', 'decided_at'], unique=False)
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audit_sample', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('doubt', sa.Float(), server_default='0', nullable=False))
        batch_op.create_index('ix_comments_doubt', ['status', 'urgent', 'doubt', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_doubt')
        batch_op.drop_column('doubt')
        batch_op.drop_column('audit_sample')
    op.drop_index('ix_labelled_examples_site', table_name='labelled_examples')
    op.drop_table('labelled_examples')
