"""search: PostgreSQL full-text search (dutch) and trigram indexes for the moderator search

On PostgreSQL the moderator search matches whole words through a GIN index on
``to_tsvector('dutch', text)`` (so "ambtenaren" finds "ambtenaar"), and parts of
words through GIN trigram indexes on the text and the author's name when the
``pg_trgm`` extension exists or can be created. Without pg_trgm the search is
full-text only (whole words and their stems); ``storage.search`` says which.
SQLite keeps its substring scan. Nothing changes in the tables themselves.

Revision ID: search
Revises: 0003
Create Date: 2026-12-04 16:00:00
"""

from alembic import op

revision = "search"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute("CREATE INDEX IF NOT EXISTS ix_comments_fts ON comments USING gin (to_tsvector('dutch', text))")
    op.execute("SAVEPOINT trgm")
    try:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:  # no right to create it: full-text search only
        op.execute("ROLLBACK TO SAVEPOINT trgm")
        return
    schema = bind.exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
    ).scalar()
    ops = f'"{schema}".gin_trgm_ops'
    op.execute(f"CREATE INDEX IF NOT EXISTS ix_comments_text_trgm ON comments USING gin (text {ops})")
    op.execute(f"CREATE INDEX IF NOT EXISTS ix_comments_author_trgm ON comments USING gin (author_name {ops})")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in ("ix_comments_author_trgm", "ix_comments_text_trgm", "ix_comments_fts"):
        op.execute(f"DROP INDEX IF EXISTS {name}")
