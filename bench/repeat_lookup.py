"""How fast the repeat lookup stays with a million comments on PostgreSQL (storage.repeats).

In a schema of its own in the ``test`` database (dropped afterwards): N comments of one site
over the past 30 days, each with its nine repeat keys (unique texts: random keys, made in
SQL), plus a campaign of 1,000 copies and near copies whose keys are computed for real.
Then times, median of repeated runs: the intake's candidate lookup for a new comment
(``repeats.matches``: one statement) for a unique text and for the campaign's text, the
queue card's count (``repeats.counts``), and a whole new comment through
``author_rules.apply``; and prints PostgreSQL's plan for the lookup.
Usage: python bench/repeat_lookup.py [--comments 1000000] [--runs 30] [--no-write]
"""

import argparse
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from report import machine, write_section  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from moderation.storage import author_rules, repeats  # noqa: E402
from moderation.storage.database import Database  # noqa: E402
from moderation.storage.tables import Comment  # noqa: E402

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CAMPAIGN = "Stop de windmolens in Drenthe nu, teken allemaal de petitie op onze website vandaag nog!"


def seed(db, n):
    with db.engine.begin() as c:
        c.execute(
            text("INSERT INTO sites (id, name, api_key_hash, policy, created_at) VALUES (1, 's', :h, '{}', now())"),
            {"h": "0" * 64},
        )
        c.execute(
            text(
                "INSERT INTO comments (id, site_id, external_id, author_id, text, received_at, status, urgent,"
                " incivility_score, hostility, audit_sample, doubt, repeat_group)"
                " SELECT i, 1, 'c' || i, 'u' || (i % 50000), 'tekst ' || md5(i::text),"
                " now() - (i % 43200) * interval '1 minute', 'approved', false, 0, 0, false, 0, NULL"
                " FROM generate_series(1, :n) AS i"
            ),
            {"n": n},
        )
        c.execute(
            text(
                "INSERT INTO repeat_keys (comment_id, key, site_id, received_at)"
                " SELECT c.id, (random() * 9.2e18)::bigint - 4600000000000000000, 1, c.received_at"
                " FROM comments c CROSS JOIN generate_series(1, 9)"
            )
        )
    rows, key_rows, now = [], [], datetime.now(UTC)
    for j in range(1000):
        cid = n + 1 + j
        body = CAMPAIGN if j % 2 else CAMPAIGN.replace("vandaag nog!", f"vandaag. Groet {j % 7}")
        rows.append(
            {
                "id": cid,
                "site_id": 1,
                "external_id": f"k{j}",
                "author_id": f"k{j % 300}",
                "text": body,
                "received_at": now,
                "status": "approved",
                "repeat_group": n + 1 if j else None,
            }
        )
        key_rows += repeats.rows(cid, 1, now, repeats.keys(body)[1])
    with db.session() as s:
        s.execute(Comment.__table__.insert(), rows)
        repeats.store_keys(s, key_rows)
    with db.engine.begin() as c:
        c.execute(text("ANALYZE comments"))
        c.execute(text("ANALYZE repeat_keys"))


def timed(fn, runs):
    fn()
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    schema = "bench_" + uuid.uuid4().hex[:10]
    admin = create_engine(PG)
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    db = Database(f"{PG}?options=-csearch_path%3D{schema}", statement_timeout=0)  # seeding takes minutes
    try:
        db.upgrade()
        started = time.perf_counter()
        seed(db, args.comments)
        seeded = time.perf_counter() - started
        now = datetime.now(UTC)
        unique = repeats.keys("Een heel andere reactie over de gemeenteraad en het nieuwe parkeerbeleid.")
        campaign = repeats.keys(CAMPAIGN)

        def lookup(item):
            with db.session() as s:
                return repeats.matches(s, 1, [item], now)[0]

        def card():
            with db.session() as s:
                rows = list(s.scalars(Comment.__table__.select().where(Comment.id == args.comments + 2)))
                c = s.get(Comment, args.comments + 2)
                return repeats.counts(s, [c]) if rows else None

        def apply_one():
            with db.session() as s:
                site = {"id": 1, "policy": {"hold_repeats": 3, "first_comments_held": 2}}
                item = ({"external_id": "new", "text": CAMPAIGN, "author": {"id": "u7"}}, {}, {"status": "approved"})
                return author_rules.apply(s, site, [item], now)[0]

        found = lookup(campaign)
        figures = {
            "lookup, unique text (no candidates)": timed(lambda: lookup(unique), args.runs),
            f"lookup, campaign text ({len(found)} matches verified)": timed(lambda: lookup(campaign), args.runs),
            "card count (repeats.counts, one group)": timed(card, args.runs),
            "author_rules.apply for one new comment": timed(apply_one, args.runs),
        }
        held = apply_one()
        sql = (
            "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT rk.key, c.id FROM repeat_keys rk"
            " JOIN comments c ON c.id = rk.comment_id WHERE rk.site_id = 1 AND rk.key IN ("
            + ",".join(map(str, campaign[1]))
            + ") AND rk.received_at >= now() - interval '7 days' LIMIT 500"
        )
        with db.engine.connect() as c:
            plan = "\n".join(row[0] for row in c.execute(text(sql)))
    finally:
        db.dispose()
        with admin.begin() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    lines = [
        "## Repeat lookup at a million comments",
        "",
        f"`python bench/repeat_lookup.py --comments {args.comments}` — {machine()}.",
        f"{args.comments:,} comments of one site over 30 days with nine repeat keys each "
        f"({9 * args.comments:,} `repeat_keys` rows; seeded in {seeded:.0f} s), plus a campaign of 1,000 copies and "
        f"near copies. Median of {args.runs} runs, PostgreSQL:",
        "",
        "| what | ms |",
        "|---|---|",
        *[f"| {name} | {ms:.2f} |" for name, ms in figures.items()],
        "",
        f"The new campaign comment is held: `{held.decision['reason']}`, posted {held.times} times by "
        f"{held.authors} authors (the candidate read stops at {repeats.CANDIDATE_LIMIT}). The lookup's plan:",
        "",
        "```",
        plan,
        "```",
    ]
    print("\n".join(lines))
    if not args.no_write:
        write_section("repeat-lookup", "\n".join(lines))


if __name__ == "__main__":
    main()
