"""PostgreSQL clusters for the tests: Debian's PostgreSQL 15 (with PostGIS) started in a
temporary folder on a free port, trusted local connections, stopped afterwards. Without
the packages the tests that need it are skipped with one line."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

NO_POSTGRES = (
    "PostgreSQL saknas: installera Debians paket postgresql och postgresql-15-postgis-3 "
    "för testerna av PostgreSQL-lagret"
)


# What docs/deployment.md advises for a store server (Debian's defaults are sized for a
# small shared machine): the benchmarks' clusters use it.
STORE_SETTINGS = {"shared_buffers": "2GB", "work_mem": "64MB", "effective_cache_size": "8GB"}


def bin_dir() -> Path | None:
    """The newest PostgreSQL's binaries with PostGIS beside them, or None."""
    for path in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        version = Path(path).parent.name
        if Path(path, "initdb").exists() and glob.glob(
            f"/usr/share/postgresql/{version}/extension/postgis.control"
        ):
            return Path(path)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_owner(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as the `postgres` user."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


class Cluster:
    """One PostgreSQL server in its own folder."""

    def __init__(self, base: Path | None = None, port: int | None = None):
        self.bin = bin_dir()
        if self.bin is None:
            raise RuntimeError(NO_POSTGRES)
        self.base = Path(base or tempfile.mkdtemp(prefix="pax-pg-"))
        self.data = self.base / "data"
        self.port = port or _free_port()
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres")
            os.chmod(self.base, 0o755)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, *cmd: str) -> None:
        subprocess.run(
            _as_owner([str(self.bin / cmd[0]), *cmd[1:]]), check=True, capture_output=True
        )

    def init(self, settings: dict[str, str] | None = None) -> Cluster:
        """A new cluster; `settings` are extra postgresql.conf lines (e.g. shared_buffers)."""
        self.run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(
                f"port = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.base}'\nfsync = off\n"
                "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n"
                + "".join(f"{k} = '{v}'\n" for k, v in (settings or {}).items())
            )
        with open(self.data / "pg_hba.conf", "a", encoding="utf-8") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")
        return self

    def standby_of(self, primary: Cluster) -> Cluster:
        """This cluster as a streaming standby of `primary` (pg_basebackup -R)."""
        self.run(
            "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(primary.port),
            "-U",
            "postgres",
            "-D",
            str(self.data),
            "-R",
            "-X",
            "stream",
        )
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(f"port = {self.port}\nunix_socket_directories = '{self.base}'\n")
        return self

    def start(self) -> Cluster:
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.base / "log"), "-w", "start")
        return self

    def stop(self) -> None:
        try:
            self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        except subprocess.CalledProcessError:
            pass

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)
