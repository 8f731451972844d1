"""A throwaway PostgreSQL for tests: use ``TRACKER_TEST_POSTGRES_URI`` or start a cluster.

Self-contained (no pytest import) so any conftest can use it:

    server = PostgresServer.start()      # None if neither a URI nor binaries are available
    uri = server.create_database()       # a fresh, empty database
    server.stop()

A started cluster lives in a temp directory, listens on 127.0.0.1 on a free port, runs
with fsync off (it is thrown away) and is removed by ``stop()``. initdb and postgres
refuse to run as root, so as root they run as the ``postgres`` user via ``runuser``.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

URI_ENV = "TRACKER_TEST_POSTGRES_URI"


def find_pg_bin_dir() -> Path | None:
    """The directory holding initdb and pg_ctl: PATH first, then Debian's layout."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(os.path.realpath(on_path)).parent
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    def __init__(self, admin_uri: str, cluster_dir: Path | None = None, pg_ctl=None):
        self.admin_uri = admin_uri  # a URI whose user may CREATE DATABASE
        self._cluster_dir = cluster_dir
        self._pg_ctl = pg_ctl

    # -- lifecycle ---------------------------------------------------------------------
    @classmethod
    def start(cls) -> PostgresServer | None:
        """A server to test against, or None (``unavailable_reason()`` says why)."""
        if os.environ.get(URI_ENV):
            return cls(os.environ[URI_ENV])
        bin_dir = find_pg_bin_dir()
        if bin_dir is None:
            return None
        return cls._start_cluster(bin_dir)

    @staticmethod
    def unavailable_reason() -> str:
        return (
            f"set {URI_ENV}=postgresql://user:pass@host/db, or install PostgreSQL server "
            f"binaries (initdb/pg_ctl on PATH or in /usr/lib/postgresql/*/bin)"
        )

    @classmethod
    def _start_cluster(cls, bin_dir: Path) -> PostgresServer:
        as_root = os.geteuid() == 0
        run_as = ["runuser", "-u", "postgres", "--"] if as_root else []
        cluster_dir = Path(tempfile.mkdtemp(prefix="tracker-pg-"))
        if as_root:
            shutil.chown(cluster_dir, "postgres", "postgres")
        data_dir, socket_dir = cluster_dir / "data", cluster_dir
        port = _free_port()
        user = "postgres" if as_root else os.environ.get("USER", "postgres")

        def run(*args: str) -> None:
            subprocess.run([*run_as, *args], check=True, capture_output=True, cwd=cluster_dir)

        run(str(bin_dir / "initdb"), "-D", str(data_dir), "-U", user, "-A", "trust", "-E", "UTF8")
        options = (
            f"-p {port} -k {socket_dir} -c listen_addresses=127.0.0.1 "
            f"-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        pg_ctl = [*run_as, str(bin_dir / "pg_ctl")]
        subprocess.run(
            [*pg_ctl, "-D", str(data_dir), "-o", options, "-l", str(cluster_dir / "log"), "-w"]
            + ["start"],
            check=True,
            capture_output=True,
            cwd=cluster_dir,
        )
        return cls(f"postgresql://{user}@127.0.0.1:{port}/postgres", cluster_dir, pg_ctl)

    def stop(self) -> None:
        if self._cluster_dir is None:
            return
        subprocess.run(
            [*self._pg_ctl, "-D", str(self._cluster_dir / "data"), "-m", "immediate", "stop"],
            capture_output=True,
            cwd=self._cluster_dir,
        )
        shutil.rmtree(self._cluster_dir, ignore_errors=True)
        self._cluster_dir = None

    # -- databases ---------------------------------------------------------------------
    def _admin_execute(self, sql: str) -> None:
        import psycopg2

        connection = psycopg2.connect(
            self.admin_uri.replace("postgresql+psycopg2://", "postgresql://")
        )
        try:
            connection.autocommit = True  # CREATE/DROP DATABASE refuse transactions
            with connection.cursor() as cursor:
                cursor.execute(sql)
        finally:
            connection.close()

    def create_database(self) -> str:
        """A new empty database; returns its URI."""
        name = f"tracker_test_{uuid.uuid4().hex[:12]}"
        self._admin_execute(f'CREATE DATABASE "{name}"')
        return self._uri_of(name)

    def _uri_of(self, database: str) -> str:
        from sqlalchemy.engine import make_url

        url = make_url(self.admin_uri).set(database=database)
        return url.render_as_string(hide_password=False)

    def drop_database(self, uri: str) -> None:
        from sqlalchemy.engine import make_url

        name = make_url(uri).database
        self._admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
