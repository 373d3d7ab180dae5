"""The database: engine and sessions (``database``), table definitions (``tables``, with the
UTC datetime column type), Alembic ``migrations/``, and one module per aggregate: ``sites``,
``comments``, ``review_queue`` (with ``review_items`` and ``paging``), ``audit``,
``decision_feed``, ``erasure``, ``accounts`` (with ``account_admin``, ``account_links``,
``account_events``: what admins do to accounts, one-time links, their audit trail), ``outbox``
(the one place that builds a webhook payload) and ``explanations``; ``access`` is the rule for
which sites a moderator may see; ``backup`` copies and restores the whole database (SQLite's
backup API, pg_dump/pg_restore).
The DSA (``moderation.dsa``): its tables in ``dsa_tables``, and ``notices``, ``appeals``,
``statements``, ``dsa_hooks``, ``dsa_events``, ``dsa_report``, ``canned``.
Functions take a ``Database`` and return plain dicts. Imports SQLAlchemy (and werkzeug's password
hashing), the vocabulary and
the analysis types only: never Flask, the models (``moderation.ml``) nor the pipeline
(enforced by ``lint-imports``)."""
