"""The site-facing HTTP API (``/api/v1``), health and metrics."""

import hmac
import math

from flask import Blueprint, current_app, jsonify, request

from moderation import schedule
from moderation import vocabulary as vocab
from moderation.storage import audit_sample, author_rules, decision_feed, erasure, intake, rate_limits
from moderation.storage import comments as records
from moderation.web import service, validation
from moderation.web.problems import Problem
from moderation.web.routing import MAX_ID

bp = Blueprint("api", __name__)


def authenticated_site() -> dict:
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if not header:
        raise Problem(401, "send your site's API key as 'Authorization: Bearer <key>'", "unauthorized")
    if not hmac.compare_digest(scheme.lower(), "bearer") or not key.strip():
        raise Problem(401, "the Authorization header must be 'Bearer <key>'", "unauthorized")
    site = records.cached_site_by_key(service.current().db, key.strip())
    if site is None:
        raise Problem(
            401, "this API key is not known; check it or create a site with 'moderation sites add'", "unauthorized"
        )
    _within_rate_limit(site)
    return site


def _within_rate_limit(site):
    """One token from the site's bucket, shared by every worker; 429 when it is empty."""
    config = current_app.config
    per_second, burst = rate_limits.effective(
        site["rate_limit_per_second"],
        site["rate_limit_burst"],
        config["RATE_LIMIT_PER_SECOND"],
        config["RATE_LIMIT_BURST"],
    )
    wait = rate_limits.take(service.current().db, f"site:{site['id']}", per_second, burst)
    if wait > 0:
        seconds = max(1, math.ceil(wait))
        raise Problem(
            429,
            f"this site may send {per_second:g} requests per second (bursts of {burst}); try again in {seconds} s",
            "rate-limited",
            headers={"Retry-After": str(seconds)},
        )


def _analyse_and_store(site, comments):
    """``(record, created)`` per comment, in one transaction (storage.intake).  A single
    comment is analysed and inserted, the insert being the idempotency check; a batch
    first asks which it has already (one statement), so a retried batch is not analysed
    again.  A comment stored before, or repeated earlier in the batch, is the stored record."""
    svc = service.current()
    known = intake.existing(svc.db, site["id"], [d["external_id"] for d in comments]) if len(comments) > 1 else set()
    fresh, seen = [], set()
    for data in comments:
        if data["external_id"] not in known and data["external_id"] not in seen:
            seen.add(data["external_id"])
            fresh.append(data)
    stored = {}
    if fresh:
        policy = _policy_now(site)
        with svc.metrics.analysis.time():
            outcomes = svc.pipeline.run([_plugin_view(site, d) for d in fresh], policy)
        share = current_app.config.get("AUDIT_SAMPLE_SHARE", 0.0)
        outcomes = [
            (analysis, {**decision, "audit_sample": audit_sample.draw(decision, share)})
            for analysis, decision in outcomes
        ]
        for analysis, _ in outcomes:
            for error in analysis["errors"]:
                svc.metrics.plugin_errors.labels(error.get("plugin", "?")).inc()
        items = [(data, analysis, decision) for data, (analysis, decision) in zip(fresh, outcomes)]
        try:
            stored_now = intake.store(svc.db, site, items)
        except author_rules.AuthorSuspended as exc:
            indexes = [next(k for k, d in enumerate(comments) if d is fresh[i]) for i, _, _ in exc.refused]
            raise _suspended(exc, indexes, len(comments) > 1) from None
        for data, (record, created) in zip(fresh, stored_now):
            if created:
                stored[data["external_id"]] = record
    results, first = [], set()
    for data in comments:
        external_id = data["external_id"]
        if external_id in stored and external_id not in first:
            first.add(external_id)
            results.append((stored[external_id], True))
        else:  # there before, stored by a concurrent request, or repeated in this batch
            results.append((stored.get(external_id) or records.find_comment(svc.db, site["id"], external_id), False))
    return results


