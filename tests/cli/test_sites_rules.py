"""`moderation sites set` for tag rules, opening hours and the dashboard's target."""

import json

import pytest
from click.testing import CliRunner

from moderation.cli.main import main


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(main, ["sites", "add", "alpha"]).exit_code == 0
    return runner


def set_json(env, *args):
    result = env.invoke(main, ["sites", "set", "alpha", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output.strip().splitlines()[-1])


def test_tag_rules_schedule_and_target(env):
    view = json.loads(env.invoke(main, ["sites", "show", "alpha", "--json"]).output)
    assert view["tag_rules"] == {"contains-pii": "hold"} and view["schedule"] is None and view["target_minutes"] == 15
    view = set_json(env, "--tag-rule", "spam=reject:spam", "--tag-rule", "contains-pii=none")
    assert view["tag_rules"] == {"spam": "reject:spam"}
    view = set_json(env, "--schedule", "mon-fri 07:00-23:00", "--outside", "pre", "--target-minutes", "30")
    assert view["schedule"] == {"hours": "mon-fri 07:00-23:00", "outside": "pre", "timezone": "Europe/Amsterdam"}
    assert view["target_minutes"] == 30
    view = set_json(env, "--outside", "closed")  # the hours stay
    assert view["schedule"]["hours"] == "mon-fri 07:00-23:00" and view["schedule"]["outside"] == "closed"
    shown = env.invoke(main, ["sites", "show", "alpha"]).output
    assert "spam=reject:spam" in shown and "mon-fri 07:00-23:00 (Europe/Amsterdam); outside: closed" in shown
    assert set_json(env, "--schedule", "")["schedule"] is None


@pytest.mark.parametrize(
    "args, wrong",
    [
        (["--tag-rule", "spam=delete"], "hold, reject"),
        (["--schedule", "weekdays 9-5"], "days"),
        (["--outside", "pre"], "no hours"),
        (["--target-minutes", "0"], "target_minutes"),
    ],
)
def test_bad_settings_are_refused(env, args, wrong):
    result = env.invoke(main, ["sites", "set", "alpha", *args])
    assert result.exit_code != 0 and wrong in result.output
