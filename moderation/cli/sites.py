"""``moderation sites set | show | rotate-secret``: one site's settings from the command line."""

import json

import click

from moderation.cli.context import app as _app


def _print(view, as_json):
    if as_json:
        click.echo(json.dumps(view, ensure_ascii=False))
        return
    for key, value in view.items():
        if key == "plugins" and value is None:
            value = "all"
        if isinstance(value, dict):
            value = ", ".join(k for k, on in value.items() if on)
        click.echo(f"{key:<20} {', '.join(value) if isinstance(value, list) else value}")


@click.command("set")
@click.argument("name")
@click.option("--webhook-url", help="where decisions are posted; '' stops webhooks")
@click.option("--approve-below", type=float, help="incivility score under which a civil comment is approved")
@click.option("--reject-above", type=float, help="incivility score from which a comment is rejected")
@click.option(
    "--mode",
    type=click.Choice(["pre", "post"]),
    help="pre: in-between comments wait offline; post: they go online and wait for a human",
)
@click.option("--plugins", help="comma-separated names of the plugins that apply, or 'all'")
@click.option(
    "--dsa-role",
    type=click.Choice(["hosting", "platform", "hosting-voluntary-platform"]),
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
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
def sites_set(
    name,
    webhook_url,
    approve_below,
    reject_above,
    mode,
    plugins,
    dsa_role,
    small_enterprise,
    appeal_months,
    statements_for_withheld,
    as_json,
):
    """Change a site's webhook URL, policy thresholds, mode, plugins or DSA role."""
    from moderation.storage import sites as site_settings

    dsa = {
        "role": dsa_role,
        "small_enterprise": small_enterprise,
        "appeal_months": appeal_months,
        "statements_for_withheld": statements_for_withheld,
    }
    if any(v is not None for v in dsa.values()):
        try:
            site_settings.update_dsa(_app().extensions["moderation"].db, name, **dsa)
        except (LookupError, ValueError) as exc:
            raise click.ClickException(str(exc).strip("'\"")) from None

    app = _app()
    known = [n for n, p in app.extensions["moderation"].pm.list_name_plugin() if p is not None]
    names = None
    if plugins is not None:
        names = "all" if plugins.strip() == "all" else [p.strip() for p in plugins.split(",") if p.strip()]
    url = site_settings.UNSET if webhook_url is None else webhook_url
    try:
        view = site_settings.update(
            app.extensions["moderation"].db,
            name,
            webhook_url=url,
            known_plugins=known,
            approve_below=approve_below,
            reject_above=reject_above,
            mode=mode,
            plugins=names,
        )
    except (LookupError, ValueError) as exc:
        raise click.ClickException(str(exc).strip("'\"")) from None
    if isinstance(names, list) and "policy" not in names:
        click.echo("note: without the 'policy' plugin every comment waits for a moderator", err=True)
    _print(view, as_json)
    if view.get("webhook_secret") and not as_json:
        click.echo("a webhook secret was created; store it now, it is not shown again", err=True)


@click.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
def sites_show(name, as_json):
    """A site's settings (never its keys or secrets)."""
    from moderation.storage import sites as site_settings

    try:
        view = site_settings.get(_app().extensions["moderation"].db, name)
    except LookupError as exc:
        raise click.ClickException(str(exc).strip("'\"")) from None
    _print(view, as_json)


@click.command("rotate-secret")
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

    try:
        out = site_settings.rotate_secret(_app().extensions["moderation"].db, name, grace_hours=grace_hours)
    except LookupError as exc:
        raise click.ClickException(str(exc).strip("'\"")) from None
    if as_json:
        click.echo(json.dumps(out))
        return
    click.echo(f"new webhook secret for {name!r}: {out['webhook_secret']}")
    if out["previous_secret_valid_until"]:
        click.echo(f"the old secret also signs until {out['previous_secret_valid_until']}")


COMMANDS = (sites_set, sites_show, sites_rotate_secret)