def _policy_now(site) -> dict:
    """The site's policy for a comment arriving now: a 409 while its schedule keeps comments
    closed; outside its hours with ``--outside pre``, the policy in pre-moderation."""
    state = schedule.state(site["policy"], service.now())
    if not state.comments_open:
        until = iso(state.until)
        raise Problem(
            409,
            f"comments are closed for this site until {until} (its schedule: {site['policy']['schedule']['hours']}); "
            "nothing was stored: send the comment again after that, or ask GET /api/v1/sites/me/status first",
            "comments-closed",
            until=until,
        )
    return {**site["policy"], "mode": state.mode}


def iso(moment):
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def _suspended(exc, indexes, batch) -> Problem:
    """403 for comments of suspended authors: nothing was stored; when each suspension ends."""
    until = [
        (index, author, end.isoformat().replace("+00:00", "Z")) for index, (_, author, end) in zip(indexes, exc.refused)
    ]
    errors = [
        {**({"index": index} if batch else {}), "field": "author.id", "message": f"suspended until {end}"}
        for index, _, end in until
    ]
    first = until[0]
    detail = f"the author {first[1]!r} is suspended on this site until {first[2]}; their new comments are refused" + (
        f" (nothing of this batch was stored: {len(until)} comment(s) by suspended authors)" if batch else ""
    )
    return Problem(403, detail, "author-suspended", errors=errors, suspended_until=first[2])


def _plugin_view(site, data):
    return {
        **data,
        "site": site["name"],
        "created_at": data["created_at"].isoformat() if data.get("created_at") else None,
    }


@bp.post("/api/v1/comments")
def post_comment():
    site = authenticated_site()
    data, errors = validation.comment(validation.json_body(request), current_app.config["MAX_TEXT_LENGTH"])
    if errors:
        raise Problem(422, validation.summarise(errors), "validation-failed", errors=errors)
    [(record, created)] = _analyse_and_store(site, [data])
    return jsonify(record), 201 if created else 200


@bp.post("/api/v1/comments/batch")
def post_batch():
    site = authenticated_site()
    body = validation.json_body(request)
    items = body.get("comments") if isinstance(body, dict) else None
    if not isinstance(items, list) or not items:
        raise Problem(
            422,
            'send {"comments": [...]} with at least one comment',
            "validation-failed",
            errors=[{"field": "comments", "message": "must be a non-empty list"}],
        )
    limit = current_app.config["MAX_BATCH"]
    if len(items) > limit:
        raise Problem(
            413, f"a batch holds at most {limit} comments; this one has {len(items)}: split it", "batch-too-large"
        )
    comments, errors = [], []
    for i, item in enumerate(items):
        data, item_errors = validation.comment(item, current_app.config["MAX_TEXT_LENGTH"])
        errors += [{"index": i, **e} for e in item_errors]
        comments.append(data)
    if errors:
        raise Problem(422, "nothing was stored: " + validation.summarise(errors), "validation-failed", errors=errors)
    results = _analyse_and_store(site, comments)
    return jsonify({"results": [{**record, "created": created} for record, created in results]}), 201 if any(
        created for _, created in results
    ) else 200


# one rule for both methods: with two, werkzeug answers an out-of-range id with 405 instead of 404
@bp.route("/api/v1/comments/<int:comment_id>", methods=["GET", "DELETE"])
def comment_by_id(comment_id):
    """GET: the stored record.  DELETE: erase its text and personal data; the
    anonymous decision record stays."""
    site = authenticated_site()
    action = erasure.erase_comment if request.method == "DELETE" else records.get_comment
    return jsonify(_own(action, site, comment_id))


def _own(action, site, comment_id):
    """``action(db, site_id, comment_id)`` on one of this site's comments, or a 404."""
    result = action(service.current().db, site["id"], comment_id) if comment_id <= MAX_ID else None
    if result is None:
        raise Problem(404, f"this site has no comment with id {comment_id}", "not-found")
    return result


