"""Real-browser journeys: the app as a separate server process, driven by Debian's Chromium.

One session starts:
- a database of its own (the configured database's name + `_e2e`, on the same PostgreSQL
  server, the embedded one included), migrated and seeded with `seed_demo` by a
  subprocess started when the tests start, so it overlaps the other tests (`Preparation`);
- the app (`manage.py runserver --noreload`, dev settings) on a free loopback port, with
  `SHOP_DOMAIN=localhost` so `demo.localhost:PORT` is a storefront, Celery eager and
  every email kept as an .eml file in a temporary directory;
- one headless Chromium, shared by every test (each test gets a fresh context).

The whole directory is skipped, with a reason, when /usr/bin/chromium is absent.
Screenshots of the main pages land in test-artifacts/e2e/ (git-ignored).
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
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .mail import Mailbox

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SERVER_START_TIMEOUT = 60


def _is_e2e(item: pytest.Item) -> bool:
    return HERE in Path(str(item.fspath)).resolve().parents


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark the browser journeys before pytest filters by marker (`-m "not e2e"`).

    Runs before the mark plugin's own hook, which deselects; a marker added later
    (e.g. in a trylast hook) would be seen by nothing."""
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is absent: install Debian's chromium to run")
    for item in items:
        if _is_e2e(item):
            item.add_marker(pytest.mark.e2e)
            if not CHROMIUM.exists():
                item.add_marker(skip)


def pytest_collection_finish(session):
    """The browser journeys run after every other test, or beside them.

    Run with other tests (the whole suite), they run at the same time in a pytest process
    of their own (`Journeys`), which reports at the end of this one: they spend most of
    their time waiting on Chromium and the app server, so the suite takes minutes less.
    Run alone (`pytest tests/e2e`), or where Chromium is absent (each is skipped with the
    reason), they run here, last, after every reordering of the collected items
    (pytest-randomly's shuffle, pytest-django's database-kind sort): Playwright's sync
    API keeps an event loop in this thread while the session's browser is open, and
    Django refuses database work from a thread with a running loop. This hook runs once
    collection is complete, after every `pytest_collection_modifyitems`; the processes
    start only when tests are about to run (`pytest_runtestloop`)."""
    items = session.items
    e2e = [item for item in items if _is_e2e(item)]
    if not e2e:
        return
    ids = {id(item) for item in e2e}
    others = [item for item in items if id(item) not in ids]
    if others and CHROMIUM.exists() and not os.environ.get(Journeys.ENV):
        items[:] = others
        Journeys.pending = [item.nodeid for item in e2e]
    else:
        items[:] = others + e2e


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session):
    """Start the journeys' process, or their database, once tests will really run: not
    after a collection error, nor for --collect-only, --setup-plan or --setup-only."""
    option = session.config.option
    if session.testsfailed and not option.continue_on_collection_errors:
        return
    if option.collectonly or option.setupplan or option.setuponly:
        return
    if Journeys.pending:
        Journeys.start(session.config, Journeys.pending)
    elif CHROMIUM.exists() and any(_is_e2e(item) for item in session.items):
        Preparation.start()  # the journeys' database, while the other tests run


def pytest_sessionfinish(session, exitstatus):
    journeys = Journeys.current
    if journeys is None:
        return
    if session.shouldfail or session.shouldstop or exitstatus == pytest.ExitCode.INTERRUPTED:
        journeys.interrupt()  # this run stopped early: so does that one
    else:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None and journeys.process.poll() is None:
            reporter.write("\n")  # after the progress line's [100%]
            reporter.write_line("waiting for the browser journeys' process ...")
    if journeys.finish() != 0 and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    journeys = Journeys.current
    if journeys is None or journeys.output is None:
        return
    terminalreporter.section(
        f"browser journeys (their own pytest process, exit code {journeys.code})", sep="="
    )
    terminalreporter.write(journeys.output)


class _LastAtSessionFinish:
    """Registered as a plugin: a second `pytest_sessionfinish`, run after pytest's own
    (which tears down the session fixtures, `live_shop` among them)."""

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session):
        Preparation.discard()  # started, but the journeys never ran (-x, Ctrl-C)


def pytest_configure(config):
    config.pluginmanager.register(_LastAtSessionFinish(), "shopsocial-e2e-last")


