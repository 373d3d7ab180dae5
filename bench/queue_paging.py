"""How fast the moderator queue pages with 100,000 comments, on SQLite and PostgreSQL.

Seeds N comments (with analyses and decisions, 70% pending), then times
``review.page`` (the keyset query, the count and the details of 25 items) for
the first page, a page deep in the queue, filters and search, and the whole
``GET /queue`` page through the Flask test client.  Median of repeated runs.
Usage: python bench/queue_paging.py [--comments 100000] [--runs 15] [--no-postgres] [--no-write]
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from report import machine, write_section  # noqa: E402

from moderation.storage import accounts  # noqa: E402
from moderation.storage import review_queue as review  # noqa: E402
from moderation.storage.paging import COUNT_CAP  # noqa: E402
from moderation.storage.tables import Analysis, Article, Comment, Decision, Site, pack_labels  # noqa: E402

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
STANCES = ("pro-participation", "pro-policy", "hostile", "neutral")
WORDS = (
    "regels participatie gemeente raad wijkteam ambtenaren beleid inspraak bewoners wethouder jeugdzorg "
    "stikstof samenwerking bureaucratie formulier vergunning"
).split()


def seed(db, n, rng):
    now = datetime.now(UTC)
    with db.session() as s:
        s.add_all([Site(id=i, name=f"site{i}", api_key_hash=f"{i:064}", policy={}) for i in (1, 2)])
        s.flush()
        s.add_all(
            [
                Article(
                    id=i,
                    site_id=1 + i % 2,
                    site_article_id=f"a{i}",
                    title=f"Artikel {i}",
                    url=f"https://example.org/{i}",
                )
                for i in range(1, 501)
            ]
        )
    chunk = 5000
    for start in range(0, n, chunk):
        comments, analyses, decisions = [], [], []
        for i in range(start + 1, min(n, start + chunk) + 1):
            score, hostility = round(rng.random(), 4), round(rng.random(), 4)
            stance = rng.choice(STANCES)
            categories = [rng.choice(("insult", "profanity", "threat"))] if score >= 0.5 and rng.random() < 0.7 else []
            tags = rng.sample(("participatie", "beleid", "politiek", "reply", "question"), 2)
            status = rng.choices(("pending", "approved", "rejected"), (70, 20, 10))[0]
            sampled = status != "pending" and rng.random() < 0.02  # the audit sample's 2% of automatic decisions
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 60)))
            if "insult" in categories:
                text += " zakkenvullers"
            comments.append(
                dict(
                    id=i,
                    site_id=1 + i % 2,
                    article_id=1 + i % 500,
                    external_id=f"e{i}",
                    author_id=f"u{i % 5000}",
                    author_name=f"Lezer {i % 5000}",
                    text=text,
                    received_at=now - timedelta(seconds=rng.randint(0, 30 * 86400)),
                    status=status,
                    urgent=rng.random() < 0.01,
                    stance=stance,
                    uncivil=score >= 0.5,
                    incivility_score=score,
                    hostility=hostility,
                    categories=pack_labels(categories),
                    tags=pack_labels(tags),
                    audit_sample=sampled,
                    doubt=round(1 - abs(score - 0.5) * 2, 4),
                )
            )
            analyses.append(
                dict(
                    comment_id=i,
                    result={
                        "stance": {"label": stance, "scores": {s: 0.25 for s in STANCES}},
                        "incivility": {"uncivil": score >= 0.5, "score": score, "categories": categories, "spans": []},
                        "tags": tags,
                        "models": {},
                        "errors": [],
                    },
                    created_at=now,
                )
            )
            decisions.append(dict(comment_id=i, site_id=1 + i % 2, status=status, actor="policy", created_at=now))
        with db.session() as s:
            s.execute(Comment.__table__.insert(), comments)
            s.execute(Analysis.__table__.insert(), analyses)
            s.execute(Decision.__table__.insert(), decisions)
    if not db.is_sqlite:  # the steady state autovacuum keeps a real database in
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


def timed(fn, runs):
    fn()  # warm the caches once
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]


def measure(url, n, runs, label, reuse=False):
    from moderation.app import create_app

    app = create_app({"DATABASE_URL": url, "TESTING": True, "SECRET_KEY": "bench"})
    db = app.extensions["moderation"].db
    db.upgrade()
    started = time.perf_counter()
    if not reuse:
        seed(db, n, random.Random(7))
    seeded = time.perf_counter() - started
    deep = review.page(db, "pending", None, review.Filters(), limit=1)
    with db.session() as s:  # a cursor half-way down the queue, as if 1,400 pages were clicked through
        from sqlalchemy import select

        order = review.RISK_ORDER
        row = s.execute(
            select(*order)
            .where(Comment.status == "pending", Comment.escalated_at.is_(None))
            .order_by(*[c.desc() for c in order])
            .offset(n * 7 // 20)
            .limit(1)
        ).one()
    deep_cursor = review.encode_cursor(list(row))
    if not reuse:
        accounts.create(db, "bench@example.org", "een-lang-wachtwoord")
    client = app.test_client()
    token = client.get("/login").get_data(as_text=True).split('name="csrf-token" content="')[1].split('"')[0]
    client.post("/login", data={"email": "bench@example.org", "password": "een-lang-wachtwoord", "csrf_token": token})
    F = review.Filters
    cases = [
        ("first page", lambda: review.page(db, "pending", None, F())),
        ("a page half-way down (keyset cursor)", lambda: review.page(db, "pending", None, F(), after=deep_cursor)),
        ("moderator limited to one site", lambda: review.page(db, "pending", [1], F())),
        ("filter: stance hostile", lambda: review.page(db, "pending", None, F(stance="hostile"))),
        (
            "filter: category threat, tag question",
            lambda: review.page(db, "pending", None, F(category="threat", tag="question")),
        ),
        ("filter: one article", lambda: review.page(db, "pending", None, F(article_id=42))),
        ("order: least certain first", lambda: review.page(db, "pending", None, F(order="doubt"))),
        ("audit sample list", lambda: review.page(db, "sample", None, F())),
        ("nav counts (queue, escalated, sample)", lambda: review.counts(db, None)),
        ("search: text contains 'zakkenvullers'", lambda: review.page(db, "pending", None, F(q="zakkenvullers"))),
        ("search that matches nothing", lambda: review.page(db, "pending", None, F(q="xyzzy"))),
        ("search: part of a word 'zakkenvul'", lambda: review.page(db, "pending", None, F(q="zakkenvul"))),
        ("search: Dutch stem 'ambtenaar'", lambda: review.page(db, "pending", None, F(q="ambtenaar"))),
        ("search: an author 'Lezer 4711'", lambda: review.page(db, "pending", None, F(q="Lezer 4711"))),
        ("whole page: GET /queue (HTML, 25 items)", lambda: client.get("/queue")),
    ]
    results = [(name, *timed(fn, runs)) for name, fn in cases]
    assert deep["total"] > min(n // 2, COUNT_CAP)
    app.extensions["moderation"].close()
    return label, seeded, results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="print, do not update docs/BENCHMARKS.md")
    parser.add_argument("--reuse", metavar="DATABASE", help="time an already seeded PostgreSQL database, keep it")
    args = parser.parse_args()
    runs = []
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    if not args.no_sqlite and not args.reuse:
        with tempfile.TemporaryDirectory() as tmp:
            runs.append(measure(f"sqlite:///{tmp}/bench.sqlite", args.comments, args.runs, "SQLite (WAL)"))
    if args.reuse:
        url = PG.rsplit("/", 1)[0] + "/" + args.reuse
        runs.append(measure(url, args.comments, args.runs, "PostgreSQL 15", reuse=True))
    elif not args.no_postgres:  # a database of its own, dropped afterwards to free the disk
        import sqlalchemy

        name = "bench_" + uuid.uuid4().hex[:8]
        admin = sqlalchemy.create_engine(PG.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            runs.append(measure(PG.rsplit("/", 1)[0] + "/" + name, args.comments, args.runs, "PostgreSQL 15"))
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
            admin.dispose()
    load_after = Path("/proc/loadavg").read_text().split()[:3]
    names = [name for name, _, _ in runs[0][2]]
    header = (
        "| query (25 items, with count and details) | "
        + " | ".join(f"{label} median / p95" for label, _, _ in runs)
        + " |"
    )
    lines = [header, "|---|" + "---:|" * len(runs)]
    for i, name in enumerate(names):
        lines.append(f"| {name} | " + " | ".join(f"{r[2][i][1]:.1f} ms / {r[2][i][2]:.1f} ms" for r in runs) + " |")
    body = "\n".join(
        [
            f"## Queue: paging {args.comments:,} comments",
            "",
            f"`python bench/queue_paging.py` — {machine()}.",
            f"{args.comments:,} comments (70% pending, 2 sites, 500 articles, 5,000 authors) with an analysis and a",
            "decision each; every query is `review.page` as the queue page calls it: the keyset query on",
            "`ix_comments_queue`, the total count for the filters, and the details of 25 items (analyses, articles,",
            f"parents, author history, decisions, corrections). Median and 95th percentile of {args.runs} runs after one warm-up.",
            "",
            *lines,
            "",
            "Seeding took " + ", ".join(f"{seeded:.0f} s on {label}" for label, seeded, _ in runs) + ".",
            f"Load average (1, 5, 15 min) at the start of the run {', '.join(load_before)}, at the end {', '.join(load_after)}",
            "(other work shares the machine).",
            "A page deep in the queue costs what the first does (keyset, no OFFSET). On PostgreSQL the search",
            "uses the Dutch full-text and trigram indexes (migrations `search`, `search_scale`); on SQLite it is a substring scan.",
        ]
    )
    print(body)
    if not args.no_write:
        write_section("queue" if args.comments == 100_000 else f"queue-{args.comments}", body)


if __name__ == "__main__":
    main()
