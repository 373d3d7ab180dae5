"""The Flask application factory: reads as a table of contents."""

from pathlib import Path

from flask import Flask

from moderation import config as configuration


def create_app(test_config=None, extra_plugins=(), models=None):
    """``extra_plugins``: plugin objects to register after the built-ins; ``models``:
    a ModelStore to share (tests load the models once), else one is built."""
    app = Flask(
        __name__,
        template_folder="pages/templates",
        static_folder="pages/static",
        instance_path=str(Path.cwd() / "instance"),
        instance_relative_config=True,
    )
    app.config.update(configuration.from_environment(app.instance_path))
    if test_config:
        app.config.update(test_config)
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    from moderation.pages import admin as admin_views
    from moderation.pages import (
        auth,
        dashboard,
        dsa_views,
        errors,
        moderators_admin,
        password_link,
        reasons,
        undo_views,
    )
    from moderation.pages import authors as author_views
    from moderation.pages import queue as queue_views
    from moderation.web import api, dsa_api, headers, metrics, problems, routing, service, site_api

    routing.init_app(app)
    svc = service.build(app.config, extra_plugins, models)
    app.extensions["moderation"] = svc
    problems.init_app(app, page_error=errors.page)
    headers.init_app(app)
    metrics.init_app(app, svc.metrics)
    app.register_blueprint(api.bp)
    app.register_blueprint(dsa_api.bp)
    app.register_blueprint(site_api.bp)
    auth.init_app(app)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(queue_views.bp)
    app.register_blueprint(admin_views.bp)
    app.register_blueprint(dsa_views.bp)
    app.register_blueprint(moderators_admin.bp)
    app.register_blueprint(password_link.bp)
    app.register_blueprint(reasons.bp)
    app.register_blueprint(author_views.bp)
    app.register_blueprint(undo_views.bp)
    return app
