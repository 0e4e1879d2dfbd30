"""The production shape without Docker: app nodes, Redis, PgBouncer, workers, a proxy.

Each part is a real process on a free loopback port, its files under one temporary
folder; the tests in tests/ops start the parts they need, and
`python -m ops.stack up` starts the whole shape for a person to try (see
docs/operations-scale.md). PgBouncer and extra PostgreSQL servers refuse to run as
root, so they run as the `postgres` user (`runuser -u postgres --`) when this runs
as root.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
        return True
    return False


def wait_until(check, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise TimeoutError(f"{what} not ready after {timeout} s")


def as_postgres(args: list[str]) -> list[str]:
    """PostgreSQL's tools and PgBouncer refuse root: run them as the postgres user."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


class Process:
    """A child process logging to <folder>/<name>.log."""

    def __init__(self, name: str, args: list[str], *, folder: Path, env=None, cwd=ROOT) -> None:
        self.name = name
        self.log_path = folder / f"{name}.log"
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.popen = subprocess.Popen(  # noqa: S603 - our own argument lists
            args,
            cwd=cwd,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
        if self.alive():
            self.popen.send_signal(sig)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=5)
        if not self._log.closed:
            self._log.close()


class Redis:
    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.folder = folder
        self.port = port or free_port()
        self.process: Process | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> Redis:
        args = [
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ]
        self.process = Process(f"redis-{self.port}", args, folder=self.folder)
        wait_until(lambda: port_open(self.port), timeout=10, what="redis")
        return self

    def stop(self) -> None:
        if self.process:
            self.process.stop()
            wait_until(lambda: not port_open(self.port), timeout=10, what="redis stopped")


def gunicorn_command(
    port: int, *, workers: int, threads: int, extra=(), worker_class: str = "gthread"
) -> list[str]:
    """The app server: gunicorn's workers (gthread, or the Dockerfile's sync) on the WSGI
    app, on loopback."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "shopsocial.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        *(("--threads", str(threads)) if worker_class == "gthread" else ()),
        *extra,
    ]


@dataclass
class AppNode:
    """gunicorn serving the WSGI app (the production app-server shape)."""

    folder: Path
    env: dict[str, str]
    workers: int = 2
    threads: int = 4
    port: int = field(default_factory=free_port)
    process: Process | None = None
    worker_class: str = "gthread"

    def start(self) -> AppNode:
        args = gunicorn_command(
            self.port,
            workers=self.workers,
            threads=self.threads,
            extra=["--graceful-timeout", "5"],
            worker_class=self.worker_class,
        )
        self.process = Process(f"gunicorn-{self.port}", args, folder=self.folder, env=self.env)

        def up() -> bool:
            if not self.process.alive():
                raise RuntimeError(f"gunicorn exited:\n{self.process.log()}")
            with contextlib.suppress(OSError):
                return http_get(self.port, self.env["OPS_PROBE_HOST"], "/healthz").status < 500
            return False

        wait_until(up, timeout=60, what="gunicorn")
        return self

    def stop(self) -> None:
        if self.process:
            self.process.stop()


def socket_command(port: int, host: str = "127.0.0.1") -> list[str]:
    """The socket server (chat WebSockets): uvicorn on the ASGI app, as in docker-compose."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "shopsocial.asgi:application",
        "--host",
        host,
        "--port",
        str(port),
        "--lifespan",
        "off",
        "--ws-max-size",
        "65536",
        "--timeout-graceful-shutdown",
        "10",
    ]


@dataclass
class SocketNode:
    """uvicorn serving the chat's WebSockets; nodes share the Redis channel layer."""

    folder: Path
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: Process | None = None

    def start(self) -> SocketNode:
        self.process = Process(
            f"uvicorn-{self.port}-{time.monotonic_ns()}",
            socket_command(self.port),
            folder=self.folder,
            env=self.env,
        )

        def up() -> bool:
            if not self.process.alive():
                raise RuntimeError(f"uvicorn exited:\n{self.process.log()}")
            return port_open(self.port)

        wait_until(up, timeout=60, what="uvicorn")
        return self

    def restart(self) -> SocketNode:
        """Graceful: SIGTERM (sockets closed with 1012, service restart), then start again."""
        self.stop()
        return self.start()

    def stop(self) -> None:
        if self.process:
            self.process.stop()


