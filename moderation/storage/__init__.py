"""The database: engine and sessions, table definitions, Alembic migrations and one module per
aggregate (sites, comments, review queue, audit, decision feed, erasure, accounts, outbox).
Imports SQLAlchemy and the top-level vocabulary only: never Flask, the models
(moderation.ml) nor the plugin pipeline."""
