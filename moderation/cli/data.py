"""``moderation data check | stats``: labelled data."""

import json

import click


@click.group()
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


COMMANDS = (data,)
