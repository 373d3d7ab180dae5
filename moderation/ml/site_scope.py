"""Site-scoped models and the activation log, beside ``models/<task>/current.json``.

A site with enough moderator-labelled examples can be served its own model:
``current.json`` then carries ``"sites": {"<site name>": {"version": ...,
"history": [...]}}`` next to the shared ``version``; every other site keeps the
shared model.  Site versions live in the same ``models/<task>/`` folder and
pass the same checks (sha256, versions, labels, canaries) as shared ones.

Every activation (a promotion by a rule, ``models activate``, a rollback) is
appended to ``models/<task>/activations.jsonl``: when, which version, for which
scope, by whom or which rule, on which figures.
"""

import json
from datetime import UTC, datetime
from pathlib import Path

from moderation.vocabulary import SCOPE_SHARED

ACTIVATIONS = "activations.jsonl"


def site_versions(pointer: dict) -> dict:
    """``{site name: version}`` of the site-scoped models a pointer names."""
    return {
        site: entry["version"]
        for site, entry in (pointer.get("sites") or {}).items()
        if isinstance(entry, dict) and entry.get("version")
    }


def with_site_version(pointer: dict, site: str, version: str) -> dict:
    """A copy of ``pointer`` serving ``version`` to ``site``, the previous one kept in its history."""
    sites = dict(pointer.get("sites") or {})
    entry = dict(sites.get(site) or {})
    history = list(entry.get("history") or [])
    if entry.get("version") and entry["version"] != version:
        history.append(entry["version"])
    sites[site] = {"version": version, "history": history[-20:]}
    return {**pointer, "sites": sites}


def log_activation(task_dir: Path, version, site, by, rule, figures) -> None:
    entry = {
        "at": datetime.now(UTC).isoformat(),
        "version": version,
        "scope": {"site": site} if site else SCOPE_SHARED,
        "by": by,
        "rule": rule,
        "figures": figures,
    }
    with open(Path(task_dir) / ACTIVATIONS, "a", encoding="utf-8") as f:
        f.write(json.dumps(entry, ensure_ascii=False) + "\n")


def activations(task_dir: Path) -> list[dict]:
    """The activation log, oldest first (empty when nothing was activated since it was kept)."""
    path = Path(task_dir) / ACTIVATIONS
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out


def by_site(comments) -> dict:
    """``{site name or None: [indices]}``: a batch split by the site each comment came from,
    so each part is scored by that site's model."""
    groups = {}
    for i, comment in enumerate(comments):
        groups.setdefault(comment.get("site"), []).append(i)
    return groups


def lookup(models, task, site):
    """The model for ``task`` at ``site`` and its scope (``"site"`` or ``"shared"``); a store
    without site scope (an embedding's own, without ``scope``) serves its one model everywhere."""
    if not hasattr(models, "scope"):
        return models.get(task), SCOPE_SHARED
    return models.get(task, site=site), models.scope(task, site)
