"""The app a command works on: built once per command, closed when the command ends."""

import click


def app():
    """The app for one command; its database connections close when the command ends."""
    from moderation.app import create_app

    flask_app = create_app()
    context = click.get_current_context(silent=True)
    if context is not None:
        context.call_on_close(flask_app.extensions["moderation"].close)
    return flask_app
