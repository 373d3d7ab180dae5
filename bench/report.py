"""Writes one benchmark's section of docs/BENCHMARKS.md, between its own markers."""

import os
import platform
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "BENCHMARKS.md"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    mem = (
        subprocess.run(["free", "-g"], capture_output=True, text=True).stdout.split("\n")[1].split()[1]
        if os.path.exists("/usr/bin/free")
        else "?"
    )
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem} GiB memory, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )


def write_section(name: str, body: str) -> None:
    DOC.parent.mkdir(exist_ok=True)
    text = (
        DOC.read_text(encoding="utf-8")
        if DOC.exists()
        else "# Benchmarks\n\nFigures from `make bench`; each section says how it was measured.\n"
    )
    block = f"<!-- {name}:begin -->\n{body.rstrip()}\n<!-- {name}:end -->"
    pattern = re.compile(rf"<!-- {re.escape(name)}:begin -->.*?<!-- {re.escape(name)}:end -->", re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")