def celery_command(kind: str, name: str = "worker", schedule: str = "") -> list[str]:
    """A Celery worker (one solo process: prefetch 1, late acks from settings) or beat."""
    base = [sys.executable, "-m", "celery", "-A", "shopsocial"]
    if kind == "beat":
        return [*base, "beat", "--loglevel", "INFO", "--schedule", schedule or name]
    return [
        *base,
        "worker",
        "--pool",
        "solo",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        "--loglevel",
        "INFO",
        "-n",
        f"{name}@%h",
    ]


@dataclass
class Worker:
    """A Celery worker process on the broker named by env["CELERY_BROKER_URL"]."""

    folder: Path
    env: dict[str, str]
    name: str = "worker"
    process: Process | None = None

    def start(self, *, wait: bool = True) -> Worker:
        self.process = Process(
            f"celery-{self.name}",
            celery_command("worker", self.name),
            folder=self.folder,
            env=self.env,
        )
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self) -> None:
        wait_until(lambda: " ready." in self.process.log(), timeout=90, what=f"worker {self.name}")

    def kill(self) -> None:
        """SIGKILL the whole worker (no clean-up, no requeue by itself): a lost node."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.popen.wait(timeout=10)

    def stop(self) -> None:
        if self.process:
            self.process.stop()


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


def http_request(
    port: int,
    host: str,
    path: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
) -> Response:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers={"Host": host, **(headers or {})})
        raw = conn.getresponse()
        found: dict[str, str] = {}
        for key, value in raw.getheaders():
            if key.lower() == "set-cookie":
                found["set-cookie"] = found.get("set-cookie", "") + value + "\n"
            else:
                found[key.lower()] = value
        return Response(raw.status, found, raw.read())
    finally:
        conn.close()


def http_get(port: int, host: str, path: str, **kwargs) -> Response:
    return http_request(port, host, path, **kwargs)


class Shopper:
    """A client with one cookie jar across hosts (cookies are per parent domain here)."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.turn = 0
        self.cookies: dict[str, str] = {}

    def _port(self) -> int:
        # Round robin over the app nodes: what a proxy in front of them does.
        port = self.ports[self.turn % len(self.ports)]
        self.turn += 1
        return port

    def request(self, method: str, host: str, path: str, data: dict | None = None) -> Response:
        from urllib.parse import urlencode

        headers = {"Origin": f"http://{host}", "Sec-Fetch-Site": "same-origin"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        response = http_request(self._port(), host, path, method=method, body=body, headers=headers)
        for line in response.headers.get("set-cookie", "").splitlines():
            name, _, rest = line.partition("=")
            value = rest.split(";", 1)[0]
            if value and "Max-Age=0" not in line:
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)
        return response


class Load:
    """Threads requesting pages round robin until stopped; counts statuses."""

    def __init__(self, ports: list[int], targets: list[tuple[str, str]], threads: int = 4):
        self.ports = ports
        self.targets = targets
        self.threads = threads
        self.statuses: dict[int, int] = {}
        self.errors = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._workers: list[threading.Thread] = []

    def _run(self, offset: int) -> None:
        i = offset
        while not self._stop.is_set():
            host, path = self.targets[i % len(self.targets)]
            port = self.ports[i % len(self.ports)]
            i += 1
            try:
                status = http_get(port, host, path, timeout=10).status
            except OSError:
                with self._lock:
                    self.errors += 1
                continue
            with self._lock:
                self.statuses[status] = self.statuses.get(status, 0) + 1

    def start(self) -> Load:
        for n in range(self.threads):
            thread = threading.Thread(target=self._run, args=(n,), daemon=True)
            thread.start()
            self._workers.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._workers:
            thread.join(timeout=15)

    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def total(self) -> int:
        return sum(self.statuses.values())


