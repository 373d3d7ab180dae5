"""The site-facing HTTP API (``/api/v1``), health and metrics."""

import hmac

from flask import Blueprint, current_app, jsonify, request

from moderation import vocabulary as vocab
from moderation.storage import comments as records
from moderation.storage import decision_feed, erasure
from moderation.web import service, validation
from moderation.web.problems import Problem

bp = Blueprint("api", __name__)
MAX_ID = 2**63 - 1  # the largest id a database column holds; a larger one is simply not found


def authenticated_site() -> dict:
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if not header:
        raise Problem(401, "send your site's API key as 'Authorization: Bearer <key>'", "unauthorized")
    if not hmac.compare_digest(scheme.lower(), "bearer") or not key.strip():
        raise Problem(401, "the Authorization header must be 'Bearer <key>'", "unauthorized")
    site = records.site_by_key(service.current().db, key.strip())
    if site is None:
        raise Problem(
            401, "this API key is not known; check it or create a site with 'moderation sites add'", "unauthorized"
        )
    return site


def _analyse_and_store(site, comments):
    """``(record, created)`` per comment.  A comment stored before, or repeated
    earlier in the same batch, is the stored record, not analysed again."""
    svc = service.current()
    results, fresh, first = [], [], {}
    for data in comments:
        existing = (
            None if data["external_id"] in first else records.find_comment(svc.db, site["id"], data["external_id"])
        )
        results.append((existing, False))
        if existing is None and data["external_id"] not in first:
            first[data["external_id"]] = len(results) - 1
            fresh.append((len(results) - 1, data))
    if fresh:
        with svc.metrics.analysis.time():
            outcomes = svc.pipeline.run([_plugin_view(site, d) for _, d in fresh], site["policy"])
        for (i, data), (analysis, decision) in zip(fresh, outcomes):
            for error in analysis["errors"]:
                svc.metrics.plugin_errors.labels(error.get("plugin", "?")).inc()
            results[i] = records.store_comment(svc.db, site["id"], data, analysis, decision)
    return [
        (record, created) if record is not None else (results[first[data["external_id"]]][0], False)
        for (record, created), data in zip(results, comments)
    ]


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


@bp.get("/api/v1/comments/<int:comment_id>")
def get_comment(comment_id):
    site = authenticated_site()
    return jsonify(_own(records.get_comment, site, comment_id))


@bp.delete("/api/v1/comments/<int:comment_id>")
def erase_comment(comment_id):
    """Erase a comment's text and personal data; the anonymous decision record stays."""
    site = authenticated_site()
    return jsonify(_own(erasure.erase_comment, site, comment_id))


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
    receipts = erasure.erase_author(service.current().db, site["id"], author_id)
    return jsonify({"erased": len(receipts), "comments": receipts})


@bp.get("/api/v1/decisions")
def decisions():
    """This site's decisions after the cursor ``since`` (a decision id), oldest first."""
    site = authenticated_site()
    config = current_app.config
    since = _int_arg("since", 0, 0, MAX_ID)
    limit = _int_arg("limit", config["DECISIONS_PAGE_SIZE"], 1, 1000)
    items, more = decision_feed.decisions_since(
        service.current().db, site["id"], since, limit, config["DECISIONS_SETTLE_SECONDS"]
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


@bp.post("/api/v1/classify")
def classify():
    site = authenticated_site()
    text = validation.classify_text(validation.json_body(request), current_app.config["MAX_TEXT_LENGTH"])
    svc = service.current()
    comment = {"text": text, "site": site["name"]}
    [(analysis, decision)] = svc.pipeline.run([comment], site["policy"])
    return jsonify({"analysis": analysis, "status": decision["status"]})


@bp.get("/healthz")
def healthz():
    svc = service.current()
    models = {task: svc.models.get(task) for task in vocab.TASKS}
    try:
        records.count_rows(svc.db, records.Site)
        database = "ok"
    except Exception as exc:  # the health check reports, it does not fail
        database = f"error: {type(exc).__name__}"
    body = {
        "status": "ok" if database == "ok" and all(models.values()) else "degraded",
        "database": database,
        # a version, or only that it is missing: the reason names files, see 'moderation models list'
        "models": {t: (m.version if m else "not loaded") for t, m in models.items()},
    }
    return jsonify(body), 200 if database == "ok" else 503


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
