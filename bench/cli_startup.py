"""How long a command takes from the shell: the storage-only commands against the whole app.

Usage: python bench/cli_startup.py [--runs 5] [--no-write]

Runs the installed ``moderation`` console script as a user does, on a fresh SQLite file with
one site, and reports the median wall time of ``sites list`` and ``moderators list`` (the
database alone) beside ``plugins`` (the whole app: plugins, models loaded and verified), and
``sites list`` with ``MODERATION_MODELS_DIR`` pointing at an empty folder.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import report  # noqa: E402

EXE = Path(sys.executable).with_name("moderation")


def timed(args, env, runs):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([str(EXE), *args], env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite")
        subprocess.run([str(EXE), "db", "upgrade"], env=env, check=True, capture_output=True)
        subprocess.run([str(EXE), "sites", "add", "bench"], env=env, check=True, capture_output=True)
        empty = Path(tmp) / "no-models"
        empty.mkdir()
        rows = [
            ("`moderation sites list`", timed(["sites", "list"], env, options.runs)),
            ("`moderation moderators list`", timed(["moderators", "list"], env, options.runs)),
            (
                "`moderation sites list`, empty models folder",
                timed(["sites", "list"], dict(env, MODERATION_MODELS_DIR=str(empty)), options.runs),
            ),
            ("`moderation plugins` (the whole app)", timed(["plugins"], env, options.runs)),
        ]
    body = "\n".join(
        [
            "## Command start-up",
            "",
            f"`python bench/cli_startup.py` — {report.machine()}.",
            "",
            f"Median wall time of {options.runs} runs of the console script, on SQLite with one site.",
            "",
            "| command | seconds |",
            "|---|---|",
            *[f"| {name} | {seconds:.2f} |" for name, seconds in rows],
        ]
    )
    print(body)
    if not options.no_write:
        report.write_section("cli_startup", body)


if __name__ == "__main__":
    main()