def app_env(*, database_url: str, redis_url: str = "", domain: str = "shop.test", **extra):
    """The environment of an app node: dev settings made production-like (DEBUG off)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CELERY_", "SECURE_", "PYTEST"))
        and k not in ("REDIS_URL", "DATABASE_URL", "DEBUG")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="shopsocial.settings.dev",
        DEBUG="False",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        CELERY_BROKER_URL="",
        SHOP_DOMAIN=domain,
        SHOP_PORT="",
        SHOP_SCHEME="http",
        ALLOWED_HOSTS=f"{domain},.{domain}",
        CSRF_TRUSTED_ORIGINS=f"http://{domain},http://www.{domain}",
        OPS_PROBE_HOST=f"www.{domain}",
        LOG_LEVEL="WARNING",
        # Production's log lines (dev settings write plain lines and hide task results).
        LOG_FORMAT="json",
        TASK_LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def temp_folder(prefix: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    if os.geteuid() == 0:
        shutil.chown(folder, user="postgres")
    return folder


class PgBouncer:
    """Debian's pgbouncer in front of a PostgreSQL server, on a free port, as postgres."""

    def __init__(
        self,
        folder: Path,
        *,
        dbname: str,
        upstream_port: int = 5432,
        pool_mode: str = "session",
        pool_size: int = 2,
    ) -> None:
        self.folder = folder
        self.port = free_port()
        self.dbname = dbname
        self.upstream_port = upstream_port
        self.pool_mode = pool_mode
        self.pool_size = pool_size
        self.process: Process | None = None

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.dbname}"

    def start(self) -> PgBouncer:
        ini = self.folder / "pgbouncer.ini"
        users = self.folder / "userlist.txt"
        users.write_text('"postgres" ""\n')
        ini.write_text(
            "[databases]\n"
            f"{self.dbname} = host=127.0.0.1 port={self.upstream_port} dbname={self.dbname}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {self.port}\n"
            f"unix_socket_dir = {self.folder}\n"
            f"auth_type = trust\nauth_file = {users}\n"
            f"pool_mode = {self.pool_mode}\n"
            f"default_pool_size = {self.pool_size}\nmin_pool_size = 0\nreserve_pool_size = 0\n"
            "max_client_conn = 200\nserver_reset_query = DISCARD ALL\n"
            "admin_users = postgres\nignore_startup_parameters = extra_float_digits,options\n"
            f"logfile = {self.folder / 'pgbouncer.log'}\n"
        )
        if os.geteuid() == 0:
            for path in (ini, users):
                shutil.chown(path, user="postgres")
        self.process = Process(
            f"pgbouncer-{self.port}", as_postgres(["pgbouncer", str(ini)]), folder=self.folder
        )
        wait_until(lambda: port_open(self.port), timeout=15, what="pgbouncer")
        return self

    def show(self, what: str) -> list[dict]:
        """The admin console's SHOW <what> (POOLS, CLIENTS, SERVERS) as dicts."""
        import psycopg

        with psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user="postgres",
            dbname="pgbouncer",
            autocommit=True,
        ) as conn:
            cursor = conn.execute(f"SHOW {what}")
            names = [c.name for c in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def stop(self) -> None:
        if self.process:
            self.process.stop()


PG_BIN = Path("/usr/lib/postgresql/15/bin")


class PostgresServer:
    """A PostgreSQL server of our own (initdb, or a pg_basebackup replica of another)."""

    def __init__(self, folder: Path, name: str) -> None:
        self.folder = folder
        self.data = folder / name
        self.port = free_port()
        self.name = name

    def _pg(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 - our own argument lists
            as_postgres([str(PG_BIN / tool), *args]),
            capture_output=True,
            text=True,
            check=check,
            cwd="/",
        )

    def init_primary(self) -> PostgresServer:
        self._pg("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        return self

    def init_replica_of(self, primary: PostgresServer) -> PostgresServer:
        self._pg(
            "pg_basebackup",
            "-D",
            str(self.data),
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
            "-h",
            "127.0.0.1",
            "-p",
            str(primary.port),
            "-U",
            "postgres",
        )
        return self

    def start(self) -> PostgresServer:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.folder}"
            " -c fsync=off -c shared_buffers=16MB -c max_connections=60"
        )
        self._pg(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / f"{self.name}.log"),
            "-w",
            "start",
        )
        return self

    def stop(self) -> None:
        self._pg("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def url(self, dbname: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def sql(self, dbname: str, statement: str) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url(dbname), autocommit=True) as conn:
            cursor = conn.execute(statement)
            return cursor.fetchall() if cursor.description else []

    def copy_database_from(self, *, source_url: str, dbname: str) -> None:
        """pg_dump a database of another server into a new database here."""
        self.sql("postgres", f'CREATE DATABASE "{dbname}"')
        dump = subprocess.run(  # noqa: S603
            [str(PG_BIN / "pg_dump"), "--no-owner", "-Fc", source_url],
            capture_output=True,
            check=False,
        )
        if dump.returncode:
            raise RuntimeError(f"pg_dump failed: {dump.stderr.decode(errors='replace')}")
        restore = subprocess.run(  # noqa: S603
            [str(PG_BIN / "pg_restore"), "--no-owner", "-d", self.url(dbname)],
            input=dump.stdout,
            capture_output=True,
            check=False,
        )
        if restore.returncode:
            raise RuntimeError(f"pg_restore failed: {restore.stderr.decode(errors='replace')}")


# --- The whole shape: docker-compose.yml's services as processes on this machine ---------
class MailCatcher:
    """The SMTP sink (ops/mailcatcher.py) standing in for compose's Mailpit."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / "mail"
        self.port = free_port()
        self.process: Process | None = None

    def start(self) -> MailCatcher:
        self.process = Process(
            "mailcatcher",
            [sys.executable, "-m", "ops.mailcatcher", "--port", str(self.port)]
            + ["--folder", str(self.folder)],
            folder=self.folder.parent,
        )
        wait_until(lambda: port_open(self.port), timeout=20, what="mail catcher")
        return self

    def messages(self) -> list:
        from ops.mailcatcher import messages

        return messages(self.folder)

    def stop(self) -> None:
        if self.process:
            self.process.stop()


class ObjectStore:
    """An S3-compatible server standing in for compose's MinIO: moto in server mode (MinIO
    itself is a Go binary that neither PyPI nor Debian ships), with the public and the
    private media bucket created as compose's `minio-setup` does."""

    KEY, SECRET = "shopsocial", "shopsocial-object-store-secret"
    BUCKETS = ("shopsocial-media", "shopsocial-private")

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ObjectStore:
        self.process = Process(
            "object-store",
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            folder=self.folder,
        )
        wait_until(lambda: port_open(self.port), timeout=60, what="object store")
        client = self.client()
        for bucket in self.BUCKETS:
            client.create_bucket(Bucket=bucket)
        return self

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            aws_access_key_id=self.KEY,
            aws_secret_access_key=self.SECRET,
            region_name="us-east-1",
        )

    def env(self) -> dict[str, str]:
        return {
            "MEDIA_S3_BUCKET": self.BUCKETS[0],
            "MEDIA_S3_PRIVATE_BUCKET": self.BUCKETS[1],
            "MEDIA_S3_ENDPOINT_URL": self.url,
            "MEDIA_S3_PUBLIC_URL": f"{self.url}/{self.BUCKETS[0]}",
            "MEDIA_S3_ACCESS_KEY_ID": self.KEY,
            "MEDIA_S3_SECRET_ACCESS_KEY": self.SECRET,
        }

    def stop(self) -> None:
        if self.process:
            self.process.stop()


