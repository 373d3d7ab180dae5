"""The moderator and admin pages: sign-in and sessions (``auth``), the review queue, the admin
pages, Dutch wording, highlighting and the article chart, with their templates and static
files. Every query goes through the moderator's visible sites (``auth.visible_site_ids`` and
``storage.access``). May import storage and the per-app service state
(``moderation.web.service``); never the site API (``moderation.web.api``) nor the CLI."""
