"""Storage and checks for one site's settings: webhook URL and secret, policy, plugins.

The policy lives in ``sites.policy`` (JSON): ``approve_below``, ``reject_above``,
``mode`` ("pre" or "post", see ``plugins.policy``), ``plugins`` (the names of
the plugins that apply to this site; absent: all of them), ``tag_rules``
(``{tag: "hold" | "reject[:reason]"}``, see ``plugins.policy``), ``schedule``
(``moderation.schedule``) and ``target_minutes`` (the dashboard's target time to a decision).  Used by the CLI
(``moderation sites set``, ``rotate-secret``, ``show``) and the admin page.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from moderation import schedule as schedules
from moderation import vocabulary as vocab
from moderation.dsa import roles
from moderation.storage import rate_limits
from moderation.storage.comments import new_webhook_secret
from moderation.storage.tables import Site, utcnow
from moderation.vocabulary import AUTHOR_RULE_DEFAULTS, DEFAULT_POLICY, MODES, SUSPENDED_COMMENTS

UNSET = object()


class SettingsError(ValueError):
    pass


def check_url(url: str, url_check=None) -> str:
    """The URL without surrounding blanks, or SettingsError.  Spaces and control
    characters (a CR/LF would split the request's header) are refused;
    ``url_check(url)`` checks the rest (``delivery.targets.checker``: no internal addresses)."""
    url = (url or "").strip()
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise SettingsError("the webhook URL must not contain spaces or control characters (such as CR or LF)")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number from 0 to 65535
    except ValueError as exc:
        raise SettingsError(f"the webhook URL is not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(f"the webhook URL must be an http(s) URL with a host, not {url!r}")
    if len(url) > 2000:
        raise SettingsError("the webhook URL is longer than 2,000 characters")
    if url_check is not None:
        try:
            url_check(url)
        except ValueError as exc:
            raise SettingsError(str(exc)) from None
    return url


def check_policy(policy: dict, known_plugins=None) -> dict:
    """The policy with defaults filled in, or SettingsError saying what is wrong."""
    merged = dict(DEFAULT_POLICY, **(policy or {}))
    for key in ("approve_below", "reject_above"):
        value = merged[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise SettingsError(f"{key} must be a number from 0 to 1, not {value!r}")
    if merged["approve_below"] > merged["reject_above"]:
        raise SettingsError(
            f"approve_below ({merged['approve_below']}) must not be above reject_above ({merged['reject_above']})"
        )
    if merged["mode"] not in MODES:
        raise SettingsError(f"mode must be {' or '.join(map(repr, MODES))}, not {merged['mode']!r}")
    _check_author_rules(merged)
    plugins = merged.get("plugins")
    if plugins is not None:
        if not isinstance(plugins, list) or not all(isinstance(p, str) and p for p in plugins):
            raise SettingsError("plugins must be a list of plugin names")
        unknown = sorted(set(plugins) - set(known_plugins)) if known_plugins is not None else []
        if unknown:
            raise SettingsError(f"no plugin named {', '.join(unknown)}; loaded: {', '.join(sorted(known_plugins))}")
    if "tag_rules" in merged:
        merged["tag_rules"] = check_tag_rules(merged["tag_rules"])
    target = merged.get("target_minutes")
    if target is not None and (isinstance(target, bool) or not isinstance(target, int) or not 1 <= target <= 10080):
        raise SettingsError(f"target_minutes must be a whole number of minutes from 1 to 10080, not {target!r}")
    if merged.get("schedule") is not None:
        try:
            merged["schedule"] = schedules.check(merged["schedule"])
        except ValueError as exc:
            raise SettingsError(str(exc)) from None
    return merged


def check_tag_rules(rules) -> dict:
    """``{tag: "hold" | "reject" | "reject:<reason>"}`` checked, or SettingsError."""
    if not isinstance(rules, dict):
        raise SettingsError("tag_rules must be an object {tag: action}")
    out = {}
    for tag, action in rules.items():
        # at most 36 characters: "tag:<tag>" is a decision's reason, a column of 40
        if (
            not isinstance(tag, str)
            or not tag.strip()
            or len(tag.strip()) > 36
            or any(c.isspace() for c in tag.strip())
        ):
            raise SettingsError(f"a tag is a word without spaces of at most 36 characters, not {tag!r}")
        verb, colon, reason = str(action).partition(":")
        if verb not in vocab.TAG_RULE_ACTIONS or (colon and verb != vocab.RULE_REJECT):
            raise SettingsError(f"the rule for {tag!r} must be hold, reject or reject:REASON, not {action!r}")
        if colon and reason not in vocab.REJECT_REASONS:
            raise SettingsError(f"the reason in {tag}={action} must be one of {', '.join(vocab.REJECT_REASONS)}")
        out[tag.strip()] = str(action)
    return out


def parse_tag_rules(items) -> dict:
    """``["contains-pii=hold", "spam=reject:spam", "shouting=none"]`` -> ``{tag: action or None}``
    (None: drop the rule), or SettingsError."""
    out: dict = {}
    for item in items:
        tag, eq, action = str(item).partition("=")
        if not eq or not tag.strip():
            raise SettingsError(f"a tag rule is TAG=hold, TAG=reject[:REASON] or TAG=none, not {item!r}")
        action = action.strip()
        out[tag.strip()] = None if action in ("", "none") else check_tag_rules({tag.strip(): action})[tag.strip()]
    return out


def _check_author_rules(policy: dict) -> None:
    """The author rules (``storage.author_rules``): what suspended authors' comments get, and two counts."""
    rules = dict(AUTHOR_RULE_DEFAULTS, **{k: policy[k] for k in AUTHOR_RULE_DEFAULTS if k in policy})
    if rules["suspended_comments"] not in SUSPENDED_COMMENTS:
        raise SettingsError(
            f"suspended_comments must be {' or '.join(map(repr, SUSPENDED_COMMENTS))}, "
            f"not {rules['suspended_comments']!r}"
        )
    for key in ("first_comments_held", "hold_repeats"):
        value = rules[key]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1000:
            raise SettingsError(f"{key} must be a whole number from 0 to 1000 (0: off), not {value!r}")


def get(db, name: str) -> dict:
    with db.session() as s:
        return _view(_site(s, name))


def update(db, name: str, webhook_url=UNSET, known_plugins=None, url_check=None, rate_limit=UNSET, **changes) -> dict:
    """Change some settings.  ``webhook_url=None`` stops webhooks; a URL on a site
    without a secret creates one, returned once as ``webhook_secret``; ``url_check``
    as in ``check_url``.
    ``rate_limit``: "PER_SECOND[/BURST]" ("0": none; "default" or None: the default).
    ``changes``: approve_below, reject_above, mode, plugins (a list, or "all"), target_minutes;
    ``tag_rules``: ``{tag: action}`` merged into the site's (None drops a tag's rule), or
    ``{"*": None}`` first to drop them all; ``schedule``: some of ``hours``, ``outside``, ``timezone``
    (merged into the site's schedule), or "" to remove it.
    Author rules: suspended_comments ("refuse" or "hold"), first_comments_held, hold_repeats."""
    if rate_limit is not UNSET:
        try:
            limit = (None, None) if rate_limit in (None, "default") else rate_limits.parse(rate_limit)
        except ValueError as exc:
            raise SettingsError(str(exc)) from None
    with db.session() as s:
        site = _site(s, name)
        if rate_limit is not UNSET:
            site.rate_limit_per_second, site.rate_limit_burst = limit
        policy = dict(site.policy or {})
        for key, value in changes.items():
            if key not in (
                "approve_below",
                "reject_above",
                "mode",
                "plugins",
                "tag_rules",
                "schedule",
                "target_minutes",
                *AUTHOR_RULE_DEFAULTS,
            ):
                raise SettingsError(f"unknown setting {key!r}")
            if value is None:
                continue
            if key == "tag_rules":
                policy["tag_rules"] = _merged_rules(policy.get("tag_rules") or {}, value)
            elif key == "schedule" and value == "":
                policy.pop("schedule", None)
            elif key == "schedule":  # some of hours, outside, timezone: merged into the current schedule
                policy["schedule"] = {**(policy.get("schedule") or {}), **{k: v for k, v in value.items() if v}}
            elif key == "plugins" and value == "all":
                policy.pop("plugins", None)
            else:
                policy[key] = value
        checked = check_policy(policy, known_plugins)
        for key in ("tag_rules", "schedule"):  # stored as normalised
            if policy.get(key) is not None:
                policy[key] = checked[key]
        site.policy = policy
        created_secret = None
        if webhook_url is not UNSET:
            site.webhook_url = check_url(webhook_url, url_check) if webhook_url else None
            if site.webhook_url and not site.webhook_secret:
                site.webhook_secret = created_secret = new_webhook_secret()
        view = _view(site)
    db.forget_sites()  # the cached site (policy, webhook) is stale in this process now
    if created_secret:
        view["webhook_secret"] = created_secret
    return view


def _merged_rules(current: dict, changes: dict) -> dict:
    rules = {} if "*" in changes else dict(current)
    for tag, action in changes.items():
        if tag == "*":
            continue
        if action is None:
            rules.pop(tag, None)
        else:
            rules[tag] = action
    return rules


def update_dsa(db, name: str, **changes) -> dict:
    """Change the DSA settings (``dsa.roles``): role, small_enterprise, appeal_months, ...;
    raises ``roles.DsaSettingsError`` (a ValueError) saying what is wrong."""
    with db.session() as s:
        site = _site(s, name)
        site.dsa = roles.check(changes, site.dsa)
        view = _view(site)
    db.forget_sites()  # the cached site (its DSA settings) is stale in this process now
    return view


def rotate_secret(db, name: str, grace_hours: float = 24, now=None) -> dict:
    """A new webhook secret.  The old one keeps signing beside it for ``grace_hours``
    (0: it stops at once), so a site can deploy the new secret without losing events."""
    now = now or utcnow()
    secret = new_webhook_secret()
    with db.session() as s:
        site = _site(s, name)
        if grace_hours > 0 and site.webhook_secret:
            site.webhook_secret_previous = site.webhook_secret
            site.webhook_secret_previous_until = now + timedelta(hours=grace_hours)
        else:
            site.webhook_secret_previous = site.webhook_secret_previous_until = None
        site.webhook_secret = secret
        until = site.webhook_secret_previous_until
    return {"name": name, "webhook_secret": secret, "previous_secret_valid_until": until.isoformat() if until else None}


def _site(session, name) -> Site:
    site = session.scalar(select(Site).where(Site.name == name))
    if site is None:
        raise LookupError(f"no site named {name!r}; see 'moderation sites list'")
    return site


def _view(site) -> dict:
    policy = dict(DEFAULT_POLICY, **(site.policy or {}))
    return {
        "id": site.id,
        "name": site.name,
        "webhook_url": site.webhook_url,
        "has_webhook_secret": bool(site.webhook_secret),
        "approve_below": policy["approve_below"],
        "reject_above": policy["reject_above"],
        "mode": policy["mode"],
        "plugins": policy.get("plugins"),
        "tag_rules": dict(policy.get("tag_rules") or {}),
        "schedule": policy.get("schedule"),
        "target_minutes": policy.get("target_minutes") or vocab.DEFAULT_TARGET_MINUTES,
        **{key: policy.get(key, default) for key, default in AUTHOR_RULE_DEFAULTS.items()},
        "rate_limit": _rate_limit_text(site),
        "dsa_role": roles.settings(site.dsa)["role"],
        "small_enterprise": roles.settings(site.dsa)["small_enterprise"],
        "appeal_months": roles.settings(site.dsa)["appeal_months"],
        "statements_for_withheld": roles.settings(site.dsa)["statements_for_withheld"],
        "dsa_duties": roles.duties(site.dsa),
    }


def _rate_limit_text(site) -> str:
    if site.rate_limit_per_second is None:
        return "default"
    if site.rate_limit_per_second == 0:
        return "0 (no limit)"
    per_second, burst = rate_limits.effective(site.rate_limit_per_second, site.rate_limit_burst, 0, 0)
    return f"{per_second:g}/{burst}"
