"""The site-facing HTTP API: per-app service state, the API blueprint, request validation,
problem+json answers, the OpenAPI document, metrics and the gunicorn server. May import
storage, pipeline, ml, delivery-free helpers and the top-level vocabulary; never the
moderator pages (moderation.pages) nor the CLI."""
