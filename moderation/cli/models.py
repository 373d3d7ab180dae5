"""``moderation models list | compare | activate | rollback``: model versions (no plugin is loaded)."""

import json

import click

from moderation.cli import context
from moderation.vocabulary import INCIVILITY, SCOPE_SHARED, TASKS


@click.group()
def models():
    """Model versions: list, compare, activate, roll back."""


def _headline(task: str) -> str:
    return "F1 uncivil" if task == INCIVILITY else "macro-F1"


@models.command("list")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
def models_list(as_json):
    """The versions (* = active for every site, s = active for some sites) and the activation
    history: when, by whom or which promotion rule, on which figures."""
    from moderation.ml import site_scope

    store = context.models()
    out = {}
    for task in TASKS:
        sites = {}
        for site, version in site_scope.site_versions(store.pointer(task)).items():
            sites.setdefault(version, []).append(site)
        versions = []
        for meta in store.versions(task):
            test = (meta.get("metrics") or {}).get("test") or {}
            versions.append(
                {
                    "version": meta["version"],
                    "active": meta["active"],
                    "sites": sorted(sites.get(meta["version"], [])),
                    "scope": meta.get("scope", SCOPE_SHARED),
                    "test_headline": test.get("f1_uncivil" if task == INCIVILITY else "macro_f1"),
                    "size_bytes": meta.get("size_bytes", 0),
                    "created_at": meta.get("created_at", ""),
                }
            )
        out[task] = {"versions": versions, "activations": site_scope.activations(store.root / task)}
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False))
        return
    for task, found in out.items():
        for v in found["versions"]:
            mark = "*" if v["active"] else ("s" if v["sites"] else " ")
            where = f"   sites: {', '.join(v['sites'])}" if v["sites"] else ""
            score = v["test_headline"] if v["test_headline"] is not None else "-"
            click.echo(
                f"{task:<11} {v['version']:<26} {mark} test {_headline(task)} {score}"
                f"   {v['size_bytes'] / 1e6:.1f} MB   {v['created_at'][:19]}{where}"
            )
        for a in found["activations"]:
            scope = a["scope"] if isinstance(a["scope"], str) else f"site {a['scope'].get('site')}"
            figures = json.dumps(a.get("figures"), ensure_ascii=False) if a.get("figures") else "-"
            click.echo(
                f"  {a['at'][:19]} {task} {a['version']} -> {scope} by {a['by']}: {a.get('rule') or '-'}; {figures}"
            )


def _find(store, version, task=None):
    from moderation.ml.model_store import ModelError, load_verified

    tasks = [task] if task else [t for t in TASKS if (store.root / t / f"{version}.json").exists()]
    if not tasks:
        raise click.ClickException(f"no model version {version} in {store.root}; see 'moderation models list'")
    with context.refused(ModelError):
        return load_verified(store.root / tasks[0], version)


@models.command("compare")
@click.argument("version_a")
@click.argument("version_b")
@click.option(
    "--data",
    "data",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="labelled comments (default: the test split)",
)
@click.option("--examples", default=10, show_default=True, help="flipped comments shown")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
def models_compare(version_a, version_b, data, examples, as_json):
    """Two versions of one task side by side on the same data: per class, the confusion
    difference (B minus A) and comments whose verdict flips."""
    from moderation.lab import compare
    from moderation.ml import corpus
    from moderation.ml.datasets import default_test_split

    store = context.models()
    a = _find(store, version_a)
    b = _find(store, version_b, a.task)
    paths = list(data) or [default_test_split()]
    rows = [r for p in paths for r in corpus.read_rows(p) if corpus.label_of(r, a.task) is not None and r.get("text")]
    if not rows:
        raise click.ClickException(f"no rows with a {a.task} label in {', '.join(map(str, paths))}")
    with context.refused(ValueError):
        result = compare.compare(a, b, rows, examples)
    click.echo(json.dumps(result, ensure_ascii=False) if as_json else compare.text_report(result))


@models.command("activate")
@click.argument("task", type=click.Choice(TASKS))
@click.argument("version")
@click.option("--site", "site_name", help="serve it to this site only (a site model)")
def models_activate(task, version, site_name):
    """Verify a version and make it the one every worker serves (or one site's workers)."""
    from moderation.ml.model_store import ModelError

    try:
        context.models().activate(task, version, site=site_name, by="moderation models activate")
    except ModelError as exc:
        raise click.ClickException(f"not activated: {exc}") from None
    where = f" for site {site_name}" if site_name else ""
    click.echo(f"{task}: {version} is active{where}; running workers switch within seconds")


@models.command("rollback")
@click.argument("task", type=click.Choice(TASKS))
def models_rollback(task):
    """Go back to the version that was active before."""
    from moderation.ml.model_store import ModelError

    with context.refused(ModelError):
        version = context.models().rollback(task)
    click.echo(f"{task}: rolled back to {version}")


COMMANDS = (models,)
