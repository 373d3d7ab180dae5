"""webhook delivery: outbox leases, secret rotation, the decisions feed index

Workers claim outbox events with a lease (locked_by, locked_until), so a
crashed worker's events are picked up again and two workers never deliver one
event at the same time, on SQLite as on PostgreSQL (where the claim also uses
FOR UPDATE SKIP LOCKED).  A rotated webhook secret keeps signing beside the new
one for a grace period.  GET /api/v1/decisions pages a site's decisions by id.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 13:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locked_by', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('webhook_secret_previous', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('webhook_secret_previous_until', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index('ix_decisions_feed', ['site_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_decisions_feed')
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_column('webhook_secret_previous_until')
        batch_op.drop_column('webhook_secret_previous')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('locked_by')
