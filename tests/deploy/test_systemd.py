"""The systemd units deploy/ ships: systemd's own checks where systemd-analyze exists, and everywhere
that they run real ``moderation`` commands with real options and settings."""

import configparser
import os
import re
import shlex
import shutil
import subprocess
import time

import click
import pytest
from helpers.nginx import NGINX_DIR
from helpers.server import MODERATION

from moderation.cli.main import main
from moderation.config import PROJECT_ROOT

SYSTEMD = PROJECT_ROOT / "deploy" / "systemd"
UNITS = sorted(SYSTEMD.glob("*.service"))
FILES = sorted([*UNITS, *SYSTEMD.glob("*.timer")])
LONG_RUNNING = ("moderation.service", "moderation-worker.service")
ENV_EXAMPLE = PROJECT_ROOT / "deploy" / "moderation.env.example"
INSTALLED = "/opt/moderation/.venv/bin/moderation"
# read by the libraries underneath, not by moderation/config.py
OTHER_SETTINGS = {"FORWARDED_ALLOW_IPS", "PROMETHEUS_MULTIPROC_DIR"}


def unit(path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read(path)
    return parser


def installed_here(tmp_path):
    """The units with the install path pointing at this checkout's ``moderation``, as systemd
    checks that every command exists."""
    for path in FILES:
        text = path.read_text().replace(INSTALLED, MODERATION).replace("/opt/moderation", str(PROJECT_ROOT))
        (tmp_path / path.name).write_text(text)
    return [tmp_path / path.name for path in FILES]


def analyze(*args):
    if shutil.which("systemd-analyze") is None:
        pytest.skip(
            "systemd-analyze is not installed: the units were not checked by systemd (the other tests still ran)"
        )
    return subprocess.run(["systemd-analyze", *args], capture_output=True, text=True, timeout=120)


def test_there_are_units_for_the_server_the_worker_and_backups():
    assert [p.name for p in FILES] == [
        "moderation-backup.service",
        "moderation-backup.timer",
        "moderation-worker.service",
        "moderation.service",
    ]


def test_systemd_analyze_verify(tmp_path):
    files = installed_here(tmp_path)
    done = analyze("verify", *map(str, files))
    ours = [line for line in (done.stdout + done.stderr).splitlines() if "moderation" in line]
    assert done.returncode == 0 and not ours, done.stdout + done.stderr


def test_systemd_rates_them_well_hardened(tmp_path):
    """systemd's exposure score (0 safest, 10 worst) stays at 2.0 or below: 1.4 when written."""
    for path in installed_here(tmp_path):
        if path.suffix != ".service":
            continue
        done = analyze("security", "--offline=yes", "--threshold=20", str(path))
        assert done.returncode == 0, done.stdout[-800:] + done.stderr
        assert re.search(r"Overall exposure level for .*: [0-2]\.\d", done.stdout), done.stdout[-300:]


@pytest.mark.parametrize("path", UNITS, ids=lambda p: p.name)
def test_units_are_hardened_and_restart(path):
    service = unit(path)["Service"]
    assert service["User"] == "moderation" and service["ProtectSystem"] == "strict"
    assert service["EnvironmentFile"] == "/etc/moderation/moderation.env"
    if path.name in LONG_RUNNING:
        assert service["Restart"] == "on-failure"
    assert "/var/lib/moderation" in service["ReadWritePaths"].split()
    assert service["NoNewPrivileges"] == "yes" and service["CapabilityBoundingSet"] == ""


@pytest.mark.parametrize("path", UNITS, ids=lambda p: p.name)
def test_units_run_real_commands_with_real_options(path):
    """Every Exec line is parsed by the real command line: a renamed command or option fails here."""
    service = unit(path)["Service"]
    lines = [service[key] for key in ("ExecStartPre", "ExecStart") if key in service]
    assert lines
    for line in lines:
        words = shlex.split(line.replace("%%", "%"))
        if words[:2] == ["/bin/sh", "-c"]:
            words = shlex.split(words[2].removeprefix("exec "))
        program, *args = words
        assert program == INSTALLED
        command, name = main, "moderation"
        while isinstance(command, click.Group):
            sub = command.get_command(click.Context(command), args[0])
            assert sub is not None, f"{path.name}: no command {args[0]!r} in {line!r}"
            command, name, args = sub, args[0], args[1:]
        command.make_context(name, list(args))  # raises on an unknown option or a bad value


def test_the_backup_unit_backs_up_and_prunes(tmp_path, sqlite_template):
    """The backup unit's own command lines, run by sh with the folder moved to tmp: a whole
    backup with the date in its name, and backups older than 14 days deleted."""
    service = unit(SYSTEMD / "moderation-backup.service")["Service"]
    assert "/var/backups/moderation" in service["ReadWritePaths"].split()
    folder = tmp_path / "backups"
    folder.mkdir()
    old = folder / "moderation-2020-01-01T0315.backup"
    old.write_text("old")
    os.utime(old, (time.time() - 20 * 86400,) * 2)
    keep = folder / "notes.txt"
    keep.write_text("not a backup")
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{sqlite_template}")
    for key in ("ExecStart", "ExecStartPost"):
        line = service[key].replace("%%", "%").replace(INSTALLED, MODERATION)
        line = line.replace("/var/backups/moderation", str(folder))
        subprocess.run(shlex.split(line), env=env, check=True, capture_output=True, timeout=120)
    (made,) = folder.glob(f"moderation-{time.strftime('%Y-%m-%d', time.gmtime())}T*.backup")
    assert made.read_bytes().startswith(b"SQLite format 3") and made.stat().st_mode & 0o077 == 0
    assert not old.exists() and keep.exists()


def test_the_server_listens_where_nginx_sends_requests():
    serve = shlex.split(unit(PROJECT_ROOT / "deploy" / "systemd" / "moderation.service")["Service"]["ExecStart"])
    address = f"{serve[serve.index('--host') + 1]}:{serve[serve.index('--port') + 1]}"
    assert f"MODERATION_UPSTREAM:-{address}" in (NGINX_DIR / "render.sh").read_text()


def test_the_environment_file_names_real_settings():
    """Every KEY= in the example (also the commented ones) is a setting the service reads."""
    names = re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", ENV_EXAMPLE.read_text(), re.M)
    assert "DATABASE_URL" in names and "MODERATION_SECRET_KEY" in names
    config_source = (PROJECT_ROOT / "moderation" / "config.py").read_text()
    unknown = [n for n in names if f'"{n}"' not in config_source and n not in OTHER_SETTINGS]
    assert not unknown, f"not settings of the service: {unknown}"
