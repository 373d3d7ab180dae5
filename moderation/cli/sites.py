"""``moderation sites add | list | rotate-key | set | show | rotate-secret``: the news sites.

Every command here opens the database alone (``context.database()``): no model is read and no
plugin is loaded, so they work where the models directory is empty or missing."""

import json

import click

from moderation import vocabulary as vocab
from moderation.cli import context


@click.group()
def sites():
    """News sites that post comments."""


def _print(view, as_json):
    if as_json:
        click.echo(json.dumps(view, ensure_ascii=False))
        return
    for key, value in view.items():
        if key == "plugins" and value is None:
            value = "all"
        if key == "tag_rules":
            value = ", ".join(f"{tag}={action}" for tag, action in value.items()) or "-"
        elif key == "schedule":
            value = f"{value['hours']} ({value['timezone']}); outside: {value['outside']}" if value else "-"
        elif isinstance(value, dict):
            value = ", ".join(k for k, on in value.items() if on)
        click.echo(f"{key:<20} {', '.join(value) if isinstance(value, list) else value}")


@sites.command("add")
@click.argument("name")
@click.option("--webhook-url", help="where decisions are posted")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
def sites_add(name, webhook_url, as_json):
    """Create a site and print its API key (shown only this once)."""
    from moderation.delivery import targets
    from moderation.storage import comments as records
    from moderation.storage import sites as site_settings

    with context.refused(ValueError):
        if webhook_url:
            check = targets.checker(context.config()["WEBHOOK_ALLOW_HOSTS"])
            webhook_url = site_settings.check_url(webhook_url, check)
        site = records.create_site(context.database(), name, webhook_url)
    if as_json:
        click.echo(json.dumps(site))
        return
    click.echo(f"site {name!r} created (id {site['id']})")
    click.echo(f"API key (store it now, it is not shown again): {site['api_key']}")
    if webhook_url:
        click.echo(f"webhook secret: {site['webhook_secret']}")


@sites.command("rotate-key")
@click.argument("name")
@click.option(
    "--grace-hours",
    default=0.0,
    show_default=True,
    type=float,
    help="hours during which the old key also works (0: it stops at once)",
)
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
def sites_rotate_key(name, grace_hours, as_json):
    """Give a site a new API key (shown only this once); the old key stops at once or after the grace."""
    from moderation.storage import comments as records

    with context.refused(LookupError, ValueError):
        site = records.rotate_key(context.database(), name, grace_hours=grace_hours)
    if as_json:
        click.echo(json.dumps(site))
        return
    click.echo(f"new API key for {name!r}: {site['api_key']}")
    if site["previous_key_valid_until"]:
        click.echo(f"the old key also works until {site['previous_key_valid_until']}")


@sites.command("list")
def sites_list():
    """The sites, without their keys."""
    from moderation.storage import comments as records

    for site in records.list_sites(context.database()):
        click.echo(f"{site['id']}\t{site['name']}\t{site['webhook_url'] or '-'}")


