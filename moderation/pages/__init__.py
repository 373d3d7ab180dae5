"""The moderator and admin pages: sign-in and sessions, the review queue, the admin pages,
Dutch wording and highlighting, with their templates and static files. May import storage
and the per-app service state (moderation.web.service); never the site API
(moderation.web.api) nor the CLI."""
