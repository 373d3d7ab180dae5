"""Helpers shared by the tests: import them as ``from helpers.api import comment``."""
