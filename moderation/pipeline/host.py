"""Builds the plugin manager: built-ins from an explicit list, others by entry point."""

import importlib

import pluggy

from moderation import hookspecs

# Built-in plugins, in the order their results are merged.  Each is an ordinary
# module of hook implementations, so anyone can override or disable them.
DEFAULT_PLUGINS = (
    "plugins.stance",
    "plugins.incivility",
    "plugins.tags",
    "plugins.policy",
    "plugins.encoder",
)
ENTRY_POINT_GROUP = "moderation"


def is_builtin(plugin) -> bool:
    """A built-in plugin (trusted and fast: the pipeline runs it in-line)."""
    return getattr(plugin, "__name__", None) in DEFAULT_PLUGINS


def display_name(plugin, registered: str | None = None) -> str:
    """A name a person can read: the registered one, unless pluggy made it up (``id(plugin)``),
    else the plugin's module or class."""
    if registered and not registered.isdigit():
        return registered
    if isinstance(getattr(plugin, "__name__", None), str):
        return plugin.__name__
    return f"{type(plugin).__module__}.{type(plugin).__qualname__}"


def _unique(pm, name):
    candidate, n = name, 1
    while pm.get_plugin(candidate) is not None or pm.is_blocked(candidate):
        n += 1
        candidate = f"{name}#{n}"
    return candidate


def short_name(module_name: str) -> str:
    return module_name.rsplit(".", 1)[-1]


def build_manager(enabled=(), disabled=(), extra=()) -> pluggy.PluginManager:
    """A fresh manager.  ``enabled``: names to keep (empty: all); ``disabled``:
    names to block; ``extra``: plugin objects registered after the built-ins
    (for tests and embedding).  Names are the short module names (``stance``)
    or an entry point's name."""
    pm = pluggy.PluginManager("moderation")
    pm.add_hookspecs(hookspecs)
    keep = set(enabled)
    for name in disabled:
        pm.set_blocked(name)
    for module_name in DEFAULT_PLUGINS:
        name = short_name(module_name)
        if (keep and name not in keep) or pm.is_blocked(name):
            continue
        pm.register(importlib.import_module(module_name), name=name)
    if not keep:
        pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    else:
        _load_selected_entrypoints(pm, keep)
    for plugin in extra:
        pm.register(plugin, name=_unique(pm, display_name(plugin)))
    pm.check_pending()
    return pm


def _load_selected_entrypoints(pm, keep):
    from importlib.metadata import entry_points

    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in keep and not pm.is_blocked(ep.name) and pm.get_plugin(ep.name) is None:
            pm.register(ep.load(), name=ep.name)


def describe(pm: pluggy.PluginManager) -> list[dict]:
    """What is loaded: each plugin's name, where it comes from and its hooks."""
    rows = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:
            continue
        hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or [])
        source = getattr(plugin, "__name__", type(plugin).__name__)
        rows.append({"name": name, "module": source, "hooks": hooks})
    return rows


def available_names(enabled=(), disabled=()) -> list[str]:
    """The names ``build_manager(enabled, disabled)`` would register, found without importing a
    plugin (built-ins by name, installed ones from their entry points' metadata): for the site
    settings, which check plugin names but run none."""
    from importlib.metadata import entry_points

    keep, blocked = set(enabled), set(disabled)
    names = [short_name(m) for m in DEFAULT_PLUGINS]
    names += [ep.name for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name not in names]
    return [n for n in names if (not keep or n in keep) and n not in blocked]
