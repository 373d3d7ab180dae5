"""api: the old API key keeps working during a rotation's grace period

``moderation sites rotate-key NAME --grace-hours N`` keeps the previous key's
hash (sha256, like the current key's) and until when it is accepted.

Revision ID: api
Revises: accounts
Create Date: 2026-12-04 19:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'api'
down_revision = 'accounts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('api_key_hash_previous', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('api_key_previous_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_sites_api_key_hash_previous', ['api_key_hash_previous'], unique=True)


def downgrade():
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_index('ix_sites_api_key_hash_previous')
        batch_op.drop_column('api_key_previous_until')
        batch_op.drop_column('api_key_hash_previous')
