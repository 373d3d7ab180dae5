"""The plugin host (``host``: the pluggy manager, built-ins and entry points) and the runner that
calls every plugin within its budget and merges their findings into one analysis
(``moderation.analysis.Analysis``). May import the plugin contract (``moderation.hookspecs``),
the vocabulary, the analysis types and ml; never storage or Flask."""
