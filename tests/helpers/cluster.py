"""A publisher group's deployment on one machine, with real separate hosts.

Network namespaces joined by veth pairs to one bridge stand in for machines:
a database host (its own PostgreSQL, with pgbouncer in transaction pooling mode
in front of it), three stateless app hosts (``moderation serve``), two webhook
workers (``moderation worker``), and haproxy in the root namespace as the load
balancer. Every address is on the project's own bridge; nothing leaves the box.

Needs root, ``ip netns``, PostgreSQL's server binaries, pgbouncer and haproxy
(``make cluster-deps`` installs the last two from Debian). ``missing()`` says what
is absent so the tests can skip with a clear message.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

PREFIX = "10.213.7"
BRIDGE_IP = f"{PREFIX}.1"
DB_IP = f"{PREFIX}.10"
APP_IPS = [f"{PREFIX}.11", f"{PREFIX}.12", f"{PREFIX}.13"]
WORKER_IPS = [f"{PREFIX}.21", f"{PREFIX}.22"]
APP_PORT = 8000
PG_PORT = 5432
BOUNCER_PORT = 6432
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


def missing() -> str | None:
    """Why the cluster cannot be built here, or None."""
    if os.geteuid() != 0:
        return "the cluster test needs root (network namespaces)"
    if shutil.which("ip") is None:
        return "the cluster test needs iproute2's ip"
    for tool in ("haproxy", "pgbouncer"):
        if shutil.which(tool) is None:
            return f"the cluster test needs {tool} (make cluster-deps installs it)"
    if _pg_bin() is None:
        return "the cluster test needs PostgreSQL's server binaries (initdb, pg_ctl)"
    probe = f"mcprobe{os.getpid() % 100000}"
    result = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
    if result.returncode != 0:
        return f"network namespaces are not available here: {result.stderr.strip()}"
    subprocess.run(["ip", "netns", "del", probe], capture_output=True)
    return None


def sh(*args, check=True, **kw):
    return subprocess.run([str(a) for a in args], check=check, capture_output=True, text=True, **kw)


def wait_for(predicate, timeout=30.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if predicate():
                return
        time.sleep(0.1)
    raise TimeoutError(f"{what} not reached within {timeout} s")


def spawn(argv, env=None, log=None):
    """Start a process in its own process group, its output appended to ``log``."""
    if log is None:
        return subprocess.Popen(
            argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
    with open(log, "ab") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def port_open(host, port) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


@dataclass
class Host:
    name: str
    ns: str
    ip: str
    procs: list = field(default_factory=list)

    def run(self, *args, env=None, log=None):
        """Start a process inside this host's namespace, in its own process group."""
        proc = spawn(["ip", "netns", "exec", self.ns, *map(str, args)], env=env, log=log)
        self.procs.append(proc)
        return proc

    def kill(self, sig=signal.SIGKILL):
        """Kill every process this host started (the whole process group, workers too)."""
        for proc in self.procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)
        for proc in self.procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=10)
        self.procs.clear()


