"""The container route (deploy/Dockerfile, deploy/compose.yaml) without building an image (Docker may
be absent in CI): the files name real commands, options and settings, copy what exists, and the
model check the build runs passes on the shipped models and fails on a damaged one."""

import fnmatch
import json
import re
import shlex
import shutil
import subprocess
import sys

import click
import yaml

from moderation.cli.main import main
from moderation.config import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"
DOCKERFILE = (DEPLOY / "Dockerfile").read_text()
# read by gunicorn or by the image's CMD, not by moderation/config.py
OTHER_SETTINGS = {"FORWARDED_ALLOW_IPS", "MODERATION_WORKERS"}


def compose():
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def parses(args):
    """The real command line accepts ``moderation ARGS`` (subcommands and options)."""
    command, name = main, "moderation"
    while isinstance(command, click.Group):
        sub = command.get_command(click.Context(command), args[0])
        assert sub is not None, f"no command {args[0]!r} in {args}"
        command, name, args = sub, args[0], args[1:]
    command.make_context(name, list(args))


def instructions(keyword):
    return [line.split(None, 1)[1] for line in DOCKERFILE.splitlines() if line.startswith(keyword + " ")]


def test_the_image_is_slim_runs_as_its_own_user_and_checks_its_health():
    assert all(re.match(r"python:3\.1\d+-slim", base.split()[0]) for base in instructions("FROM"))
    assert instructions("USER") == ["moderation"]
    (health,) = [line for line in DOCKERFILE.splitlines() if "CMD" in line and "healthz" in line]
    assert "/healthz/ready" in health and "HEALTHCHECK" in DOCKERFILE
    assert "RUN python /opt/moderation/verify_models.py /opt/moderation/models" in DOCKERFILE
    assert "MODERATION_MODELS_DIR=/opt/moderation/models" in DOCKERFILE


def test_everything_the_image_copies_exists_and_is_not_ignored():
    ignored = [line.strip() for line in (PROJECT_ROOT / ".dockerignore").read_text().splitlines()]
    ignored = [p for p in ignored if p and not p.startswith("#")]
    for copy in instructions("COPY"):
        if copy.startswith("--from"):
            continue
        for source in copy.split()[:-1]:
            assert (PROJECT_ROOT / source).exists(), source
            assert not any(fnmatch.fnmatch(source, p) for p in ignored), f"{source} is in .dockerignore"
    current = [p for p in (PROJECT_ROOT / "models").rglob("*") if p.is_file()]
    assert current and not any(
        fnmatch.fnmatch(str(p.relative_to(PROJECT_ROOT)), pat) for p in current for pat in ignored
    )


def test_the_image_commands_are_real():
    (cmd,) = instructions("CMD")
    shell, flag, script = json.loads(cmd)  # exec form: ["sh", "-c", "..."]
    assert (shell, flag) == ("sh", "-c")
    steps = script.replace("exec ", "").replace("${MODERATION_WORKERS:-2}", "2").split(" && ")
    assert steps[0] == "moderation db upgrade"
    for step in steps:
        args = shlex.split(step)
        assert args[0] == "moderation"
        parses(args[1:])
    worker = compose()["services"]["worker"]["command"]
    assert worker[0] == "moderation"
    parses(worker[1:])


def test_compose_runs_server_worker_and_postgres_with_a_volume():
    services = compose()["services"]
    assert set(services) == {"db", "server", "worker"}
    assert services["db"]["image"].startswith("postgres:15")  # the image's pg_dump is 15 (bookworm)
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"] and "pgdata" in compose()["volumes"]
    for name in ("server", "worker"):
        env = services[name]["environment"]
        assert (
            env["DATABASE_URL"].startswith("postgresql+psycopg://moderation:")
            and "@db:5432/moderation" in env["DATABASE_URL"]
        )
        assert "MODERATION_SECRET_KEY" in env
        config_source = (PROJECT_ROOT / "moderation" / "config.py").read_text()
        unknown = [k for k in env if f'"{k}"' not in config_source and k not in OTHER_SETTINGS]
        assert not unknown, unknown
    assert services["server"]["ports"] == ["127.0.0.1:8000:8000"], "only the local proxy reaches the app"
    assert services["worker"]["depends_on"]["server"]["condition"] == "service_healthy"


def test_the_model_check_passes_on_the_shipped_models_and_fails_on_a_damaged_one(tmp_path):
    check = [sys.executable, str(DEPLOY / "verify_models.py")]
    done = subprocess.run([*check, str(PROJECT_ROOT / "models")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    damaged = tmp_path / "models"
    shutil.copytree(PROJECT_ROOT / "models", damaged)
    version = json.loads((damaged / "incivility" / "current.json").read_text())["version"]
    (artefact,) = [p for p in (damaged / "incivility").glob(f"{version}.*") if p.suffix != ".json"]
    data = bytearray(artefact.read_bytes())
    data[len(data) // 2] ^= 0xFF
    artefact.write_bytes(bytes(data))
    done = subprocess.run([*check, str(damaged)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and "incivility" in done.stderr, done.stdout + done.stderr
