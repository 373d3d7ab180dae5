"""The WSGI entry point for any server: ``gunicorn wsgi:app`` (``moderation serve`` does the same)."""

from moderation.app import create_app

app = create_app()
