"""rules: the dashboard's index on decisions by site and time, a site's own canned reasons

Tag rules, the weekly schedule and the dashboard's target live in ``sites.policy`` (JSON)
and need no column.  ``ix_decisions_site_time`` keeps the dashboard's figures (a day's or a
week's decisions of a site) to an index range however many decisions there are.
``canned_reasons.base``: a site's own reason stands for one of the standard reasons (its
DSA category and the decision's reason), with its own title and text.

Revision ID: rules
Revises: api
Create Date: 2026-12-04 19:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'rules'
down_revision = 'api'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_decisions_site_time', 'decisions', ['site_id', 'created_at'], unique=False)
    with op.batch_alter_table('canned_reasons', schema=None) as batch_op:
        batch_op.add_column(sa.Column('base', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('canned_reasons', schema=None) as batch_op:
        batch_op.drop_column('base')
    op.drop_index('ix_decisions_site_time', table_name='decisions')