@dataclass
class Stack:
    """docker-compose.yml's production shape as processes on this machine, no Docker.

    Varnish (the project's VCL: round robin over web and web2, /ws/ to the socket server,
    purges by surrogate key) -> two gunicorn nodes with the Dockerfile's sync workers and a
    uvicorn socket server -> PgBouncer -> a PostgreSQL primary of our own, plus a streaming
    replica (pg_basebackup) for the reads the router sends there; Redis (cache, sessions,
    channel layer, broker); two Celery workers and beat; the mail catcher; an S3-compatible
    object store for media. `source_url` names a database copied into the primary (the
    tests' data); without it the primary is migrated and seeded with the demo data.
    """

    folder: Path
    domain: str = "shop.test"
    source_url: str = ""
    proxy_port: int = field(default_factory=free_port)
    web_workers: int = 2
    parts: list = field(default_factory=list)
    dbname: str = "shopsocial"
    extra_env: dict[str, str] = field(default_factory=dict)

    def _start(self, part):
        self.parts.append(part)
        return part.start()

    def start(self) -> Stack:
        try:
            return self._start_all()
        except BaseException:
            self.stop()
            raise

    def _start_all(self) -> Stack:
        folder = self.folder
        self.redis = self._start(Redis(folder))
        self.mail = self._start(MailCatcher(folder))
        self.objects = self._start(ObjectStore(folder))
        self.primary = PostgresServer(folder, "primary").init_primary()
        self._start(self.primary)
        if self.source_url:
            self.primary.copy_database_from(source_url=self.source_url, dbname=self.dbname)
        else:
            self.primary.sql("postgres", f'CREATE DATABASE "{self.dbname}"')
        self.pgbouncer = self._start(
            PgBouncer(folder, dbname=self.dbname, upstream_port=self.primary.port, pool_size=10)
        )
        self.env = app_env(
            database_url=self.pgbouncer.url,
            redis_url=f"{self.redis.url}/1",
            domain=self.domain,
            DATABASE_POOLER="pgbouncer",
            CHAT_REDIS_URL=f"{self.redis.url}/2",
            VARNISH_PURGE_URLS=f"http://127.0.0.1:{self.proxy_port}",
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(self.mail.port),
            **self.objects.env(),
        )
        self.env["CELERY_BROKER_URL"] = f"{self.redis.url}/0"
        self.env.update(self.extra_env)
        if not self.source_url:
            for command in (["migrate_schemas", "--noinput"], ["seed_demo"]):
                subprocess.run(  # noqa: S603 - our own manage.py
                    [sys.executable, "manage.py", *command],
                    cwd=ROOT,
                    # Varnish is not up yet and caches nothing: no purges while seeding.
                    env={
                        **self.env,
                        "DATABASE_URL": self.primary.url(self.dbname),
                        "VARNISH_PURGE_URLS": "",
                    },
                    check=True,
                )
        self.replica = PostgresServer(folder, "replica").init_replica_of(self.primary)
        self._start(self.replica)
        self.env["REPLICA_DATABASE_URL"] = self.replica.url(self.dbname)
        self.web = [
            self._start(AppNode(folder, self.env, workers=self.web_workers, worker_class="sync"))
            for _ in range(2)
        ]
        self.chat = self._start(SocketNode(folder, self.env))
        from shopsocial.varnish import Varnishd

        self.proxy = Varnishd(
            port=self.proxy_port,
            web=("127.0.0.1", self.web[0].port),
            web2=("127.0.0.1", self.web[1].port),
            chat=("127.0.0.1", self.chat.port),
        )
        self._start(self.proxy)
        self.workers = [Worker(folder, self.env, name=f"worker{n}") for n in (1, 2)]
        for worker in self.workers:
            self._start(worker)
        self.beat = _Beat(folder, self.env)
        self._start(self.beat)
        return self

    def stop(self) -> None:
        for part in reversed(self.parts):
            with contextlib.suppress(Exception):
                part.stop()
        self.parts.clear()

    def describe(self) -> str:
        host = f"kristannaloken.{self.domain}"
        return "\n".join(
            [
                f"storefront    http://{host}:{self.proxy_port}/  (Varnish -> web, web2)",
                f"company site  http://www.{self.domain}:{self.proxy_port}/",
                f"web nodes     {', '.join(str(node.port) for node in self.web)};"
                f" socket server {self.chat.port}",
                f"PostgreSQL    primary {self.primary.port}, replica {self.replica.port},"
                f" PgBouncer {self.pgbouncer.port}; Redis {self.redis.port}",
                f"mail          SMTP 127.0.0.1:{self.mail.port}, messages in {self.mail.folder}",
                f"object store  {self.objects.url} (buckets {', '.join(ObjectStore.BUCKETS)})",
                f"logs          {self.folder}",
            ]
        )


