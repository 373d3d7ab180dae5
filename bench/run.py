"""``make bench``: run the benchmarks in turn; each writes its section of docs/BENCHMARKS.md.

Usage: python bench/run.py [NAME ...]   (default: every benchmark below, in this order)

The HTTP benchmark needs Debian's ``wrk``; the queue benchmark uses PostgreSQL when it runs
on 127.0.0.1:5432. ``compare_models.py`` and ``span_masking.py`` are experiments, run by hand.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = {
    "cli": ["cli_startup.py"],
    "models": ["models.py"],
    "queue": ["queue_paging.py"],
    "http": ["http_throughput.py"],
}


def main(names):
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        sys.exit(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    failed = []
    for name in names or list(BENCHMARKS):
        script, *args = BENCHMARKS[name]
        print(f"== {name}: python bench/{script} {' '.join(args)}".rstrip(), flush=True)
        if subprocess.run([sys.executable, str(HERE / script), *args]).returncode != 0:
            failed.append(name)
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main(sys.argv[1:])
