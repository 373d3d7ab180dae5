"""``moderation train`` and ``moderation evaluate``: the data scientist's commands (no plugin pool is started)."""

import json

import click

from moderation import vocabulary as vocab
from moderation.cli import context
from moderation.vocabulary import TASKS

TASK = click.option("--task", type=click.Choice(TASKS), required=True)


def data_files(required: bool, help: str):
    return click.option(
        "--data", "data", multiple=True, required=required, type=click.Path(exists=True, dir_okay=False), help=help
    )


@click.command()
@TASK
@data_files(False, "training files (default: training_data/*.jsonl except the test split)")
@click.option("--test", "test_path", type=click.Path(dir_okay=False), help="the test split")
@click.option("--force", is_flag=True, help="promote even when worse than the current model")
@click.option(
    "--feedback",
    "with_feedback",
    is_flag=True,
    help="add the moderator-labelled examples (imports, corrections, confirmed labels) and promote only "
    "after a shadow evaluation on the newest of them",
)
@click.option("--site", "site_name", help="with --feedback: that site's examples, for a model served to it alone")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
def train(task, data, test_path, force, with_feedback, site_name, as_json):
    """Train a model, evaluate it and promote it if it is not worse."""
    from moderation.lab import training
    from moderation.ml.corpus import DataError
    from moderation.ml.datasets import default_test_split, default_training_files

    if site_name and not with_feedback:
        raise click.ClickException("--site trains a site model from its moderators' labels: add --feedback")
    settings = context.config()
    paths = list(data) or default_training_files()
    test_path = test_path or default_test_split()
    if with_feedback:
        from moderation.cli.feedback import train_with_feedback
        from moderation.lab.feedback_training import report
        from moderation.lab.rescore import rescore_after_promotion

        with context.refused(DataError):
            meta = train_with_feedback(task, paths, test_path, site_name)
        if meta is not None:
            result = report(meta)
            if meta["promoted"]:
                result["rescored"] = rescore_after_promotion(context.app().extensions["moderation"], site_name)
            click.echo(json.dumps(result, ensure_ascii=False) if as_json else training.summary(meta))
            return
        click.echo(f"{task}: no moderator-labelled examples yet; training on the corpus alone", err=True)
    with context.refused(DataError):
        meta = training.train(
            task,
            paths,
            test_path,
            settings["MODELS_DIR"],
            force=force,
            progress=lambda msg: click.echo(msg, err=True),
            encoder=settings["ENCODER"],
            cache_dir=settings["CACHE_DIR"],
        )
    if as_json:
        click.echo(json.dumps({**meta, "promoted": meta["promoted"]}, ensure_ascii=False))
        return
    click.echo(training.summary(meta))


@click.command()
@TASK
@data_files(
    True,
    "labelled comments (.jsonl/.csv), or a HateCheck CSV (functionality, test_case, label_gold), "
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
@click.option(
    "--site", "site_name", help="judge the automatic decisions under this site's policy (default: the default)"
)
def evaluate(task, data, as_json, report_dir, version, site_name):
    """Score the served output (incivility: model + lexicon) on labelled data: accuracy,
    macro-F1, per-class figures and the confusion matrix."""
    from pathlib import Path

    from moderation.lab import evaluation
    from moderation.lab import reports as eval_reports
    from moderation.ml.corpus import DataError
    from moderation.ml.encoder import open_encoder
    from moderation.ml.model_store import ModelError, load_verified

    store = context.models()
    with context.refused(ModelError):
        model = load_verified(store.root / task, version or store.pointer(task).get("version", ""))
    encoder = open_encoder(context.config()["ENCODER"])[0] if task == vocab.STANCE else None
    policy = None
    if site_name:
        from moderation.storage import sites

        with context.refused(LookupError):
            policy = sites.get(context.database(), site_name)
    hatecheck = [p for p in data if evaluation.is_hatecheck(p)]
    labelled = [p for p in data if p not in hatecheck]
    with context.refused(DataError):
        results = (
            [("-".join(Path(p).stem for p in labelled), evaluation.evaluate(model, labelled, encoder, policy))]
            if labelled
            else []
        )
        results += [(Path(p).stem, evaluation.hatecheck(model, p)) for p in hatecheck]
    for name, result in results:
        click.echo(json.dumps(result, ensure_ascii=False) if as_json else eval_reports.text(result))
        if report_dir:
            for path in eval_reports.write(result, report_dir, name):
                click.echo(f"wrote {path}", err=True)


COMMANDS = (train, evaluate)
