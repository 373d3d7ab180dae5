"""The browser fixtures for every page test module (see ``helpers.browser``)."""

from helpers.browser import chromium, page, server  # noqa: F401  (fixtures)
