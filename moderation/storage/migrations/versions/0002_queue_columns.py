"""queue columns: categories, tags and escalated_at on comments; indexes for articles and counts

The moderator queue filters on incivility categories and tags, and keeps
escalated comments apart; copying them out of the analysis (as stance and
scores already are) keeps those filters plain indexed-table SQL on both
databases.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 13:30:00
"""
import json

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def _pack(values):
    values = [str(v) for v in values or () if v]
    return "|" + "|".join(values) + "|" if values else ""


def upgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('categories', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('tags', sa.String(length=2000), nullable=True))
        batch_op.add_column(sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_comments_article', ['article_id'], unique=False)
        # the keyset's tie-breaker in the queue index, so PostgreSQL seeks to a cursor (SQLite has it as rowid)
        batch_op.drop_index('ix_comments_queue')
        batch_op.create_index('ix_comments_queue', ['status', 'urgent', 'incivility_score', 'hostility', 'id'],
                              unique=False)
        # covers the queue's counts (pending, not escalated, not erased, per site) without reading rows
        batch_op.create_index('ix_comments_waiting', ['status', 'escalated_at', 'erased_at', 'site_id'], unique=False)

    # existing comments: copy categories and tags out of their newest analysis
    conn = op.get_bind()
    comments = sa.table('comments', sa.column('id', sa.Integer), sa.column('categories', sa.String),
                        sa.column('tags', sa.String))
    rows = conn.execute(sa.text("SELECT comment_id, result FROM analyses ORDER BY id"))
    newest = {}
    for comment_id, result in rows:
        newest[comment_id] = json.loads(result) if isinstance(result, str) else result
    for comment_id, result in newest.items():
        result = result or {}
        incivility = result.get('incivility') or {}
        conn.execute(comments.update().where(comments.c.id == comment_id)
                     .values(categories=_pack(incivility.get('categories')), tags=_pack(result.get('tags'))))


def downgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_waiting')
        batch_op.drop_index('ix_comments_queue')
        batch_op.create_index('ix_comments_queue', ['status', 'urgent', 'incivility_score', 'hostility'], unique=False)
        batch_op.drop_index('ix_comments_article')
        batch_op.drop_column('escalated_at')
        batch_op.drop_column('tags')
        batch_op.drop_column('categories')
