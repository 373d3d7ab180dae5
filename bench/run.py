"""Every figure of the fast-path table (issue 12) in one run: ``make bench`` or

    .venv/bin/python bench/run.py [--repeat 3] [--seconds 10] [--no-postgres] [--profile] [--no-write]

1. HTTP: ``POST /api/v1/comments`` with storage against a bare Flask JSON endpoint
   (bench/bare_app.py), gunicorn 2 workers x 1 thread for both, loaded by wrk
   (Debian's package) on the same 2 cores; SQLite (WAL) and PostgreSQL
   (``--pg-url``, default the local test server; a fresh database per run).
2. classify: ``moderation classify``'s own loop (``Pipeline.analyze`` in batches
   of 256 plus one JSON line per comment) over 4,000 comments, start-up
   excluded, against one scikit-learn pipeline (word 1-2 + char 2-5 TF-IDF,
   LogisticRegression) predicting the stance of the same comments.
3. start-up to the first answer: ``moderation classify --text`` in a fresh
   process (models loaded and verified), wall time; the app factory plus one
   analysis in a fresh process; and a ``moderation serve`` worker killed
   (``kill -9``) until its replacement answers ``POST /api/v1/classify``
   (an analysis): what a gunicorn worker costs to become ready.

Each figure is measured ``--repeat`` times; the medians are reported (with the
spread) and written to docs/BENCHMARKS.md.  ``--profile`` adds where one POST's
time goes (bench/profile_post.py).
"""

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from http_throughput import LUA, free_port, run_wrk, start, stop  # noqa: E402
from report import machine, write_section  # noqa: E402

BIN = Path(sys.executable).parent
MODERATION = str(BIN / "moderation")
AIMS = {"sqlite": 0.5, "postgres": 0.4, "classify": 1.5, "startup": 0.5}
SETTLE_SECONDS = 2
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"


def ensure_wrk():
    if shutil.which("wrk"):
        return
    apt = ["apt-get"] if os.geteuid() == 0 else ["sudo", "apt-get"]
    subprocess.run(apt + ["update", "-qq"], check=False)
    subprocess.run(
        apt + ["install", "-y", "-qq", "wrk"], check=True, env=dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    )


def _site_key(env, name):
    subprocess.run([MODERATION, "db", "upgrade"], env=env, check=True, capture_output=True)
    out = subprocess.run(
        [MODERATION, "sites", "add", name, "--json"], env=env, check=True, capture_output=True, text=True
    ).stdout
    # throughput, not the per-site rate limit (50/s by default), is what is measured here
    subprocess.run([MODERATION, "sites", "set", name, "--rate-limit", "0"], env=env, check=True, capture_output=True)
    return json.loads(out.strip().splitlines()[-1])["api_key"]


def _serve(cmd, env, seconds, connections, script):
    port = free_port()
    proc = start(_with_port(cmd, port), env, f"http://127.0.0.1:{port}/healthz")
    # every worker accepting before wrk opens its connections: an asyncio worker accepts all the
    # connections waiting at once, so one that is up first would take all 16 (kept alive) alone
    time.sleep(SETTLE_SECONDS)
    try:
        return run_wrk(f"http://127.0.0.1:{port}/api/v1/comments", script, seconds, connections)
    finally:
        stop(proc)


def _with_port(cmd, port):
    return [part.replace("{port}", str(port)) for part in cmd]


def http_round(engine_url, tmp, seconds, connections, n):
    env = dict(os.environ, DATABASE_URL=engine_url, MODERATION_SECRET_KEY="bench")
    script = tmp / f"post-{n}.lua"
    script.write_text(LUA % _site_key(env, f"bench-{os.getpid()}-{n}"))
    bare = [str(BIN / "gunicorn"), "--chdir", str(HERE), "-w", "2", "-k", "gthread", "--threads", "1"]
    bare += ["-b", "127.0.0.1:{port}", "bare_app:app"]
    full = [MODERATION, "serve", "--host", "127.0.0.1", "--port", "{port}", "--workers", "2", "--threads", "1"]
    return (
        _serve(bare, env, seconds, connections, str(script)),
        _serve(full, env, seconds, connections, str(script)),
    )


def pg_database(base_url, name):
    """A fresh PostgreSQL database for one run (dropped by the caller)."""
    import psycopg

    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return base_url.rsplit("/", 1)[0] + "/" + name


