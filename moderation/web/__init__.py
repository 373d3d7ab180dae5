"""The site-facing HTTP API: per-app service state (``service``), the API blueprint (``api``),
request validation, problem+json answers, the OpenAPI document (``openapi`` and its body
``schemas``, built from the vocabulary), metrics and the gunicorn ``server``. May import
storage, the pipeline, ml and the top-level modules; never the moderator pages
(``moderation.pages``) nor the CLI."""
