"""The ``moderation`` command line: ``main`` is the group, and each command group has its own
module (``serve``, ``db``, ``sites``, ``classify``, ``lab``, ``data``, ``models``,
``delivery``, ``moderators``). ``context`` gives a command only what it needs: the
database alone for the site, moderator and webhook commands. May import anything; nothing
imports the CLI."""
