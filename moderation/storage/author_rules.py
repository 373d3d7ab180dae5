"""The author rules, applied at intake after the policy plugin's decision, in the intake's
transaction (``storage.intake``).

Per author (``author_rules`` rows, set by moderators, ``storage.authors``): pre-moderation
and suspension.  Per site (in its policy, ``vocabulary.AUTHOR_RULE_DEFAULTS``):
``suspended_comments`` ("refuse": the API answers 403 ``author-suspended``; "hold": stored
and held for a human), ``first_comments_held`` (an author's first N comments on the site
wait for a human) and ``hold_repeats`` (a text posted N or more times within the repeat
window, ``storage.repeats``, waits for a human).

A rule only holds back: an automatic approval becomes ``pending`` with the rule's reason
(``vocabulary.HOLD_REASONS``, the first that applies in that order), and a comment the policy
left for a human gets the rule's reason too (the moderator sees why the author is watched);
an automatic rejection, and an urgent comment (a threat), keep the policy's decision.  A suspension ends by
itself at ``suspended_until``.
"""

from dataclasses import dataclass, field

from sqlalchemy import bindparam, func, select, tuple_, update

from moderation import vocabulary as vocab
from moderation.storage import repeats
from moderation.storage.tables import AuthorRule, Comment


class AuthorSuspended(Exception):
    """New comments of suspended authors on a site that refuses them: nothing was stored.
    ``refused``: ``[(index in the items, author id, suspended until)]``."""

    def __init__(self, refused):
        super().__init__(f"{len(refused)} comment(s) by suspended authors")
        self.refused = refused


@dataclass
class Outcome:
    """What the rules made of one item: its (possibly held) decision, and its repeat facts."""

    decision: dict
    keys: list[int] = field(default_factory=list)
    repeat_of: int | None = None  # the earliest stored comment it repeats
    repeat_of_item: int | None = None  # or the index of an earlier item of the same batch
    times: int = 1
    authors: int = 1


def settings(site: dict) -> dict:
    policy = site.get("policy") or {}
    return {key: policy.get(key, default) for key, default in vocab.AUTHOR_RULE_DEFAULTS.items()}


def states(session, site_id: int, author_ids) -> dict[str, AuthorRule]:
    wanted = sorted({a for a in author_ids if a})
    if not wanted:
        return {}
    rows = session.scalars(select(AuthorRule).where(AuthorRule.site_id == site_id, AuthorRule.author_id.in_(wanted)))
    return {r.author_id: r for r in rows}


def suspended(rule: AuthorRule | None, now) -> bool:
    return rule is not None and rule.suspended_until is not None and rule.suspended_until > now


def _author(data) -> str | None:
    return (data.get("author") or {}).get("id") or None


def apply(session, site: dict, items: list[tuple[dict, dict, dict]], now) -> list[Outcome]:
    """The rules' outcome for each ``(data, analysis, decision)`` item of one site; raises
    ``AuthorSuspended`` (before anything is written) for new comments of suspended authors
    when the site refuses them."""
    rules = settings(site)
    found = states(session, site["id"], [_author(d) for d, _, _ in items])
    if rules["suspended_comments"] == vocab.SUSPENDED_REFUSE:
        _refuse(session, site["id"], items, found, now)
    seen = _prior_counts(session, site["id"], items) if rules["first_comments_held"] else {}
    keyed = [repeats.keys(data.get("text")) for data, _, _ in items]
    # without a hold rule only the repeat group is wanted, not how many times the text was posted
    limit = repeats.CANDIDATE_LIMIT if rules["hold_repeats"] else repeats.FEW_CANDIDATES
    earlier = repeats.matches(session, site["id"], keyed, now, limit)
    outcomes, in_batch = [], {}
    for i, ((data, _, decision), (norm, keys), stored) in enumerate(zip(items, keyed, earlier)):
        author = _author(data)
        outcome = Outcome(decision=dict(decision), keys=keys)
        batch_matches = sorted({j for k in keys for j in in_batch.get(k, ()) if repeats.similar(norm, keyed[j][0])})
        if stored:
            outcome.repeat_of = stored[0][2] or stored[0][0]
        elif batch_matches:
            outcome.repeat_of_item = batch_matches[0]
        outcome.times = 1 + len(stored) + len(batch_matches)
        named = {author, *(c[1] for c in stored), *(_author(items[j][0]) for j in batch_matches)} - {None}
        outcome.authors = max(1, len(named))
        for k in keys:
            in_batch.setdefault(k, []).append(i)
        reason = None
        if author and suspended(found.get(author), now):
            reason = vocab.REASON_AUTHOR_SUSPENDED
        elif author in found and found[author].premoderated:
            reason = vocab.REASON_AUTHOR_PREMODERATED
        elif author and rules["first_comments_held"] and seen.get(author, 0) < rules["first_comments_held"]:
            reason = vocab.REASON_NEW_AUTHOR
        elif rules["hold_repeats"] and outcome.times >= rules["hold_repeats"]:
            reason = vocab.REASON_REPEAT
        if author:
            seen[author] = seen.get(author, 0) + 1
        held = outcome.decision["status"] == vocab.PENDING and not outcome.decision.get("urgent")
        if reason and (outcome.decision["status"] == vocab.APPROVED or held):
            outcome.decision.update(status=vocab.PENDING, reason=reason)
        outcomes.append(outcome)
    return outcomes


def _refuse(session, site_id, items, found, now):
    suspects = [(i, d) for i, (d, _, _) in enumerate(items) if suspended(found.get(_author(d)), now)]
    if not suspects:
        return
    stored = set(
        session.scalars(
            select(Comment.external_id).where(
                tuple_(Comment.site_id, Comment.external_id).in_([(site_id, d["external_id"]) for _, d in suspects])
            )
        )
    )
    refused = [
        (i, _author(d), found[_author(d)].suspended_until) for i, d in suspects if d["external_id"] not in stored
    ]
    if refused:
        raise AuthorSuspended(refused)


def _prior_counts(session, site_id, items) -> dict[str, int]:
    """How many comments each author of the items has on the site already (one statement)."""
    authors = sorted({a for a in (_author(d) for d, _, _ in items) if a})
    if not authors:
        return {}
    query = (
        select(Comment.author_id, func.count())
        .where(Comment.site_id == site_id, Comment.author_id.in_(authors))
        .group_by(Comment.author_id)
    )
    return dict(session.execute(query).all())


def remember_repeats(session, site_id, items, outcomes, ids, now):
    """After the insert (``ids``: external id -> new comment id): the new comments' repeat keys,
    and the group of those that repeat an earlier item of the same batch."""
    key_rows, groups = [], {}
    for (data, _, _), outcome in zip(items, outcomes):
        comment_id = ids.get(data["external_id"])
        if comment_id is None:
            continue
        key_rows += repeats.rows(comment_id, site_id, now, outcome.keys)
        j = outcome.repeat_of_item
        if outcome.repeat_of is None and j is not None:
            first = outcomes[j].repeat_of or ids.get(items[j][0]["external_id"])
            if first is not None and first != comment_id:
                groups[comment_id] = first
    repeats.store_keys(session, key_rows)
    if groups:
        session.execute(
            update(Comment.__table__)
            .where(Comment.__table__.c.id == bindparam("cid"))
            .values(repeat_group=bindparam("group")),
            [{"cid": c, "group": g} for c, g in groups.items()],
        )