@sites.command("set")
@click.argument("name")
@click.option("--webhook-url", help="where decisions are posted; '' stops webhooks")
@click.option("--approve-below", type=float, help="incivility score under which a civil comment is approved")
@click.option("--reject-above", type=float, help="incivility score from which a comment is rejected")
@click.option(
    "--mode",
    type=click.Choice(vocab.MODES),
    help="pre: in-between comments wait offline; post: they go online and wait for a human",
)
@click.option("--plugins", help="comma-separated names of the plugins that apply, or 'all'")
@click.option(
    "--rate-limit",
    help="API requests per second, shared by all workers: PER_SECOND[/BURST], e.g. 50/200; 0: none; 'default'",
)
@click.option(
    "--suspended-comments",
    type=click.Choice(vocab.SUSPENDED_COMMENTS),
    help="a suspended author's new comments: refuse (the API answers 403) or hold (wait for a human)",
)
@click.option(
    "--first-comments-held",
    type=click.IntRange(0, 1000),
    help="an author's first N comments on the site wait for a human (0: off)",
)
@click.option(
    "--hold-repeats",
    type=click.IntRange(0, 1000),
    help="a text posted N or more times within 7 days (by anyone) waits for a human (0: off)",
)
@click.option(
    "--dsa-role",
    type=click.Choice(vocab.DSA_ROLES),
    help="which DSA duties apply (README, section DSA)",
)
@click.option(
    "--small-enterprise/--no-small-enterprise", default=None, help="a micro or small enterprise (no Art. 15 report)"
)
@click.option("--appeal-months", type=int, help="how long after a decision an appeal is taken (at least 6)")
@click.option(
    "--statements-for-withheld/--no-statements-for-withheld",
    default=None,
    help="also a statement of reasons when pre-moderation withholds a comment",
)
@click.option(
    "--tag-rule",
    "tag_rules",
    multiple=True,
    metavar="TAG=ACTION",
    help="what a tag does: hold (wait for a human), reject[:REASON] or none (no rule); repeatable",
)
@click.option("--schedule", "hours", help="weekly hours comments are open, e.g. 'mon-fri 07:00-23:00'; '' removes")
@click.option(
    "--outside",
    type=click.Choice(vocab.SCHEDULE_OUTSIDE),
    help="outside the hours: closed (no comments taken) or pre (pre-moderation)",
)
@click.option("--timezone", help=f"the schedule's timezone (default {vocab.DEFAULT_TIMEZONE})")
@click.option("--target-minutes", type=int, help="the dashboard's target for the time to a moderator's decision")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
def sites_set(
    name,
    webhook_url,
    approve_below,
    reject_above,
    mode,
    plugins,
    rate_limit,
    suspended_comments,
    first_comments_held,
    hold_repeats,
    dsa_role,
    small_enterprise,
    appeal_months,
    statements_for_withheld,
    tag_rules,
    hours,
    outside,
    timezone,
    target_minutes,
    as_json,
):
    """Change a site's webhook URL, policy thresholds, mode, plugins, tag rules, schedule, author
    rules, rate limit or DSA role."""
    from moderation.delivery import targets
    from moderation.pipeline.host import available_names
    from moderation.storage import sites as site_settings

    dsa = {
        "role": dsa_role,
        "small_enterprise": small_enterprise,
        "appeal_months": appeal_months,
        "statements_for_withheld": statements_for_withheld,
    }
    if any(v is not None for v in dsa.values()):
        with context.refused(LookupError, ValueError, quoted=False):
            site_settings.update_dsa(context.database(), name, **dsa)

    settings = context.config()
    known = available_names(settings["PLUGINS"], settings["DISABLED_PLUGINS"])
    names = None
    if plugins is not None:
        names = "all" if plugins.strip() == "all" else [p.strip() for p in plugins.split(",") if p.strip()]
    url = site_settings.UNSET if webhook_url is None else webhook_url
    with context.refused(LookupError, ValueError, quoted=False):
        thresholds = {"approve_below": approve_below, "reject_above": reject_above, "mode": mode}
        schedule = None
        if hours == "":
            schedule = ""
        elif hours is not None or outside or timezone:
            schedule = {"hours": hours, "outside": outside, "timezone": timezone}
        author_rules = {
            "suspended_comments": suspended_comments,
            "first_comments_held": first_comments_held,
            "hold_repeats": hold_repeats,
        }
        view = site_settings.update(
            context.database(),
            name,
            webhook_url=url,
            known_plugins=known,
            url_check=targets.checker(settings["WEBHOOK_ALLOW_HOSTS"]),
            plugins=names,
            rate_limit=site_settings.UNSET if rate_limit is None else rate_limit,
            tag_rules=site_settings.parse_tag_rules(tag_rules) if tag_rules else None,
            schedule=schedule,
            target_minutes=target_minutes,
            **thresholds,
            **author_rules,
        )
    if isinstance(names, list) and "policy" not in names:
        click.echo("note: without the 'policy' plugin every comment waits for a moderator", err=True)
    _print(view, as_json)
    if view.get("webhook_secret") and not as_json:
        click.echo("a webhook secret was created; store it now, it is not shown again", err=True)


@sites.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
def sites_show(name, as_json):
    """A site's settings (never its keys or secrets)."""
    from moderation.storage import sites as site_settings

    with context.refused(LookupError, quoted=False):
        view = site_settings.get(context.database(), name)
    _print(view, as_json)


@sites.command("rotate-secret")
@click.argument("name")
@click.option(
    "--grace-hours",
    default=24.0,
    show_default=True,
    type=float,
    help="hours during which the old secret also signs (0: it stops at once)",
)
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
def sites_rotate_secret(name, grace_hours, as_json):
    """Give a site a new webhook secret and print it (shown only this once)."""
    from moderation.storage import sites as site_settings

    with context.refused(LookupError, quoted=False):
        out = site_settings.rotate_secret(context.database(), name, grace_hours=grace_hours)
    if as_json:
        click.echo(json.dumps(out))
        return
    click.echo(f"new webhook secret for {name!r}: {out['webhook_secret']}")
    if out["previous_secret_valid_until"]:
        click.echo(f"the old secret also signs until {out['previous_secret_valid_until']}")


COMMANDS = (sites,)
