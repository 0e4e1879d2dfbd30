"""The benchmarks' shared harness: ports, manage.py, the bench environment, wrk, percentiles.

Scripts run as `uv run python bench/<name>.py`; each puts the project root on sys.path
before importing this module.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    """`manage.py ARGS` in the project root; exits with its output when it fails."""
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of `values` (sorted here; NaN when empty)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def bench_env(static_root: Path, *, domain: str = "localhost") -> dict[str, str]:
    """Production settings (bench.storefront_settings) with throwaway secrets, on loopback."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CELERY_", "SECURE_")) and k != "DEBUG"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bench.storefront_settings",
        SECRET_KEY="bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        FIELD_ENCRYPTION_KEYS="YmVuY2gtb25seS1maWVsZC1rZXktMzItYnl0ZXMtbG8=",
        OFFLINE_GATEWAY_WEBHOOK_SECRET="whsec_bench",
        SHOP_DOMAIN=domain,
        STATIC_ROOT=str(static_root),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="ERROR",
        CELERY_BROKER_URL="",  # tasks inline: no worker runs during the bench
        # Production refuses to start without a gateway; browsing never calls it.
        STRIPE_SECRET_KEY="sk_test_bench_never_called",
        STRIPE_WEBHOOK_SECRET="whsec_bench_never_called",
    )
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/7")
    return env


def dockerfile_gunicorn_args() -> list[str]:
    """The gunicorn arguments of the Dockerfile's CMD (what production runs), minus --bind."""
    text = (ROOT / "Dockerfile").read_text()
    cmd = json.loads(re.search(r"^CMD (\[.*\])$", text, flags=re.M).group(1))
    assert cmd[0] == "gunicorn", cmd
    args, skip = [], False
    for item in cmd[1:]:
        if skip:
            skip = False
        elif item == "--bind":
            skip = True
        else:
            args.append(item)
    return args


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def run_wrk(
    url: str, *, host: str, seconds: float, connections: int, headers: dict[str, str] | None = None
) -> tuple[float, float, int]:
    """(requests/s, p99 ms, errors) of `wrk` against `url` with the Host header `host`."""
    command = ["wrk", "--latency", "-t", "2", "-c", str(connections)]
    command += ["-d", f"{max(1, round(seconds))}s", "-H", f"Host: {host}"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"\s99%\s+([\d.]+)(us|ms|s)", out).groups()
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        errors += int(match.group(1)) + int(match.group(3)) + int(match.group(4))
    return rate, float(value) * _UNITS[unit], errors


def storefront_provision(slug: str, n: int, tax_id_encrypted: str):
    """One benchmark storefront through `retailer_provision` (Django set up by the caller)."""
    from retailers.services import retailer_provision

    return retailer_provision(
        slug=slug,
        display_name=f"Bench Shop {n}",
        legal_name="Bench Example",
        email=f"{slug}@example.com",
        city="Austin",
        state="TX",
        postal_code="78701",
        tax_id_kind="ssn",
        tax_id_encrypted=tax_id_encrypted,
        tax_id_last4="6789",
    )
