"""``moderation audit-sample report`` and ``moderation queue rescore``."""

import json

import click

from moderation.cli import context


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

    db = context.database()
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

    with context.refused(LookupError):
        result = rescore(context.app().extensions["moderation"], site_name, limit)
    click.echo(
        json.dumps(result) if as_json else f"{result['rescored']} of {result['pending']} pending comment(s) re-scored"
    )


COMMANDS = (audit_sample, queue)