@bp.delete("/api/v1/authors/<path:author_id>")
def erase_author(author_id):
    """Erase every comment this site received from one author."""
    site = authenticated_site()
    if not author_id.strip() or len(author_id) > 200:
        raise Problem(422, "the author id must be 1 to 200 characters, as sent in author.id", "validation-failed")
    bad = validation.bad_characters(author_id)
    if bad:
        raise Problem(422, f"the author id {bad}; no author id can hold it", "validation-failed")
    receipts = erasure.erase_author(service.current().db, site["id"], author_id)
    return jsonify({"erased": len(receipts), "comments": receipts})


@bp.get("/api/v1/decisions")
def decisions():
    """This site's decisions after the cursor ``since`` (a decision id), oldest first."""
    site = authenticated_site()
    config = current_app.config
    since = _int_arg("since", 0, 0, MAX_ID)
    limit = _int_arg("limit", config["DECISIONS_PAGE_SIZE"], 1, 1000)
    initial_pending = _bool_arg("include_initial_pending", True)
    items, more = decision_feed.decisions_since(
        service.current().db,
        site["id"],
        since,
        limit,
        config["DECISIONS_SETTLE_SECONDS"],
        initial_pending=initial_pending,
    )
    return jsonify({"decisions": items, "next_cursor": items[-1]["id"] if items else since, "has_more": more})


def _int_arg(name, default, low, high):
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise Problem(
            422,
            f"{name} must be a whole number from {low} to {high}, not {raw!r}",
            "validation-failed",
            errors=[{"field": name, "message": f"must be a whole number from {low} to {high}"}],
        )
    return int(raw)


def _bool_arg(name, default):
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if raw not in ("true", "false"):
        raise Problem(
            422,
            f"{name} must be true or false, not {raw[:50]!r}",
            "validation-failed",
            errors=[{"field": name, "message": "must be true or false"}],
        )
    return raw == "true"


@bp.post("/api/v1/classify")
def classify():
    site = authenticated_site()
    text = validation.classify_text(validation.json_body(request), current_app.config["MAX_TEXT_LENGTH"])
    svc = service.current()
    comment = {"text": text, "site": site["name"]}
    [(analysis, decision)] = svc.pipeline.run([comment], site["policy"])
    return jsonify({"analysis": analysis, "status": decision["status"]})


@bp.get("/healthz/live")
def liveness():
    """The process is up and answering (the server's front answers this on its own loop)."""
    return jsonify({"status": "alive"})


@bp.get("/healthz/ready")
@bp.get("/healthz")
def readiness():
    """Ready for traffic: the database answers and both models are loaded; 503 otherwise.
    ``/healthz`` is the same probe (DESIGN.md)."""
    svc = service.current()
    models = {task: svc.models.get(task) for task in vocab.TASKS}
    try:
        records.count_rows(svc.db, records.Site)
        database = "ok"
    except Exception as exc:  # the probe reports, it does not fail
        database = f"error: {type(exc).__name__}"
    ready = database == "ok" and all(models.values())
    body = {
        "status": "ok" if ready else "unavailable",
        "database": database,
        # a version, or only that it is missing: the reason names files, see 'moderation models list'
        "models": {t: (m.version if m else "not loaded") for t, m in models.items()},
        # the second tier is optional: without it the service is still "ok", and this says why
        "encoder": _encoder_status(svc.models),
    }
    headers = {} if ready else {"Retry-After": "5"}
    return jsonify(body), 200 if ready else 503, headers


def _encoder_status(models) -> str:
    status = getattr(models, "encoder_status", None)
    return status() if status else "not provided by this model store"


@bp.get("/metrics")
def metrics():
    token = current_app.config.get("METRICS_TOKEN")
    if token:
        scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(sent.strip().encode(), token.encode()):
            raise Problem(401, "/metrics needs 'Authorization: Bearer <MODERATION_METRICS_TOKEN>'", "unauthorized")
    return service.current().metrics.render()


@bp.get("/api/v1/openapi.json")
def openapi():
    from moderation.web.openapi import spec

    return jsonify(spec(current_app.config))
