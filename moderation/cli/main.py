"""The ``moderation`` command line: this group, and one module per command group beside it.

Each command builds only what it needs (``moderation.cli.context``): the site, database,
moderator and webhook commands open the database alone, so they neither read the models
nor load the plugins."""

import click

from moderation.cli import audit, classify, data, db, delivery, dsa, feedback, lab, models, moderators, serve, sites


@click.group()
def main():
    """Comment moderation for Dutch governance news sites."""


for _module in (serve, db, sites, classify, lab, data, models, delivery, moderators, feedback, audit, dsa):
    for _command in _module.COMMANDS:
        main.add_command(_command)