def pg_drop(base_url, name):
    import psycopg

    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def comments_4000():
    from moderation.ml.datasets import default_test_split, default_training_files

    rows = []
    for path in default_training_files() + [default_test_split()]:
        with open(path, encoding="utf-8") as f:
            rows += [json.loads(line) for line in f if line.strip()]
    texts = [r["text"] for r in rows if r.get("text")]
    return (texts * (4000 // len(texts) + 1))[:4000], rows


def classify_round(texts, rows):
    """(ours per s, sklearn per s) on the same 4,000 comments."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, make_pipeline

    from moderation.app import create_app

    app = create_app()
    pipeline = app.extensions["moderation"].pipeline
    pipeline.analyze([{"text": t} for t in texts[:256]])  # warm
    started = time.perf_counter()
    for i in range(0, len(texts), 256):
        for analysis in pipeline.analyze([{"text": t} for t in texts[i : i + 256]]):
            json.dumps(analysis, ensure_ascii=False)
    ours = len(texts) / (time.perf_counter() - started)
    app.extensions["moderation"].close()
    labelled = [r for r in rows if r.get("stance")]
    baseline = make_pipeline(
        FeatureUnion(
            [
                ("word", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
                ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
            ]
        ),
        LogisticRegression(max_iter=2000),
    ).fit([r["text"] for r in labelled], [r["stance"] for r in labelled])
    baseline.predict(texts[:256])
    started = time.perf_counter()
    baseline.predict(texts)
    theirs = len(texts) / (time.perf_counter() - started)
    return ours, theirs


STARTUP = """
import time; t = time.perf_counter()
from moderation.app import create_app
app = create_app()
app.extensions["moderation"].pipeline.run([{"text": "Die ambtenaren zijn zakkenvullers", "site": "s"}], {})
print(time.perf_counter() - t)
"""


def startup_round(tmp):
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp / 'startup.sqlite'}", MODERATION_SECRET_KEY="bench")
    started = time.perf_counter()
    subprocess.run(
        [MODERATION, "classify", "--text", "Die ambtenaren zijn zakkenvullers"],
        env=env,
        check=True,
        capture_output=True,
    )
    cli = time.perf_counter() - started
    worker = float(
        subprocess.run(
            [sys.executable, "-c", STARTUP], env=env, check=True, capture_output=True, text=True
        ).stdout.split()[-1]
    )
    return cli, worker


def worker_round(tmp, restarts=3):
    """Seconds from ``kill -9`` of the only worker of ``moderation serve`` to the first answer of
    ``POST /api/v1/classify`` (an analysis) from the worker the master starts instead."""
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{tmp / f'worker-{time.monotonic_ns()}.sqlite'}",
        MODERATION_SECRET_KEY="bench",
    )
    key = _site_key(env, f"restart-{os.getpid()}")
    port = free_port()
    proc = start([MODERATION, "serve", "--port", str(port), "--workers", "1"], env, f"http://127.0.0.1:{port}/healthz")
    classify = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/classify",
        data=json.dumps({"text": "Die ambtenaren zijn echt zakkenvullers"}).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    times = []
    try:
        for _ in range(restarts):
            worker = _only_child(proc.pid)
            os.kill(worker, signal.SIGKILL)
            started = time.perf_counter()
            while True:
                try:
                    with urllib.request.urlopen(classify, timeout=5) as answer:
                        if answer.status == 200 and _only_child(proc.pid) != worker:
                            break
                except OSError:
                    time.sleep(0.002)
            times.append(time.perf_counter() - started)
    finally:
        stop(proc)
    return med(times)


def _only_child(pid) -> int:
    """The pid of the gunicorn master's one worker (its child processes, from /proc)."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    while True:
        found = children.read_text().split()
        if len(found) == 1:
            return int(found[0])
        time.sleep(0.002)


def med(values):
    return statistics.median(values)


def spread(values, fmt="{:.0f}"):
    return f"{fmt.format(min(values))}–{fmt.format(max(values))}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG))
    ap.add_argument("--no-postgres", action="store_true")
    ap.add_argument("--profile", action="store_true", help="also profile one POST (bench/profile_post.py)")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--label", default="", help="a note for the section heading (e.g. 'before')")
    ap.add_argument("--json", help="also write the raw figures to this file")
    args = ap.parse_args()
    # the table is the fast path: the sentence encoder off, here and in every process started
    os.environ["MODERATION_ENCODER"] = "off"
    ensure_wrk()
    tmp = Path(tempfile.mkdtemp(prefix="bench-run-"))
    figures = {"sqlite": [], "postgres": [], "classify": [], "startup_cli": [], "startup_worker": [], "restart": []}
    texts, rows = comments_4000()
    for n in range(args.repeat):
        print(f"round {n + 1}/{args.repeat}", file=sys.stderr)
        bare, full = http_round(f"sqlite:///{tmp / f'bench-{n}.sqlite'}", tmp, args.seconds, args.connections, n)
        figures["sqlite"].append((full["rps"], bare["rps"], full["p50"], full["p99"], full["non_2xx"]))
        if not args.no_postgres:
            name = f"bench_{os.getpid()}_{n}"
            try:
                bare, full = http_round(pg_database(args.pg_url, name), tmp, args.seconds, args.connections, n)
                figures["postgres"].append((full["rps"], bare["rps"], full["p50"], full["p99"], full["non_2xx"]))
            finally:
                pg_drop(args.pg_url, name)
        figures["classify"].append(classify_round(texts, rows))
        cli, worker = startup_round(tmp)
        figures["startup_cli"].append(cli)
        figures["startup_worker"].append(worker)
        figures["restart"].append(worker_round(tmp))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    body = render(figures, args)
    if args.profile:
        body += "\n" + profile(tmp)
    print(body)
    if not args.no_write:
        write_section("fastpath-" + (args.label or "latest"), body)  # the before/after section stays


def profile(tmp) -> str:
    """bench/profile_post.py's table, and a pyinstrument call tree when pyinstrument is installed."""
    tree = tmp / "profile-post.txt"
    command = [sys.executable, str(HERE / "profile_post.py"), "--markdown"]
    try:
        import pyinstrument  # noqa: F401

        command += ["--pyinstrument", str(tree)]
    except ImportError:
        pass
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    if tree.exists():
        print(f"pyinstrument call tree of the profiled POSTs: {tree}", file=sys.stderr)
    return out


def render(figures, args):
    lines = [
        f"## Fast path: the issue's table{' (' + args.label + ')' if args.label else ''}",
        "",
        f"`python bench/run.py --repeat {args.repeat}` — {machine()}.",
        f"Medians of {args.repeat} runs (range in brackets). HTTP: the bare endpoint under gunicorn 2 workers x 1 thread",
        "(gthread), the service under `moderation serve --workers 2 --threads 1` (uvicorn workers, the front);",
        f"wrk 2 threads, {args.connections} connections, {args.seconds} s after all workers are up, a new `external_id` per request;",
        "the load generator shares the 2 cores. `MODERATION_ENCODER` off (the fast path).",
        "",
        "| figure | ours | baseline | ratio | aim | met |",
        "|---|---:|---:|---:|---:|:---:|",
    ]
    for key, what in (("sqlite", "POST with storage, SQLite (WAL)"), ("postgres", "POST with storage, PostgreSQL")):
        if figures[key]:
            ours, base = [f[0] for f in figures[key]], [f[1] for f in figures[key]]
            ratio = med([o / b for o, b in zip(ours, base)])
            lines.append(
                f"| {what} vs bare Flask JSON endpoint (req/s) | {med(ours):,.0f} ({spread(ours)}) | "
                f"{med(base):,.0f} ({spread(base)}) | {ratio:.2f}× | ≥ {AIMS[key]}× | {'yes' if ratio >= AIMS[key] else 'no'} |"
            )
    ours, base = [f[0] for f in figures["classify"]], [f[1] for f in figures["classify"]]
    ratio = med([o / b for o, b in zip(ours, base)])
    lines.append(
        f"| `moderation classify` of 4,000 comments vs one sklearn pipeline (comments/s) | {med(ours):,.0f} ({spread(ours)}) | "
        f"{med(base):,.0f} ({spread(base)}) | {ratio:.2f}× | ≥ 1.5× | {'yes' if ratio >= 1.5 else 'no'} |"
    )
    cli, worker = figures["startup_cli"], figures["startup_worker"]
    lines.append(
        f"| start-up to the first answer: app factory (models loaded, verified) + first analysis (s) | {med(worker):.2f} "
        f"({spread(worker, '{:.2f}')}) | | | ≤ 0.5 s | {'yes' if med(worker) <= 0.5 else 'no'} |"
    )
    restart = figures["restart"]
    lines.append(
        f"| start-up: a `moderation serve` worker killed until its replacement answers `POST /api/v1/classify` (s) | "
        f"{med(restart):.2f} ({spread(restart, '{:.2f}')}) | | | ≤ 0.5 s | {'yes' if med(restart) <= 0.5 else 'no'} |"
    )
    lines.append(
        f"| start-up: `moderation classify --text` one line, whole process (s) | {med(cli):.2f} "
        f"({spread(cli, '{:.2f}')}) | | | | |"
    )
    lines.append("")
    for key in ("sqlite", "postgres"):
        if figures[key]:
            p50 = ", ".join(f[2] for f in figures[key])
            p99 = ", ".join(f[3] for f in figures[key])
            errors = sum(f[4] for f in figures[key])
            lines.append(f"{key} full POST latency per run: p50 {p50}; p99 {p99}; non-2xx {errors}.  ")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
