"""A PostgreSQL server of the test's own, in a temporary folder on a free port, run as
user postgres: the fault tests stop and freeze it (never the shared one on 5432)."""

import glob
import os
import shutil
import signal
import subprocess
import tempfile

from helpers.api import free_port


def _bin(name):
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def available() -> bool:
    return bool(_bin("pg_ctl") and _bin("initdb")) and os.geteuid() == 0 and shutil.which("runuser") is not None


class OwnPostgres:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="own-pg-")
        shutil.chown(self.dir, "postgres", "postgres")
        self.data = os.path.join(self.dir, "data")
        self.port = free_port()
        self._as_postgres(_bin("initdb"), "-D", self.data, "--auth=trust", "-U", "postgres", "--no-sync")
        self.start()

    @property
    def url(self):
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, *args, check=True):
        return subprocess.run(
            ["runuser", "-u", "postgres", "--", *args], check=check, capture_output=True, text=True, timeout=60
        )

    def start(self):
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(_bin("pg_ctl"), "-D", self.data, "-o", options, "-l", f"{self.dir}/log", "-w", "start")

    def stop(self):
        self._as_postgres(_bin("pg_ctl"), "-D", self.data, "-m", "immediate", "-w", "stop", check=False)

    def _pids(self):
        with open(os.path.join(self.data, "postmaster.pid")) as f:
            master = int(f.readline())
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True).stdout
        return [master, *map(int, out.split())]

    def freeze(self):
        """SIGSTOP the server and its backends: connections stay open but nothing answers."""
        self._frozen = self._pids()
        for pid in self._frozen:
            os.kill(pid, signal.SIGSTOP)

    def thaw(self):
        for pid in getattr(self, "_frozen", []):
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
        self._frozen = []

    def destroy(self):
        self.thaw()
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
