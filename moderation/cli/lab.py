"""``moderation models list | compare``, ``moderation audit-sample report`` and ``moderation queue rescore``."""

import json
from pathlib import Path

import click

from moderation.cli.context import app as _app
from moderation.ml.model_store import TASKS


def _service(app):
    return app.extensions["moderation"]


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
def models_list(as_json):
    """The versions (* = active for every site, s = active for some sites) and the activation
    history: when, by whom or which promotion rule, on which figures."""
    from moderation.ml import site_scope

    app = _app()
    store = _service(app).models
    out = {}
    for task in TASKS:
        pointer = store.pointer(task)
        sites = {}
        for site, version in site_scope.site_versions(pointer).items():
            sites.setdefault(version, []).append(site)
        versions = []
        for meta in store.versions(task):
            test = (meta.get("metrics") or {}).get("test") or {}
            versions.append(
                {
                    "version": meta["version"],
                    "active": meta["active"],
                    "sites": sorted(sites.get(meta["version"], [])),
                    "scope": meta.get("scope", "shared"),
                    "test_headline": test.get("f1_uncivil" if task == "incivility" else "macro_f1"),
                    "size_bytes": meta.get("size_bytes", 0),
                    "created_at": meta.get("created_at", ""),
                }
            )
        out[task] = {
            "versions": versions,
            "activations": site_scope.activations(Path(app.config["MODELS_DIR"]) / task),
        }
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False))
        return
    for task, found in out.items():
        headline = "F1 uncivil" if task == "incivility" else "macro-F1"
        for v in found["versions"]:
            mark = "*" if v["active"] else ("s" if v["sites"] else " ")
            where = f"   sites: {', '.join(v['sites'])}" if v["sites"] else ""
            click.echo(
                f"{task:<11} {v['version']:<26} {mark} test {headline} {v['test_headline'] if v['test_headline'] is not None else '-'}"
                f"   {v['size_bytes'] / 1e6:.1f} MB   {v['created_at'][:19]}{where}"
            )
        for a in found["activations"]:
            scope = a["scope"] if isinstance(a["scope"], str) else f"site {a['scope'].get('site')}"
            figures = json.dumps(a.get("figures"), ensure_ascii=False) if a.get("figures") else "-"
            click.echo(
                f"  {a['at'][:19]} {task} {a['version']} -> {scope} by {a['by']}: {a.get('rule') or '-'}; {figures}"
            )


def _find(models_dir, version, task=None):
    from moderation.ml.model_store import ModelError, load_verified

    tasks = [task] if task else [t for t in TASKS if (Path(models_dir) / t / f"{version}.json").exists()]
    if not tasks:
        raise click.ClickException(f"no model version {version} in {models_dir}; see 'moderation models list'")
    try:
        return load_verified(Path(models_dir) / tasks[0], version)
    except ModelError as exc:
        raise click.ClickException(str(exc)) from None


@click.command("compare")
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

    app = _app()
    a = _find(app.config["MODELS_DIR"], version_a)
    b = _find(app.config["MODELS_DIR"], version_b, a.task)
    paths = list(data) or [default_test_split()]
    rows = [r for p in paths for r in corpus.read_rows(p) if corpus.label_of(r, a.task) is not None and r.get("text")]
    if not rows:
        raise click.ClickException(f"no rows with a {a.task} label in {', '.join(map(str, paths))}")
    try:
        result = compare.compare(a, b, rows, examples)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(result, ensure_ascii=False) if as_json else compare.text_report(result))


@click.group("audit-sample")
def audit_sample():
    """The random sample of automatic decisions that moderators label ("steekproef")."""


@audit_sample.command("report")
@click.option("--site", "site_name", help="only this site")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
def audit_sample_report(site_name, as_json):
    """Error rate of the automatic decisions per site and month, from the labelled sample."""
    from moderation.cli.feedback import site_id
    from moderation.storage import audit_sample as sample

    db = _service(_app()).db
    sid = site_id(db, site_name)
    rows = sample.report(db, None if sid is None else [sid])
    if as_json:
        click.echo(json.dumps({"rows": rows}, ensure_ascii=False))
        return
    if not rows:
        click.echo("no automatic decisions have been sampled yet")
        return
    click.echo(
        f"{'site':<20} {'month':<8} {'sampled':>8} {'labelled':>9} {'wrong appr.':>12} {'wrong rej.':>11} {'error':>7}"
    )
    for r in rows:
        rate = "-" if r["error_rate"] is None else f"{r['error_rate']:.1%}"
        click.echo(
            f"{r['site'][:20]:<20} {r['month']:<8} {r['sampled']:>8} {r['labelled']:>9} "
            f"{r['wrong_approvals']:>12} {r['wrong_rejections']:>11} {rate:>7}"
        )


@click.group("queue")
def queue():
    """The moderators' queue."""


@queue.command("rescore")
@click.option("--site", "site_name", help="only this site's pending comments")
@click.option("--limit", type=int, help="at most this many (default: MODERATION_RESCORE_LIMIT, 5000)")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
def queue_rescore(site_name, limit, as_json):
    """Re-score the pending comments with the models served now (after an activation)."""
    from moderation.lab.rescore import rescore

    try:
        result = rescore(_service(_app()), site_name, limit)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        json.dumps(result) if as_json else f"{result['rescored']} of {result['pending']} pending comment(s) re-scored"
    )


MODELS_COMMANDS = (models_list, models_compare)
COMMANDS = (audit_sample, queue)
