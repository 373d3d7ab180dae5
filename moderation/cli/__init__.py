"""The ``moderation`` command line: one module per command group. Commands build only what
they need. Nothing imports the CLI."""