class Cluster:
    """Builds the namespaces, starts every service, and tears it all down again."""

    def __init__(self, secret_key="cluster-test-secret-key-not-for-production"):
        tag = f"{os.getpid() % 10000}"
        self.tag = tag
        self.bridge = f"mcbr{tag}"
        self.tmp = Path(tempfile.mkdtemp(prefix="moderation-cluster-"))
        self.db = Host("db", f"mc{tag}-db", DB_IP)
        self.apps = [Host(f"app{i + 1}", f"mc{tag}-app{i + 1}", ip) for i, ip in enumerate(APP_IPS)]
        self.workers = [Host(f"worker{i + 1}", f"mc{tag}-w{i + 1}", ip) for i, ip in enumerate(WORKER_IPS)]
        self.hosts = [self.db, *self.apps, *self.workers]
        self.secret_key = secret_key
        self.lb_port = None
        self.lb_proc = None
        self.pg_dir = self.tmp / "pgdata"

    # --- network ------------------------------------------------------------------------

    def _network(self):
        sh("ip", "link", "add", self.bridge, "type", "bridge")
        sh("ip", "addr", "add", f"{BRIDGE_IP}/24", "dev", self.bridge)
        sh("ip", "link", "set", self.bridge, "up")
        for i, host in enumerate(self.hosts):
            outer, inner = f"mc{self.tag}v{i}", f"mc{self.tag}p{i}"
            sh("ip", "netns", "add", host.ns)
            sh("ip", "link", "add", outer, "type", "veth", "peer", "name", inner)
            sh("ip", "link", "set", inner, "netns", host.ns)
            sh("ip", "link", "set", outer, "master", self.bridge)
            sh("ip", "link", "set", outer, "up")
            sh("ip", "netns", "exec", host.ns, "ip", "addr", "add", f"{host.ip}/24", "dev", inner)
            sh("ip", "netns", "exec", host.ns, "ip", "link", "set", inner, "up")
            sh("ip", "netns", "exec", host.ns, "ip", "link", "set", "lo", "up")

    # --- the database host --------------------------------------------------------------

    def _database(self):
        pg = _pg_bin()
        self.pg_dir.mkdir()
        shutil.chown(self.tmp, "postgres")
        shutil.chown(self.pg_dir, "postgres")
        sh("runuser", "-u", "postgres", "--", pg / "initdb", "-D", self.pg_dir, "-U", "postgres", "-A", "trust")
        with open(self.pg_dir / "pg_hba.conf", "a") as hba:
            hba.write(f"host all all {PREFIX}.0/24 trust\n")
        options = f"-c listen_addresses={DB_IP} -p {PG_PORT} -k {self.tmp} -c max_connections=100 -c fsync=off"
        self.db.run(
            "runuser",
            "-u",
            "postgres",
            "--",
            pg / "postgres",
            "-D",
            self.pg_dir,
            *options.split(),
            log=self.tmp / "postgres.log",
        )
        wait_for(lambda: port_open(DB_IP, PG_PORT), what="PostgreSQL on the database host")
        ini = self.tmp / "pgbouncer.ini"
        ini.write_text(
            "[databases]\n"
            f"* = host={DB_IP} port={PG_PORT}\n"
            "[pgbouncer]\n"
            f"listen_addr = {DB_IP}\nlisten_port = {BOUNCER_PORT}\n"
            "auth_type = trust\n"
            f"auth_file = {self.tmp / 'users.txt'}\n"
            "pool_mode = transaction\n"
            "default_pool_size = 20\nmax_client_conn = 500\n"
            f"unix_socket_dir = {self.tmp}\n"
            "ignore_startup_parameters = extra_float_digits,options\n"
        )
        (self.tmp / "users.txt").write_text('"postgres" ""\n')
        for f in (ini, self.tmp / "users.txt"):
            shutil.chown(f, "postgres")
        self.db.run("runuser", "-u", "postgres", "--", "pgbouncer", ini, log=self.tmp / "pgbouncer.log")
        wait_for(lambda: port_open(DB_IP, BOUNCER_PORT), what="pgbouncer on the database host")

    @property
    def direct_url(self):
        return f"postgresql+psycopg://postgres@{DB_IP}:{PG_PORT}/postgres"

    @property
    def pooled_url(self):
        return f"postgresql+psycopg://postgres@{DB_IP}:{BOUNCER_PORT}/postgres"

    def env(self, url=None, **extra):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MODERATION_", "DATABASE_URL"))}
        env.update(
            DATABASE_URL=url or self.pooled_url,
            MODERATION_PGBOUNCER="1",
            MODERATION_SECRET_KEY=self.secret_key,
            MODERATION_SECURE_COOKIES="0",
            MODERATION_WEBHOOK_ALLOW_HOSTS=f"{PREFIX}.0/24",
            MODERATION_WORKER_POLL_SECONDS="0.2",
            MODERATION_WEBHOOK_BACKOFF_SECONDS="0.5",
            PYTHONUNBUFFERED="1",
        )
        env.update(extra)
        return env

    def cli(self, *args, stdin=None):
        """``moderation ARGS`` from the database host's side, straight to PostgreSQL."""
        result = subprocess.run(
            ["ip", "netns", "exec", self.db.ns, BIN / "moderation", *args],
            env=self.env(self.direct_url),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            raise RuntimeError(f"moderation {' '.join(args)} failed: {result.stderr or result.stdout}")
        return result.stdout

    # --- app hosts, workers, load balancer ----------------------------------------------------

    def start_app(self, host):
        host.run(
            BIN / "moderation",
            "serve",
            "--host",
            host.ip,
            "--port",
            APP_PORT,
            "--workers",
            "1",
            env=self.env(),
            log=self.tmp / f"{host.name}.log",
        )

    def start_apps(self):
        for host in self.apps:
            self.start_app(host)
        for host in self.apps:
            wait_for(
                lambda h=host: self.get(self.url(h) + "/healthz")[0] == 200,
                timeout=60,
                what=f"{host.name} answering /healthz",
            )

    def start_workers(self):
        for host in self.workers:
            host.run(BIN / "moderation", "worker", env=self.env(), log=self.tmp / f"{host.name}.log")

    def start_balancer(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.lb_port = s.getsockname()[1]
        cfg = self.tmp / "haproxy.cfg"
        servers = "\n".join(f"    server {h.name} {h.ip}:{APP_PORT} check inter 500ms fall 2 rise 2" for h in self.apps)
        cfg.write_text(
            "global\n    maxconn 2000\n"
            "defaults\n    mode http\n    timeout connect 2s\n    timeout client 30s\n    timeout server 30s\n"
            "    option redispatch\n    retries 2\n"
            f"frontend api\n    bind 127.0.0.1:{self.lb_port}\n    default_backend apps\n"
            "backend apps\n    balance roundrobin\n    option httpchk GET /healthz\n"
            f"{servers}\n"
        )
        self.lb_proc = spawn(["haproxy", "-f", str(cfg), "-db"], log=self.tmp / "haproxy.log")
        wait_for(lambda: self.get(f"{self.lb}/healthz")[0] == 200, what="haproxy forwarding")

    @property
    def lb(self):
        return f"http://127.0.0.1:{self.lb_port}"

    @staticmethod
    def url(host):
        return f"http://{host.ip}:{APP_PORT}"

    # --- HTTP ------------------------------------------------------------------------------

    @staticmethod
    def request(method, url, body=None, headers=None, timeout=15):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                return exc.code, json.loads(raw)
            except ValueError:
                return exc.code, raw.decode(errors="replace")

    def get(self, url, **kw):
        return self.request("GET", url, **kw)

    # --- lifecycle -----------------------------------------------------------------------

    def __enter__(self):
        try:
            self._network()
            self._database()
            self.cli("db", "upgrade")
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()

    def logs(self) -> str:
        parts = []
        for log in sorted(self.tmp.glob("*.log")):
            parts.append(f"--- {log.name}\n" + log.read_text(errors="replace")[-3000:])
        return "\n".join(parts)

    def close(self):
        if self.lb_proc:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.lb_proc.pid, signal.SIGKILL)
            self.lb_proc.wait(timeout=10)
        for host in reversed(self.hosts):
            host.kill()
        for host in self.hosts:
            sh("ip", "netns", "del", host.ns, check=False)
        sh("ip", "link", "del", self.bridge, check=False)
        shutil.rmtree(self.tmp, ignore_errors=True)
