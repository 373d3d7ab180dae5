"""The WSGI entry point for any server: ``gunicorn wsgi:app``.  ``moderation serve``
is the supported way (it puts the slow-client-proof front before the app)."""

from moderation.app import create_app
from moderation.config import refuse_public_secret

app = create_app()
refuse_public_secret(app.config["SECRET_KEY"])
