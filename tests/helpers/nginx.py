"""Debian's nginx for tests: the site file deploy/ ships, rendered by its own ``render.sh`` with test
ports and a self-signed certificate, run in the foreground under a temporary prefix."""

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from helpers.api import free_port
from moderation.config import PROJECT_ROOT

NGINX_DIR = PROJECT_ROOT / "deploy" / "nginx"
MISSING = "nginx, openssl or envsubst is not installed (make test-deps installs Debian's nginx and gettext-base)"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)


def require_nginx():
    """Skip without nginx; in CI (where make test installs it) a missing nginx is an error."""
    if nginx_binary() and shutil.which("openssl") and shutil.which("envsubst"):
        return
    if os.environ.get("CI") == "true":
        pytest.fail(MISSING)
    pytest.skip(MISSING, allow_module_level=True)


def self_signed(folder: Path, name: str) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={name}"]
        + ["-addext", f"subjectAltName=DNS:{name},IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def render(server_name: str, https: int, http: int, cert: Path, key: Path, upstream: str) -> str:
    """The shipped template through the shipped render script."""
    env = dict(
        os.environ,
        MODERATION_SERVER_NAME=server_name,
        MODERATION_HTTPS_LISTEN=f"127.0.0.1:{https}",
        MODERATION_HTTP_LISTEN=f"127.0.0.1:{http}",
        MODERATION_TLS_CERT=str(cert),
        MODERATION_TLS_KEY=str(key),
        MODERATION_UPSTREAM=upstream,
    )
    done = subprocess.run(["sh", str(NGINX_DIR / "render.sh")], env=env, capture_output=True, text=True, check=True)
    return done.stdout


MAIN = """\
{user}worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log info;
events {{ worker_connections 512; }}
http {{
    default_type application/octet-stream;
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/moderation.conf;
}}
"""


class Nginx:
    """``Nginx(tmp_path, upstream)``: ``https_port``, ``http_port``, ``cert``, ``site`` (the rendered file)."""

    def __init__(self, folder: Path, upstream: str, server_name="moderation.test"):
        self.prefix = folder / "nginx"
        self.prefix.mkdir()
        self.cert, key = self_signed(self.prefix, server_name)
        self.https_port, self.http_port = free_port(), free_port()
        self.site = render(server_name, self.https_port, self.http_port, self.cert, key, upstream)
        (self.prefix / "moderation.conf").write_text(self.site)
        # as root, nginx's workers would drop to nobody, who cannot enter pytest's private temp folders
        user = "user root;\n" if os.geteuid() == 0 else ""
        (self.prefix / "nginx.conf").write_text(MAIN.format(prefix=self.prefix, user=user))
        command = [nginx_binary(), "-p", str(self.prefix), "-c", str(self.prefix / "nginx.conf")]
        command += ["-e", str(self.prefix / "error.log")]
        test = subprocess.run([*command, "-t"], capture_output=True, text=True)
        assert test.returncode == 0, test.stderr
        self.proc = subprocess.Popen([*command, "-g", "daemon off;"], stderr=subprocess.STDOUT, stdout=subprocess.PIPE)
        self._wait()

    def _wait(self, seconds=15):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.https_port), timeout=1).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.05)
        raise RuntimeError("nginx did not start: " + self.errors())

    def errors(self) -> str:
        path = self.prefix / "error.log"
        return path.read_text() if path.exists() else ""

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self.proc.stdout:
            self.proc.stdout.close()
