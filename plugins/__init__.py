"""The built-in plugins: ordinary modules of hook implementations (see moderation.hookspecs)."""
