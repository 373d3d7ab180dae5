"""Comment moderation for Dutch governance news sites."""

from moderation.hookspecs import hookimpl

__all__ = ["hookimpl", "create_app"]


def create_app(test_config=None):
    from moderation.app import create_app as factory

    return factory(test_config)
