"""``moderation serve`` and ``moderation demo``: run the service, and the demo site that ``make run`` prints."""

import json

import click

from moderation.cli import context


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers", default=2, show_default=True, type=int, help="gunicorn worker processes (about one per core)"
)
@click.option(
    "--threads",
    default=1,
    show_default=True,
    type=int,
    help="threads per worker for complete requests (slow clients take none)",
)
def serve(host, port, workers, threads):
    """Serve the API and the moderator pages with gunicorn."""
    from moderation.app import create_app
    from moderation.web.server import run

    run(create_app, host, port, workers, threads)


DEMO_COMMENT = {
    "external_id": "demo-1",
    "article": {
        "id": "art-1",
        "title": "Ambtenaren zitten elkaar in de weg",
        "url": "https://example.org/artikel",
    },
    "author": {"id": "lezer-7", "name": "Kees"},
    "text": "Die ambtenaren zijn echt zakkenvullers, schrap die hele afdeling maar. @Joke lees dit eens",
    "created_at": "2026-11-22T10:00:00Z",
}


@click.command()
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=8000, type=int)
def demo(host, port):
    """Make sure a 'demo' site exists, give it a fresh key and print a ready-to-paste curl.

    The demo site rejects nothing by itself: every uncivil comment waits in the
    queue, so a new user sees the whole loop (``sites set demo --reject-above 0.9``
    gives it the default policy)."""
    from moderation.storage import comments as records

    database = context.database()
    try:
        site = records.create_site(database, "demo", policy={"reject_above": 1.0})
    except ValueError:
        site = records.rotate_key(database, "demo")
    body = json.dumps(DEMO_COMMENT, ensure_ascii=False)
    click.echo(f"\nDemo site API key (new on every run): {site['api_key']}")
    click.echo("The demo site rejects nothing by itself: uncivil comments wait in the queue at /queue.\n")
    click.echo("Try it:\n")
    click.echo(
        f"curl -s http://{host}:{port}/api/v1/comments \\\n"
        f"  -H 'Authorization: Bearer {site['api_key']}' \\\n"
        f"  -H 'Content-Type: application/json' \\\n"
        f"  -d '{body}'\n"
    )


COMMANDS = (serve, demo)
