"""``moderation feedback export | import | review`` and the training step of
``moderation train --feedback`` (the database alone: no plugin is loaded)."""

import json

import click

from moderation.cli import context
from moderation.vocabulary import TASKS


def site_id(db, name) -> int | None:
    from moderation.storage import sites

    if name is None:
        return None
    try:
        return sites.get(db, name)["id"]
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None


@click.group()
def feedback():
    """Moderators' decisions and corrections as training data."""


@feedback.command("export")
@click.option(
    "--out",
    "out_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="a .jsonl (or .csv) file in the labelled data format, for 'moderation train --data'",
)
def feedback_export(out_path):
    """Write every moderator decision and correction as labelled examples."""
    from moderation.lab import feedback_export as exporter

    counts = exporter.export(context.database(), out_path)
    click.echo(
        f"{counts['examples']} labelled examples written to {out_path} "
        f"({counts['incivility']} with an incivility label, {counts['stance']} with a stance label; "
        f"{counts['unlabelled']} reviewed comments carried no label)"
    )


@feedback.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--site", "site_name", help="the site whose history this is (default: for every site)")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object with the counts")
def feedback_import(path, site_name, as_json):
    """Import a moderation history (JSON Lines or CSV in the labelled-data format, plus
    optional decision, reason and decided_at) as moderator-labelled examples.

    The whole file is checked first: one bad row and nothing is stored.  Importing
    the same file again adds nothing."""
    from moderation.lab import feedback_import as importer

    db = context.database()
    sid = site_id(db, site_name)
    try:
        counts = importer.run(db, path, sid)
    except importer.FeedbackFileError as exc:
        if as_json:
            click.echo(json.dumps({"imported": False, "errors": [{"line": n, "message": m} for n, m in exc.errors]}))
        else:
            for line, message in exc.errors:
                click.echo(f"{path}:{line}: {message}", err=True)
        raise click.ClickException(str(exc)) from None
    counts = {"site": site_name, **counts}
    if as_json:
        click.echo(json.dumps(counts, ensure_ascii=False))
        return
    click.echo(
        f"{counts['added']} example(s) added, {counts['duplicates']} already there "
        f"({counts['stance']} with a stance label, {counts['incivility']} with an incivility label, "
        f"{counts['decisions_only']} with a decision only, which is never trained on)"
    )


@feedback.command("review")
@click.option("--site", "site_name", help="only this site's examples")
@click.option("--task", type=click.Choice(TASKS), help="only this task")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
@click.option("--limit", default=20, show_default=True, help="conflicts shown per task")
def feedback_review(site_name, task, as_json, limit):
    """What would enter training: labelled examples per task, source and label, and the
    texts (the same or nearly the same) that moderators labelled differently."""
    from moderation.storage import labelled_examples

    db = context.database()
    rows = labelled_examples.examples(db, site_id(db, site_name))
    out = {"site": site_name, "examples": len(rows), "tasks": {}}
    for t in [task] if task else TASKS:
        labelled = [r for r in rows if labelled_examples.label_of(r, t) is not None]
        counts = {}
        for r in labelled:
            key = f"{r['source']}:{labelled_examples.label_of(r, t)}"
            counts[key] = counts.get(key, 0) + 1
        conflicts = labelled_examples.conflicts(rows, t)
        out["tasks"][t] = {
            "examples": len(labelled),
            "by_source_and_label": dict(sorted(counts.items())),
            "conflicts": len(conflicts),
            "conflict_examples": conflicts[:limit],
        }
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False, default=str))
        return
    click.echo(f"{out['examples']} moderator-labelled example(s){' of site ' + site_name if site_name else ''}")
    for t, found in out["tasks"].items():
        click.echo(f"\n{t}: {found['examples']} would enter training")
        for key, n in found["by_source_and_label"].items():
            click.echo(f"  {key:<32} {n}")
        click.echo(f"  conflicts (same or near-same text, different labels): {found['conflicts']}")
        for c in found["conflict_examples"]:
            who = "; ".join(f"{x['label']} ({x['source']}, {x['actor'] or '-'})" for x in c["labels"])
            click.echo(f"    {c['text'][:70]!r}: {who}")


def train_with_feedback(task, paths, test_path, site_name, params=None):
    """The candidate's metadata, or None when there is no moderator-labelled example for ``task``."""
    from moderation.lab import feedback_training
    from moderation.storage import labelled_examples

    settings = context.config()
    db = context.database()
    examples = labelled_examples.examples(db, site_id(db, site_name))
    return feedback_training.train(
        task,
        paths,
        test_path,
        settings["MODELS_DIR"],
        examples,
        site=site_name,
        weight=settings["FEEDBACK_WEIGHT"],
        min_examples=settings["SITE_MODEL_MIN_EXAMPLES"],
        progress=lambda msg: click.echo(msg, err=True),
        params=params,
    )


COMMANDS = (feedback,)
