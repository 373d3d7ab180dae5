"""The plugin host (pluggy manager, built-ins and entry points) and the runner that calls
every plugin within its budget and merges their findings into one analysis. May import the
plugin contract (moderation.hookspecs) and ml; never storage or Flask."""
