"""Where one ``POST /api/v1/comments`` spends its time: parse, auth, analysis per plugin, SQL, serialise.

    .venv/bin/python bench/profile_post.py [-n 1000] [--database-url URL] [--markdown] [--pyinstrument FILE]

Runs ``n`` POSTs (a new ``external_id`` each, the same four texts as the HTTP
benchmark) through the real app and a real database (a temporary SQLite file
by default) in one process, with the WSGI stack in between (Flask's test
client), and times each phase by wrapping the function that does it:

- parse: reading and validating the JSON body (``validation.json_body``, ``validation.comment``);
- auth: ``authenticated_site`` (the key lookup, cached or not);
- analysis: each ``moderation_analyze`` implementation, and ``moderation_decide``;
- SQL: the storage calls of the request (the idempotency check, the store; the key
  lookup is counted under auth);
- serialise: ``jsonify`` of the response;
- the rest: Flask, werkzeug, the test client and the pipeline's own bookkeeping.

``--pyinstrument FILE`` also writes a pyinstrument call-tree (text) of the same run.
"""

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

TEXTS = [
    "Meer ruimte voor de wijkteams, laat ze zelf beslissen met de bewoners.",
    "Die ambtenaren zijn echt zakkenvullers, schrap die hele afdeling maar.",
    "Beleid is bindend en de raad beslist, niet een clubje hardroepers op een inspraakavond.",
    "Weet iemand waar het rapport over de gemeenschappelijke regeling staat?",
]
SQL_FUNCTIONS = ("find_comment", "store_comment", "store", "existing")


def timed(totals, phase, function):
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            totals[phase] += time.perf_counter() - started

    wrapper.__wrapped__ = function
    return wrapper


def instrument(app, totals):
    from moderation.storage import comments as records
    from moderation.web import api, validation

    for name in ("json_body", "comment"):
        setattr(validation, name, timed(totals, "parse", getattr(validation, name)))
    api.authenticated_site = timed(totals, "auth", api.authenticated_site)
    api.jsonify = timed(totals, "serialise", api.jsonify)
    modules = [records]
    try:
        from moderation.storage import intake

        modules.append(intake)
    except ImportError:  # before storage.intake existed
        pass
    for module in modules:
        for name in SQL_FUNCTIONS:
            if hasattr(module, name):
                setattr(module, name, timed(totals, "SQL", getattr(module, name)))
    pm = app.extensions["moderation"].pm
    for impl in pm.hook.moderation_analyze.get_hookimpls():
        impl.function = timed(totals, f"analysis: {impl.plugin_name}", impl.function)
    for impl in pm.hook.moderation_decide.get_hookimpls():
        impl.function = timed(totals, "decision (policy)", impl.function)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=1000)
    ap.add_argument("--database-url")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--pyinstrument", help="write a pyinstrument text profile here")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp / 'profile.sqlite'}"
    os.environ.setdefault("MODERATION_SECRET_KEY", "bench")
    from moderation.app import create_app
    from moderation.storage import comments as records
    from moderation.storage import sites

    app = create_app()
    svc = app.extensions["moderation"]
    svc.db.upgrade()
    name = f"profile-{os.getpid()}"
    key = records.create_site(svc.db, name)["api_key"]
    sites.update(svc.db, name, rate_limit="0")  # the POST's own time, not the per-site rate limit
    client = app.test_client()
    headers = {"Authorization": f"Bearer {key}"}

    def post(i):
        body = {"external_id": f"p-{i}", "article": {"id": "a1", "title": "Bench"}, "text": TEXTS[i % 4]}
        response = client.post("/api/v1/comments", json=body, headers=headers)
        assert response.status_code == 201, response.get_data(as_text=True)

    for i in range(50):  # warm-up: caches, connections
        post(-1 - i)
    totals = defaultdict(float)
    instrument(app, totals)
    profiler = None
    if args.pyinstrument:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    started = time.perf_counter()
    for i in range(args.n):
        post(i)
    total = time.perf_counter() - started
    if profiler is not None:
        profiler.stop()
        Path(args.pyinstrument).write_text(profiler.output_text(unicode=True, color=False, show_all=False))
    print(render(totals, total, args.n, app.extensions["moderation"].db.engine.dialect.name, args.markdown))


def render(totals, total, n, engine, markdown):
    rows = sorted(totals.items(), key=lambda kv: -kv[1])
    rest = total - sum(v for k, v in totals.items())
    lines = [
        f"Where one POST's time goes (`bench/profile_post.py`, {n} POSTs in one process, {engine}, Flask test client):",
        "",
        "| phase | µs per POST | share |",
        "|---|---:|---:|",
    ]
    for phase, seconds in rows + [("the rest (Flask, werkzeug, pipeline bookkeeping)", rest)]:
        lines.append(f"| {phase} | {seconds / n * 1e6:,.0f} | {seconds / total:.0%} |")
    lines.append(f"| **total** | **{total / n * 1e6:,.0f}** | |")
    text = "\n".join(lines) + "\n"
    return text if markdown else text.replace("|", " ").replace("---:", "")


if __name__ == "__main__":
    sys.exit(main())
