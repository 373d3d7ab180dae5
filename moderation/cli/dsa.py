"""``moderation dsa statements | submit | report``: the Digital Services Act from the command line.

Every command here opens the database alone (``context.database()``): no model is read and no
plugin is loaded."""

import json
from datetime import date

import click

from moderation.cli import context


@click.group("dsa")
def dsa():
    """Statements of reasons, their submission, the transparency report."""


def _site_id(db, name):
    from moderation.storage import sites as site_settings

    with context.refused(LookupError, quoted=False):
        return site_settings.get(db, name)["id"]


@dsa.command("statements")
@click.option("--site", "site_name", required=True, help="the site's name")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="only decisions from this date (YYYY-MM-DD)")
@click.option("--batch-size", default=100, show_default=True, type=click.IntRange(1, 100))
def statements_command(site_name, since, batch_size):
    """Print the site's statements of reasons as ready-to-send batches, one
    {"statements": [...]} (at most 100) per line."""
    from moderation.storage import statements

    db = context.database()
    bodies = statements.ready(db, _site_id(db, site_name), since.date() if since else None)
    for start in range(0, len(bodies), batch_size):
        click.echo(json.dumps({"statements": bodies[start : start + batch_size]}, ensure_ascii=False))


@dsa.command("submit")
@click.option("--site", "site_names", multiple=True, help="only these sites (default: every site whose role asks)")
@click.option("--url", help="the Transparency Database's base URL (default: MODERATION_TDB_URL)")
@click.option("--token", help="the API token (default: MODERATION_TDB_TOKEN)")
@click.option("--tries", default=3, show_default=True, type=click.IntRange(1, 10), help="tries per request now")
@click.option("--pause", default=1.0, show_default=True, type=float, help="seconds before the first retry (doubling)")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
def submit_command(site_names, url, token, tries, pause, as_json):
    """Send unsent statements of reasons to the Transparency Database (Art. 24(5) DSA),
    only for sites whose DSA role asks for it: idempotent by puid, in batches of 100."""
    from moderation.delivery import statements as delivery
    from moderation.dsa.client import Client, Refused

    settings = context.config()
    url, token = url or settings["TDB_URL"], token or settings["TDB_TOKEN"]
    if not url or not token:
        raise click.ClickException("set MODERATION_TDB_URL and MODERATION_TDB_TOKEN (or pass --url and --token)")
    db = context.database()
    sites = delivery.submitting_sites(db, set(site_names) or None)
    unknown = set(site_names) - {s["name"] for s in sites}
    if unknown:
        raise click.ClickException(
            f"not submitting for {', '.join(sorted(unknown))}: unknown, or its DSA role does not ask for submission"
        )
    try:
        result = delivery.submit(db, Client(url, token), [s["id"] for s in sites], tries=tries, pause=pause)
    except Refused as exc:
        raise click.ClickException(f"{exc}; nothing was marked, run again when it is fixed") from None
    if as_json:
        click.echo(json.dumps(result))
    else:
        click.echo(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in result.items()))
    if result["rejected"]:
        click.echo("some statements were refused; 'moderation dsa statements' and the admin page show them", err=True)


@dsa.command("report")
@click.option("--site", "site_name", required=True)
@click.option(
    "--year", type=click.IntRange(2020, 2100), default=lambda: date.today().year - 1, show_default="last year"
)
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
def report_command(site_name, year, fmt):
    """The yearly transparency report's figures (Art. 15 DSA), from the audit trail."""
    from moderation.dsa import report
    from moderation.storage import dsa_report

    with context.refused(LookupError, quoted=False):
        figures = report.compute(dsa_report.rows(context.database(), site_name, year))
    click.echo(
        report.to_csv(figures) if fmt == "csv" else json.dumps(figures, ensure_ascii=False, indent=2), nl=fmt == "json"
    )


COMMANDS = (dsa,)
