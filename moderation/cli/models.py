"""``moderation models list | activate | rollback``: model versions (no plugin is loaded)."""

import click

from moderation.cli import context
from moderation.vocabulary import INCIVILITY, TASKS


@click.group()
def models():
    """Model versions: list, activate, roll back."""


@models.command("list")
def models_list():
    store = context.models()
    for task in TASKS:
        for meta in store.versions(task):
            test = (meta.get("metrics") or {}).get("test") or {}
            headline = "F1 uncivil" if task == INCIVILITY else "macro-F1"
            score = test.get("f1_uncivil" if task == INCIVILITY else "macro_f1", "-")
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
        context.models().activate(task, version)
    except ModelError as exc:
        raise click.ClickException(f"not activated: {exc}") from None
    click.echo(f"{task}: {version} is active; running workers switch within seconds")


@models.command("rollback")
@click.argument("task", type=click.Choice(TASKS))
def models_rollback(task):
    """Go back to the version that was active before."""
    from moderation.ml.model_store import ModelError

    with context.refused(ModelError):
        version = context.models().rollback(task)
    click.echo(f"{task}: rolled back to {version}")


COMMANDS = (models,)