@dataclass
class _Beat:
    folder: Path
    env: dict[str, str]
    process: Process | None = None

    def start(self) -> _Beat:
        schedule = str(self.folder / "celerybeat-schedule")
        self.process = Process(
            "celery-beat",
            celery_command("beat", schedule=schedule),
            folder=self.folder,
            env=self.env,
        )
        wait_until(lambda: "beat: Starting" in self.process.log(), timeout=60, what="beat")
        return self

    def stop(self) -> None:
        if self.process:
            self.process.stop()


def main() -> None:
    """`python -m ops.stack up [--port 8000]`: the whole shape for a person to try."""
    import argparse

    parser = argparse.ArgumentParser(description="The production shape without Docker.")
    parser.add_argument("command", choices=["up"])
    parser.add_argument("--port", type=int, default=8000, help="the proxy's port")
    parser.add_argument("--domain", default="localhost")
    args = parser.parse_args()
    stack = Stack(
        temp_folder("shopsocial-stack-"),
        domain=args.domain,
        proxy_port=args.port,
        extra_env={"SHOP_PORT": str(args.port)},  # links and redirects name the proxy's port
    )
    print("starting: PostgreSQL primary and replica, PgBouncer, Redis, two web nodes, the")
    print("socket server, Varnish, two workers, beat, mail catcher, object store ...", flush=True)
    stack.start()
    print(stack.describe())
    print("Ctrl-C stops everything.", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
