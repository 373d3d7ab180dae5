"""``moderation classify`` and ``moderation plugins``: the plugin pipeline from the command line."""

import json
import sys

import click

from moderation.cli import context


@click.command()
@click.option("--text", help="classify this text instead of reading JSON Lines from stdin")
@click.option("--batch-size", default=256, show_default=True)
def classify(text, batch_size):
    """Analyse comments: JSON Lines ({"text": ...}) on stdin, one analysis per line on stdout."""
    pipeline = context.app().extensions["moderation"].pipeline
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


@click.command()
def plugins():
    """The loaded plugins and the hooks each implements."""
    from moderation.pipeline.host import describe

    svc = context.app().extensions["moderation"]
    for row in describe(svc.pm):
        click.echo(f"{row['name']:<14} {row['module']:<28} {', '.join(row['hooks'])}")
    click.echo(f"sentence encoder (stance's second tier): {svc.models.encoder_status()}")


COMMANDS = (classify, plugins)
