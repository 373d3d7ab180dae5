"""The ``moderation`` command line."""

import json
import sys

import click

from moderation.cli.context import app as _app
from moderation.ml.model_store import TASKS


def _service(app):
    return app.extensions["moderation"]


@click.group()
def main():
    """Comment moderation for Dutch governance news sites."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers", default=2, show_default=True, type=int, help="gunicorn worker processes (about one per core)"
)
@click.option("--threads", default=1, show_default=True, type=int, help="threads per worker")
def serve(host, port, workers, threads):
    """Serve the API and the moderator pages with gunicorn."""
    from moderation.web.server import run

    run(host, port, workers, threads)


@main.group()
def db():
    """The database schema."""


@db.command("upgrade")
def db_upgrade():
    """Create or migrate the database to the newest schema."""
    app = _app()
    _service(app).db.upgrade()
    click.echo(f"database at {_service(app).db.engine.url.render_as_string(hide_password=True)} is up to date")


@main.group()
def sites():
    """News sites that post comments."""


@sites.command("add")
@click.argument("name")
@click.option("--webhook-url", help="where decisions are posted")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
def sites_add(name, webhook_url, as_json):
    """Create a site and print its API key (shown only this once)."""
    from moderation.storage import comments as records

    try:
        site = records.create_site(_service(_app()).db, name, webhook_url)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(site))
        return
    click.echo(f"site {name!r} created (id {site['id']})")
    click.echo(f"API key (store it now, it is not shown again): {site['api_key']}")
    if webhook_url:
        click.echo(f"webhook secret: {site['webhook_secret']}")


@sites.command("rotate-key")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
def sites_rotate_key(name, as_json):
    """Give a site a new API key; the old key stops working at once."""
    from moderation.storage import comments as records

    try:
        site = records.rotate_key(_service(_app()).db, name)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(site) if as_json else f"new API key for {name!r}: {site['api_key']}")


@main.command()
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=8000, type=int)
def demo(host, port):
    """Make sure a 'demo' site exists, give it a fresh key and print a ready-to-paste curl.

    The demo site rejects nothing by itself: every uncivil comment waits in the
    queue, so a new user sees the whole loop (``sites set demo --reject-above 0.9``
    gives it the default policy)."""
    from moderation.storage import comments as records

    db = _service(_app()).db
    try:
        site = records.create_site(db, "demo", policy={"reject_above": 1.0})
    except ValueError:
        site = records.rotate_key(db, "demo")
    body = json.dumps(
        {
            "external_id": "demo-1",
            "article": {
                "id": "art-1",
                "title": "Ambtenaren zitten elkaar in de weg",
                "url": "https://example.org/artikel",
            },
            "author": {"id": "lezer-7", "name": "Kees"},
            "text": "Die ambtenaren zijn echt zakkenvullers, schrap die hele afdeling maar. @Joke lees dit eens",
            "created_at": "2026-11-22T10:00:00Z",
        },
        ensure_ascii=False,
    )
    click.echo(f"\nDemo site API key (new on every run): {site['api_key']}")
    click.echo("The demo site rejects nothing by itself: uncivil comments wait in the queue at /queue.\n")
    click.echo("Try it:\n")
    click.echo(
        f"curl -s http://{host}:{port}/api/v1/comments \\\n"
        f"  -H 'Authorization: Bearer {site['api_key']}' \\\n"
        f"  -H 'Content-Type: application/json' \\\n"
        f"  -d '{body}'\n"
    )


@sites.command("list")
def sites_list():
    """The sites, without their keys."""
    from moderation.storage import comments as records

    for site in records.list_sites(_service(_app()).db):
        click.echo(f"{site['id']}\t{site['name']}\t{site['webhook_url'] or '-'}")


@main.command()
@click.option("--text", help="classify this text instead of reading JSON Lines from stdin")
@click.option("--batch-size", default=256, show_default=True)
def classify(text, batch_size):
    """Analyse comments: JSON Lines ({"text": ...}) on stdin, one analysis per line on stdout."""
    pipeline = _service(_app()).pipeline
    if text is not None:
        click.echo(json.dumps(pipeline.analyze([{"text": text}])[0], ensure_ascii=False))
        return
    batch = []
    for n, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not item["text"].strip():
                raise ValueError("expected an object with a non-empty string 'text'")
        except ValueError as exc:
            raise click.ClickException(f"stdin line {n}: {exc}") from None
        batch.append(item)
        if len(batch) >= batch_size:
            _emit(pipeline, batch)
            batch = []
    if batch:
        _emit(pipeline, batch)


def _emit(pipeline, batch):
    for analysis in pipeline.analyze(batch):
        click.echo(json.dumps(analysis, ensure_ascii=False))


@main.command()
def plugins():
    """The loaded plugins and the hooks each implements."""
    from moderation.pipeline.host import describe

    for row in describe(_service(_app()).pm):
        click.echo(f"{row['name']:<14} {row['module']:<28} {', '.join(row['hooks'])}")


@main.command()
@click.option("--task", type=click.Choice(TASKS), required=True)
@click.option(
    "--data",
    "data",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="training files (default: training_data/*.jsonl except the test split)",
)
@click.option("--test", "test_path", type=click.Path(dir_okay=False), help="the test split")
@click.option("--force", is_flag=True, help="promote even when worse than the current model")
def train(task, data, test_path, force):
    """Train a model, evaluate it and promote it if it is not worse."""
    from moderation.lab import training
    from moderation.ml.corpus import DataError
    from moderation.ml.datasets import default_test_split, default_training_files

    app = _app()
    paths = list(data) or default_training_files()
    test_path = test_path or default_test_split()
    try:
        meta = training.train(
            task,
            paths,
            test_path,
            app.config["MODELS_DIR"],
            force=force,
            progress=lambda msg: click.echo(msg, err=True),
        )
    except DataError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(training.summary(meta))


@main.command()
@click.option("--task", type=click.Choice(TASKS), required=True)
@click.option(
    "--data",
    "data",
    multiple=True,
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="labelled comments (.jsonl/.csv), or a HateCheck CSV (functionality, test_case, label_gold), "
    "which is reported per functionality",
)
@click.option("--json", "as_json", is_flag=True, help="print one JSON object per result")
@click.option(
    "--report",
    "report_dir",
    type=click.Path(file_okay=False),
    help="also write the result, a per-class table and a confusion-matrix SVG to this directory",
)
@click.option("--version", help="a model version (default: the active one)")
def evaluate(task, data, as_json, report_dir, version):
    """Score the served output (incivility: model + lexicon) on labelled data: accuracy,
    macro-F1, per-class figures and the confusion matrix."""
    from pathlib import Path

    from moderation.lab import evaluation
    from moderation.lab import reports as eval_reports
    from moderation.ml.corpus import DataError
    from moderation.ml.model_store import ModelError, load_verified

    app = _app()
    store = _service(app).models
    try:
        model = load_verified(Path(app.config["MODELS_DIR"]) / task, version or store.pointer(task).get("version", ""))
    except ModelError as exc:
        raise click.ClickException(str(exc)) from None
    hatecheck = [p for p in data if evaluation.is_hatecheck(p)]
    labelled = [p for p in data if p not in hatecheck]
    try:
        results = [("-".join(Path(p).stem for p in labelled), evaluation.evaluate(model, labelled))] if labelled else []
        results += [(Path(p).stem, evaluation.hatecheck(model, p)) for p in hatecheck]
    except DataError as exc:
        raise click.ClickException(str(exc)) from None
    for name, result in results:
        click.echo(json.dumps(result, ensure_ascii=False) if as_json else eval_reports.text(result))
        if report_dir:
            for path in eval_reports.write(result, report_dir, name):
                click.echo(f"wrote {path}", err=True)


@main.group()
def data():
    """Labelled data: check it, count it."""


@data.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
def data_check(paths):
    """Validate labelled files (format, labels, spans, duplicates, leakage, shortcuts)."""
    from moderation.ml.datacheck import check

    problems = check(paths)
    for problem in problems:
        click.echo(problem)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) found")
    click.echo("ok: no problems found")


@data.command("stats")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--markdown", "as_markdown", is_flag=True, help="the datasheet's tables")
def data_stats(paths, as_markdown):
    """Counts per file, label, category, tag and length band."""
    from moderation.ml.datacheck import markdown, stats

    result = stats(paths)
    click.echo(markdown(result) if as_markdown else json.dumps(result, ensure_ascii=False, indent=2))


@main.group()
def models():
    """Model versions: list, activate, roll back."""


@models.command("list")
def models_list():
    store = _service(_app()).models
    for task in TASKS:
        for meta in store.versions(task):
            test = (meta.get("metrics") or {}).get("test") or {}
            headline = "F1 uncivil" if task == "incivility" else "macro-F1"
            score = test.get("f1_uncivil" if task == "incivility" else "macro_f1", "-")
            click.echo(
                f"{task:<11} {meta['version']:<26} {'*' if meta['active'] else ' '} "
                f"test {headline} {score}   {meta.get('size_bytes', 0) / 1e6:.1f} MB   {meta.get('created_at', '')[:19]}"
            )


@models.command("activate")
@click.argument("task", type=click.Choice(TASKS))
@click.argument("version")
def models_activate(task, version):
    """Verify a version and make it the one every worker serves."""
    from moderation.ml.model_store import ModelError

    try:
        _service(_app()).models.activate(task, version)
    except ModelError as exc:
        raise click.ClickException(f"not activated: {exc}") from None
    click.echo(f"{task}: {version} is active; running workers switch within seconds")


@models.command("rollback")
@click.argument("task", type=click.Choice(TASKS))
def models_rollback(task):
    """Go back to the version that was active before."""
    from moderation.ml.model_store import ModelError

    try:
        version = _service(_app()).models.rollback(task)
    except ModelError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{task}: rolled back to {version}")


def _register():
    """Commands that live in their own modules."""
    from moderation.cli import delivery as cli_delivery
    from moderation.cli import dsa as cli_dsa
    from moderation.cli import sites as cli_sites

    for command in cli_sites.COMMANDS:
        sites.add_command(command)
    for command in cli_delivery.COMMANDS + cli_dsa.COMMANDS:
        main.add_command(command)


_register()


def _register_moderator_commands():
    """``moderation moderators ...`` and ``moderation feedback export`` (moderation/cli_moderators.py)."""
    from moderation.cli import moderators as cli_moderators

    for command in cli_moderators.COMMANDS:
        main.add_command(command)


_register_moderator_commands()
