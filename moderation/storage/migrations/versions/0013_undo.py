"""undo: a moderator may undo their own last decision for a short while

``decisions.was_urgent`` keeps the comment's urgent flag from before a decision (an
undone escalation puts it back); ``decisions.undoes_id`` points an undo at the
decision it undid.

Revision ID: undo
Revises: authors
Create Date: 2026-12-04 19:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'undo'
down_revision = 'authors'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('was_urgent', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('undoes_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_decisions_undoes_id', 'decisions', ['undoes_id'], ['id'])


def downgrade():
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_constraint('fk_decisions_undoes_id', type_='foreignkey')
        batch_op.drop_column('undoes_id')
        batch_op.drop_column('was_urgent')