class Journeys:
    """The browser journeys in a pytest process of their own, started when the tests
    start and waited for when this session finishes (its whole output is printed then,
    and its failure fails this run). It gets its own database name, so its pytest-django
    and its `Preparation` never touch this session's databases. Ctrl-C, -x and a session
    stopped early interrupt it (SIGINT: it tears down its servers and databases)."""

    ENV = "SHOPSOCIAL_JOURNEYS_PROCESS"
    TIMEOUT = 45 * 60
    GRACE = 60  # seconds an interrupted process gets to tear down
    pending: list[str] = []
    current: Journeys | None = None

    def __init__(self, config, nodeids: list[str]) -> None:
        self.log = tempfile.TemporaryFile(mode="w+", errors="replace")  # noqa: SIM115 - closed in finish()
        self.output: str | None = None
        self.code: int | str | None = None
        args = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *nodeids]
        if not config.pluginmanager.has_plugin("randomly"):
            args += ["-p", "no:randomly"]
        else:
            seed = getattr(config.option, "randomly_seed", None)
            if isinstance(seed, int):
                args.append(f"--randomly-seed={seed}")
            if getattr(config.option, "randomly_reorganize", True) is False:
                args.append("--randomly-dont-reorganize")
        if config.option.maxfail:  # -x, --maxfail
            args.append(f"--maxfail={config.option.maxfail}")
        journeys_db = Database.derived_from_settings("_journeys")
        env = {**os.environ, self.ENV: "1", "DATABASE_URL": journeys_db.url}
        # A little below the other tests on the CPU (its servers and Chromium inherit it):
        # the ops tests measure throughput in seconds; the journeys wait up to a minute.
        if shutil.which("nice"):
            args = ["nice", "-n", "5", *args]
        self.process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )

    @classmethod
    def start(cls, config, nodeids: list[str]) -> None:
        cls.pending = []
        cls.current = cls(config, nodeids)

    def interrupt(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)

    def finish(self) -> int | str:
        if self.code is not None:
            return self.code
        try:
            self.code = self.process.wait(timeout=self.TIMEOUT)
        except subprocess.TimeoutExpired:
            self.code = f"interrupted after {self.TIMEOUT} s"
        except KeyboardInterrupt:
            self.code = "interrupted"
        if self.process.poll() is None:
            self.interrupt()
            try:
                self.process.wait(timeout=self.GRACE)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.seek(0)
        self.output = self.log.read()
        self.log.close()
        return self.code


