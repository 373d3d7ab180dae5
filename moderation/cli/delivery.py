"""``moderation worker``, ``moderation events ...`` and ``moderation purge``: getting decisions to sites."""

import json
import signal
import threading
from datetime import timedelta

import click

from moderation import vocabulary as vocab
from moderation.cli import context


def _site_id(db, name):
    if name is None:
        return None
    from moderation.storage import sites as site_settings

    with context.refused(LookupError):
        return site_settings.get(db, name)["id"]


@click.command()
@click.option("--once", is_flag=True, help="deliver what is due now, then exit")
def worker(once):
    """Deliver webhook events: sign, send, retry with backoff, park after the last attempt."""
    from moderation.delivery.worker import Worker

    w = Worker(context.database(), context.config())
    if once:
        stats = w.drain()
        click.echo(f"{stats['delivered']} delivered, {stats['failed']} to retry, {stats['parked']} parked")
        return
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    click.echo(f"worker {w.name} delivering webhooks; Ctrl-C stops it", err=True)
    w.run(
        stop,
        report=lambda s: click.echo(
            f"{s['delivered']} delivered, {s['failed']} to retry, {s['parked']} parked", err=True
        ),
    )


@click.group()
def events():
    """Webhook events: what was sent, what is parked, resend, test."""


@events.command("list")
@click.option("--parked", is_flag=True, help="only parked events (gave up after the last attempt)")
@click.option("--state", type=click.Choice(vocab.OUTBOX_STATES))
@click.option("--site", help="only this site's events")
@click.option("--limit", default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="one JSON object per line")
def events_list(parked, state, site, limit, as_json):
    """Events, newest first."""
    from moderation.storage import outbox

    db = context.database()
    rows = outbox.list_events(db, state=vocab.PARKED if parked else state, site_id=_site_id(db, site), limit=limit)
    for row in rows:
        if as_json:
            click.echo(json.dumps(row, default=str))
        else:
            click.echo(
                f"{row['id']:>6}  {row['site']:<16} {row['type']:<18} {row['state']:<9} "
                f"{row['attempts']:>2} attempts  {row['last_error'] or ''}"
            )
    if not rows and not as_json:
        click.echo("no events")


@events.command("show")
@click.argument("event_id", type=int)
def events_show(event_id):
    """One event: its payload and every delivery attempt."""
    from moderation.storage import outbox

    event = outbox.get_event(context.database(), event_id)
    if event is None:
        raise click.ClickException(f"no event with id {event_id}")
    click.echo(json.dumps(event, default=str, ensure_ascii=False, indent=2))


@events.command("test")
@click.argument("site")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
def events_test(site, as_json):
    """Send SITE a signed test event now and print the answer (exit 1 when not delivered)."""
    from moderation.delivery import probe

    with context.refused(LookupError, ValueError, quoted=False):
        result = probe.send_test_event(context.database(), context.config(), site)
    if as_json:
        click.echo(json.dumps(result))
    elif result["delivered"]:
        click.echo(
            f"test event {result['event_id']} delivered to {result['url']}: "
            f"HTTP {result['status_code']} in {result['duration_ms']:g} ms"
        )
    else:
        click.echo(
            f"test event {result['event_id']} not delivered to {result['url']}: {result['error']}; "
            f"parked (after a fix: 'moderation events resend {result['event_id']}')",
            err=True,
        )
    if not result["delivered"]:
        raise SystemExit(1)


@events.command("resend")
@click.argument("event_ids", type=int, nargs=-1)
@click.option("--all-parked", is_flag=True, help="every parked event (of --site, if given)")
@click.option("--site")
def events_resend(event_ids, all_parked, site):
    """Queue parked or delivered events again; the next worker run sends them (same event id)."""
    from moderation.storage import outbox

    if not event_ids and not all_parked:
        raise click.UsageError("give event ids or --all-parked")
    db = context.database()
    queued = outbox.resend(db, ids=event_ids, site_id=_site_id(db, site), all_parked=all_parked)
    missing = sorted(set(event_ids) - set(queued))
    click.echo(f"{len(queued)} event(s) queued again" + (f": {', '.join(map(str, queued))}" if queued else ""))
    if missing:
        raise click.ClickException(f"not queued (unknown, or still pending): {', '.join(map(str, missing))}")


@click.command()
@click.option("--older-than", "days", type=click.IntRange(min=1), required=True, help="days since the comment came in")
@click.option("--site", help="only this site's comments")
def purge(days, site):
    """Erase the text and personal data of comments older than DAYS; decisions stay, anonymous."""
    from moderation.storage import erasure
    from moderation.storage.tables import utcnow

    db = context.database()
    n = erasure.purge(db, utcnow() - timedelta(days=days), site_id=_site_id(db, site))
    click.echo(f"{n} comment(s) erased")


COMMANDS = (worker, events, purge)
