"""HTTP throughput of POST /api/v1/comments under gunicorn, against a bare Flask JSON endpoint.

Both run with the same gunicorn settings on this machine, in the same run, loaded
by wrk (Debian's package) with a Lua script that sends a new external_id on every
request (so every request is analysed and stored, never an idempotent replay).
The full service stores into SQLite (WAL) by default; pass --database-url for PostgreSQL.
Usage: python bench/http_throughput.py [--seconds 10] [--connections 16] [--database-url URL]
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import machine, write_section  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LUA = r"""
-- every wrk thread has its own Lua state: number the threads in setup(), or both would send
-- the same ids (counter and math.random start alike in each), half of them idempotent replays
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %s"
texts = {
  "Meer ruimte voor de wijkteams, laat ze zelf beslissen met de bewoners.",
  "Die ambtenaren zijn echt zakkenvullers, schrap die hele afdeling maar.",
  "Beleid is bindend en de raad beslist, niet een clubje hardroepers op een inspraakavond.",
  "Weet iemand waar het rapport over de gemeenschappelijke regeling staat?",
}
request = function()
  counter = counter + 1
  local id = string.format("%%s-%%d-%%d", tid or "t", counter, os.time())
  local body = string.format('{"external_id": "%%s", "article": {"id": "a1", "title": "Bench"}, "text": "%%s"}',
                             id, texts[(counter %% 4) + 1])
  return wrk.format(nil, nil, nil, body)
end
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(url, proc):
    for _ in range(600):
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("server exited") from None
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def start(cmd, env, health):
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    wait(health, proc)
    return proc


def stop(proc):
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(20)


def run_wrk(url, script, seconds, connections):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+\w+)", out).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "non_2xx": int(errors.group(1)) if errors else 0}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--database-url")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk (make bench does it)")
    tmp = Path(tempfile.mkdtemp(prefix="bench-http-"))
    env = dict(
        os.environ, DATABASE_URL=args.database_url or f"sqlite:///{tmp / 'bench.sqlite'}", MODERATION_SECRET_KEY="bench"
    )
    moderation = str(BIN / "moderation")
    subprocess.run([moderation, "db", "upgrade"], env=env, check=True, capture_output=True)
    key = json.loads(
        subprocess.run(
            [moderation, "sites", "add", f"bench-{os.getpid()}", "--json"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )["api_key"]
    # throughput, not the per-site rate limit (50/s by default), is what is measured here
    subprocess.run(
        [moderation, "sites", "set", f"bench-{os.getpid()}", "--rate-limit", "0"],
        env=env,
        check=True,
        capture_output=True,
    )
    script = tmp / "post.lua"
    script.write_text(LUA % key)
    results = {}
    servers = {
        "bare": lambda port: [
            str(BIN / "gunicorn"),
            *("--chdir", str(ROOT / "bench"), "-w", str(args.workers), "-k", "gthread"),
            *("--threads", str(args.threads), "-b", f"127.0.0.1:{port}", "bare_app:app"),
        ],
        "full": lambda port: [
            moderation,
            *("serve", "--host", "127.0.0.1", "--port", str(port)),
            *("--workers", str(args.workers), "--threads", str(args.threads)),
        ],
    }
    for name, command in servers.items():
        port = free_port()
        proc = start(command(port), env, f"http://127.0.0.1:{port}/healthz")
        try:
            results[name] = run_wrk(
                f"http://127.0.0.1:{port}/api/v1/comments", str(script), args.seconds, args.connections
            )
        finally:
            stop(proc)
    ratio = results["full"]["rps"] / results["bare"]["rps"]
    engine = "PostgreSQL" if args.database_url else "SQLite (WAL)"
    body = f"""## HTTP: POST /api/v1/comments under gunicorn

`python bench/http_throughput.py` — {machine()}.
gunicorn {args.workers} workers x {args.threads} thread(s) (bare: gthread; full: `moderation serve`, uvicorn workers behind the buffering front); wrk 2 threads, {args.connections} connections,
{args.seconds} s each, a new `external_id` per request (every request analysed and stored in {engine}).
The load generator shares the machine's 2 cores with the server.

| endpoint | requests/s | p50 | p99 | non-2xx |
|---|---:|---:|---:|---:|
| bare Flask JSON endpoint (no auth, no analysis, no storage) | {results["bare"]["rps"]:.0f} | {results["bare"]["p50"]} | {results["bare"]["p99"]} | {results["bare"]["non_2xx"]} |
| full service: auth, validation, all plugins, one transaction | {results["full"]["rps"]:.0f} | {results["full"]["p50"]} | {results["full"]["p99"]} | {results["full"]["non_2xx"]} |

Full service at **{ratio:.0%}** of the bare endpoint's requests per second (aim: at least 50%).
"""
    print(body)
    write_section("http", body)


if __name__ == "__main__":
    main()