# --- Database ---------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    """Connection parameters of the e2e database (a sibling of the test database)."""

    name: str
    user: str
    password: str
    host: str
    port: str

    @classmethod
    def derived_from_settings(cls, suffix: str = "_e2e") -> Database:
        from django.conf import settings

        db = settings.DATABASES["default"]
        host = db.get("HOST") or db.get("OPTIONS", {}).get("host", "")
        return cls(
            name=f"{db['NAME']}{suffix}",
            user=db.get("USER") or "postgres",
            password=db.get("PASSWORD") or "",
            host=str(host),
            port=str(db.get("PORT") or ""),
        )

    def conninfo(self, dbname: str | None = None) -> dict:
        params = {"dbname": dbname or self.name, "user": self.user, "host": self.host}
        if self.password:
            params["password"] = self.password
        if self.port:
            params["port"] = self.port
        return params

    @property
    def url(self) -> str:
        auth = self.user + (f":{self.password}" if self.password else "")
        if self.host.startswith("/"):  # Unix socket (the embedded server)
            port = f"&port={self.port}" if self.port else ""
            return f"postgres://{auth}@/{self.name}?host={self.host}{port}"
        port = f":{self.port}" if self.port else ""
        return f"postgres://{auth}@{self.host}{port}/{self.name}"

    def connect(self, *, autocommit: bool = True):
        import psycopg

        return psycopg.connect(**self.conninfo(), autocommit=autocommit)

    def recreate(self) -> None:
        import psycopg

        with psycopg.connect(**self.conninfo("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(**self.conninfo("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


# --- The app server ---------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Fetched:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]


@dataclass
class LiveShop:
    port: int
    database: Database
    mail_dir: Path
    env: dict[str, str]
    process: subprocess.Popen | None = None
    log_path: Path | None = None
    _log: object = field(default=None, repr=False)

    @property
    def mailbox(self) -> Mailbox:
        return Mailbox(self.mail_dir)

    def url(self, host: str = "www", path: str = "/") -> str:
        """`url("demo", "/cart/")` -> http://demo.localhost:PORT/cart/; host "" is the bare domain."""
        hostname = f"{host}.localhost" if host else "localhost"
        return f"http://{hostname}:{self.port}{path}"

    def origins(self) -> set[str]:
        return {f"http://localhost:{self.port}"}

    def is_our_origin(self, url: str) -> bool:
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return True
        host = parts.hostname or ""
        return (
            parts.scheme == "http"
            and parts.port == self.port
            and (host == "localhost" or host.endswith(".localhost"))
        )

    def fetch(
        self,
        host: str,
        path: str,
        *,
        method: str = "GET",
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
        timeout: float = 10,
    ) -> Fetched:
        """One plain HTTP request to the app (no browser, no redirect followed).

        Connects to 127.0.0.1 with the Host header: outside browsers, `*.localhost`
        names need not resolve.
        """
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        hostname = f"{host}.localhost" if host else "localhost"
        try:
            conn.request(
                method,
                path,
                body=body,
                headers={"Host": f"{hostname}:{self.port}", **(headers or {})},
            )
            response = conn.getresponse()
            return Fetched(response.status, response.getheaders(), response.read())
        finally:
            conn.close()

    def manage(self, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
        return self._manage(self.env, args, timeout)

    def manage_with(self, env: dict[str, str], *args: str, timeout: int = 300) -> str:
        """manage.py under another environment (e.g. with a broker); returns stdout."""
        return self._manage(env, args, timeout).stdout

    def _manage(self, env, args, timeout) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
            )
        return result

    def shell(self, code: str, timeout: int = 120) -> str:
        """Run Python inside the app (dev settings, the e2e database); returns stdout."""
        return self.manage("shell", "-c", code, timeout=timeout).stdout

    def start(self) -> None:
        self.log_path = ARTIFACTS / "server.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited:\n{self.log_path.read_text()}")
            with contextlib.suppress(OSError):
                if self.fetch("www", "/healthz", timeout=2).status == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"server did not answer in time:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self._log:
            self._log.close()


def shop_env(*, port: int, database: Database, mail_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CELERY_", "SECURE_", "ANYMAIL_"))
        and k not in ("REDIS_URL", "EMAIL_BACKEND", "DEBUG", "ALLOWED_HOSTS", "DATABASE_POOL")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="shopsocial.settings.dev",
        SHOP_DOMAIN="localhost",
        SHOP_PORT=f":{port}",
        DATABASE_URL=database.url,
        CSRF_TRUSTED_ORIGINS=f"http://localhost:{port},http://www.localhost:{port}",
        DEV_MAIL_DIR=str(mail_dir),
        PYTHONUNBUFFERED="1",
    )
    return env


# Run by the preparation: one Django start for both (seconds on a loaded machine).
PREPARE = (
    "from django.core.management import call_command\n"
    "call_command('migrate_schemas', interactive=False, verbosity=0)\n"
    "call_command('seed_demo')\n"
    # The journeys share this database, and every order or open payment page
    # takes stock: plenty of it, so no journey depends on how many ran before.
    "from django.db.models import Q, Sum\n"
    "from storefront.models import Product, ProductVariant\n"
    "ProductVariant.objects.update(stock=100_000)\n"
    "for p in Product.objects.annotate("
    "n=Sum('variants__stock', filter=Q(variants__active=True))):\n"
    "    Product.objects.filter(pk=p.pk).update(stock=p.n or 0)"
)


class Preparation:
    """The journeys' database, created, migrated and seeded (`PREPARE`) by a `manage.py
    shell` started when the tests start, if journeys will run here. They run
    last, so this overlaps the rest of the suite instead of adding its ~45 s to it;
    `live_shop` waits for it (and starts it itself when nothing did)."""

    current: Preparation | None = None

    def __init__(self) -> None:
        self.database = Database.derived_from_settings()
        self.database.recreate()
        self.mail_dir = Path(tempfile.mkdtemp(prefix="shopsocial-e2e-mail-"))
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed in finish()
        env = shop_env(port=0, database=self.database, mail_dir=self.mail_dir)
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "shell", "-c", PREPARE],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    @classmethod
    def start(cls) -> Preparation:
        if cls.current is None:
            cls.current = cls()
        return cls.current

    def finish(self, timeout: float = 600) -> None:
        """Wait for the shell; its output is the error when it failed."""
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = "killed: timed out"
        self.log.seek(0)
        output = self.log.read()
        self.log.close()
        if code != 0:
            raise RuntimeError(f"preparing the e2e database failed ({code}):\n{output}")

    @classmethod
    def discard(cls) -> None:
        prepared, cls.current = cls.current, None
        if prepared is None:
            return
        if prepared.process.poll() is None:
            prepared.process.kill()
            prepared.process.wait()
        if not prepared.log.closed:
            prepared.log.close()
        shutil.rmtree(prepared.mail_dir, ignore_errors=True)
        with contextlib.suppress(Exception):
            prepared.database.drop()


@pytest.fixture(scope="session")
def live_shop() -> Iterator[LiveShop]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent")
    prepared = Preparation.start()
    prepared.finish()  # before choosing the port: others may bind ports meanwhile
    port = free_port()
    shop = LiveShop(
        port=port,
        database=prepared.database,
        mail_dir=prepared.mail_dir,
        env=shop_env(port=port, database=prepared.database, mail_dir=prepared.mail_dir),
    )
    try:
        shop.start()
        yield shop
    finally:
        shop.stop()
        Preparation.discard()


# --- The browser ------------------------------------------------------------


@pytest.fixture(scope="session")
def browser(live_shop):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=20_000)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class RequestLog(list):
    """Every URL the page asked for (documents, CSS, images, scripts, fetches)."""


@pytest.fixture
def new_context(browser):
    """Factory: a fresh browser context (its own cookies), closed after the test.

    Each context records every request URL on `context.request_log`.
    """
    contexts = []

    def make(**kwargs):
        kwargs.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(**kwargs)
        # Generous: the machine running CI may be shared and busy.
        context.set_default_timeout(30_000)
        context.set_default_navigation_timeout(60_000)
        log = RequestLog()
        context.on("request", lambda request: log.append(request.url))
        context.request_log = log
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
