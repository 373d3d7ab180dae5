"""``moderation serve`` refuses to sign sessions with the public default key."""

import os
import subprocess

import pytest
from helpers.server import MODERATION

from moderation.config import PUBLIC_SECRET_KEY


@pytest.mark.parametrize("value", [None, "", PUBLIC_SECRET_KEY])
def test_serve_refuses_the_public_default_secret(tmp_path, value):
    env = {k: v for k, v in os.environ.items() if k != "MODERATION_SECRET_KEY"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'x.sqlite'}"
    if value is not None:
        env["MODERATION_SECRET_KEY"] = value
    result = subprocess.run(
        [MODERATION, "serve", "--port", "1"], env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert result.returncode != 0
    assert "MODERATION_SECRET_KEY" in result.stderr
