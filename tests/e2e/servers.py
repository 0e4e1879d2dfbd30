"""Extra processes for the fault tests: gunicorn, a throwaway Redis, a Celery worker."""

from __future__ import annotations

import contextlib
import time

from ops import stack

from .conftest import ARTIFACTS, ROOT, free_port


class Process(stack.Process):
    """A child process with its output in test-artifacts/e2e/<name>.log (ops.stack.Process)."""

    def __init__(self, name: str, args: list[str], env: dict[str, str] | None = None) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        super().__init__(name, args, folder=ARTIFACTS, env=env, cwd=ROOT)


def sibling_env(live_shop, port: int, **extra: str) -> dict[str, str]:
    """The live shop's environment for another server on `port` (same database, mailbox)."""
    return {
        **live_shop.env,
        "SHOP_PORT": f":{port}",
        "CSRF_TRUSTED_ORIGINS": f"http://localhost:{port},http://www.localhost:{port}",
        **extra,
    }


def start_gunicorn(live_shop, *, workers: int = 2, threads: int = 4, **extra_env: str):
    """gunicorn (gthread) serving the app on the live shop's database; returns (shop, process)."""
    from dataclasses import replace

    port = free_port()
    env = sibling_env(live_shop, port, **extra_env)
    shop = replace(live_shop, port=port, env=env, process=None, log_path=None, _log=None)
    process = Process(
        f"gunicorn-{port}",
        stack.gunicorn_command(port, workers=workers, threads=threads),
        env=env,
    )
    try:
        wait_until(lambda: _healthz(shop) == 200, timeout=30, what="gunicorn up")
    except AssertionError:
        process.stop()
        raise AssertionError(f"gunicorn did not start:\n{process.log()}") from None
    return shop, process


def _healthz(shop) -> int | None:
    # Not /healthz: it answers 503 on purpose while a configured broker is down.
    try:
        return shop.fetch("www", "/privacy/", timeout=5).status
    except OSError:
        return None


def start_redis(port: int) -> Process:
    process = Process(
        f"redis-{port}",
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
    )
    import socket

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return process
        time.sleep(0.1)
    raise RuntimeError(f"redis did not start:\n{process.log()}")


def start_celery_worker(env: dict[str, str], name: str = "worker") -> Process:
    return Process(name, stack.celery_command("worker", name), env=env)


def wait_until(predicate, timeout: float, interval: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{what} not reached within {timeout}s")
