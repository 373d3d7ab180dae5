"""What a command works on, built only as far as the command needs it.

- ``config()``: the settings (environment over the defaults); nothing is opened.
- ``database()``: the configured database alone: no models are read, no plugin is loaded.
  ``sites``, ``db``, ``moderators``, ``events``, ``worker``, ``purge``, ``demo``,
  ``feedback`` and ``audit-sample`` use it.
- ``models()``: the model store alone (``models list``, ``compare``, ``activate``, ``rollback``).
- ``app()``: the whole app with its plugins and models (``classify``, ``plugins``,
  ``queue rescore`` and the re-score after ``train --feedback`` promotes).

Everything opened is closed when the command ends. A command invoked with an explicit
app (``app.test_cli_runner().invoke(main, [...])``, which passes a Flask ``ScriptInfo``
as the context object) works on that app instead, which its owner closes.
"""

from contextlib import contextmanager
from pathlib import Path

import click


def _context():
    return click.get_current_context(silent=True)


def _explicit_app():
    context = _context()
    load = getattr(context.find_root().obj, "load_app", None) if context is not None else None
    return load() if load is not None else None


def _on_close(callback):
    context = _context()
    if context is not None:
        context.call_on_close(callback)


@contextmanager
def refused(*errors, quoted=True):
    """Turn the errors a command expects (a site that does not exist, a bad setting) into a
    one-line message and exit status 1. ``quoted=False`` drops the quotes ``KeyError`` adds."""
    try:
        yield
    except errors as exc:
        raise click.ClickException(str(exc) if quoted else str(exc).strip("'\"")) from None


def config() -> dict:
    explicit = _explicit_app()
    if explicit is not None:
        return explicit.config
    from moderation import config as configuration

    return configuration.from_environment(str(Path.cwd() / "instance"))


def database():
    """The database of the configured app, without its models or plugins."""
    explicit = _explicit_app()
    if explicit is not None:
        return explicit.extensions["moderation"].db
    from moderation.storage.database import Database

    settings = config()
    db = Database(settings["DATABASE_URL"], prepare_threshold=None if settings["PGBOUNCER"] else 5)
    _on_close(db.dispose)
    return db


def models():
    """The model store, read lazily: listing versions loads none of them."""
    explicit = _explicit_app()
    if explicit is not None:
        return explicit.extensions["moderation"].models
    from moderation.ml.model_store import ModelStore

    settings = config()
    return ModelStore(settings["MODELS_DIR"], reload_seconds=settings["MODEL_RELOAD_SECONDS"])


def app():
    """The whole app for one command; its database connections close when the command ends."""
    explicit = _explicit_app()
    if explicit is not None:
        return explicit
    from moderation.app import create_app

    flask_app = create_app()
    _on_close(flask_app.extensions["moderation"].close)
    return flask_app
