"""Varnish, the HTTP cache in front of the app (deploy/varnish/default.vcl).

- `vcl_for(web=..., chat=...)`: the project's VCL with the backends pointed at the
  given addresses (compose names its services `web` and `chat`; `manage.py serve`,
  the tests and the benchmark run everything on loopback ports);
- `Varnishd`: a varnishd process on a loopback port (serve, tests, bench);
- `purge(keys)`: the PURGE request that removes every object tagged with any of the
  keys (xkey), sent to each of VARNISH_PURGE_URLS; nothing is sent when the
  setting is empty (no Varnish in front: development, most tests).
"""

from __future__ import annotations

import contextlib
import http.client
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.parse
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

VCL_PATH = Path(__file__).resolve().parent.parent / "deploy" / "varnish" / "default.vcl"
PURGE_TIMEOUT = 2.0


def vcl_for(
    *, web: tuple[str, int], chat: tuple[str, int], web2: tuple[str, int] | None = None
) -> str:
    """The project's VCL with its backends pointed here (`web2`: a second web node;
    without one both page backends are `web`)."""
    text = VCL_PATH.read_text()
    for name, (host, port) in (("web", web), ("web2", web2 or web), ("chat", chat)):
        old = f'backend {name} {{\n    .host = "{name}";\n    .port = "'
        start = text.index(old)
        end = text.index('";', start + len(old))
        text = (
            text[:start]
            + f'backend {name} {{\n    .host = "{host}";\n    .port = "{port}'
            + text[end:]
        )
    return text


def varnishd_path() -> str | None:
    return shutil.which("varnishd") or (
        "/usr/sbin/varnishd" if Path("/usr/sbin/varnishd").exists() else None
    )


class Varnishd:
    """varnishd on 127.0.0.1:`port` in front of `web` (HTTP) and `chat` (/ws/)."""

    def __init__(
        self,
        *,
        port: int,
        web: tuple[str, int],
        chat: tuple[str, int],
        web2: tuple[str, int] | None = None,
        purge_token: str = "",
    ) -> None:
        self.port = port
        self.purge_token = purge_token  # required on every PURGE when set (the VCL)
        self.dir = Path(tempfile.mkdtemp(prefix="varnish-"))
        self.dir.chmod(0o755)  # varnishd compiles the VCL as its own unprivileged user
        self.vcl = self.dir / "shopsocial.vcl"
        self.vcl.write_text(vcl_for(web=web, chat=chat, web2=web2))
        self.pid_file = self.dir / "varnishd.pid"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> None:
        binary = varnishd_path()
        if binary is None:
            raise RuntimeError(
                "varnishd is not installed (apt-get install varnish varnish-modules)"
            )
        result = subprocess.run(  # noqa: S603 - our own arguments
            [
                binary,
                *("-a", f"127.0.0.1:{self.port}"),
                *("-f", str(self.vcl)),
                *("-n", str(self.dir / "work")),
                *("-s", "malloc,64m"),
                *("-P", str(self.pid_file)),
                *("-p", "default_grace=0"),
            ],
            capture_output=True,
            text=True,
            check=False,
            # The VCL reads VARNISH_PURGE_TOKEN from varnishd's environment: this one's only.
            env={
                **{k: v for k, v in os.environ.items() if k != "VARNISH_PURGE_TOKEN"},
                **({"VARNISH_PURGE_TOKEN": self.purge_token} if self.purge_token else {}),
            },
        )
        if result.returncode != 0:
            raise RuntimeError(f"varnishd failed: {result.stdout}{result.stderr}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                _purge_request(self.url, keys="", timeout=1)
            except OSError:
                time.sleep(0.1)
            else:
                return  # varnish answered (400: no key given)
        raise RuntimeError("varnishd did not answer")

    def stop(self) -> None:
        if self.pid_file.exists():
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(self.pid_file.read_text().strip()), signal.SIGTERM)
            for _ in range(50):
                if not self.pid_file.exists():
                    break
                time.sleep(0.1)
        shutil.rmtree(self.dir, ignore_errors=True)


def purge_urls() -> list[str]:
    value = getattr(settings, "VARNISH_PURGE_URLS", None) or []
    return [value] if isinstance(value, str) else list(value)


def purge(keys: Iterable[str]) -> None:
    """Remove every cached object tagged with any of `keys` from each Varnish."""
    joined = " ".join(sorted(set(keys)))
    if not joined:
        return
    for url in purge_urls():
        try:
            status = _purge_request(
                url, keys=joined, timeout=PURGE_TIMEOUT, token=settings.VARNISH_PURGE_TOKEN
            )
        except OSError:
            status = 0
        if status != 200:
            # The cache keeps the page until its s-maxage runs out: log, do not fail the
            # write that has already committed.
            logger.warning("Varnish purge failed at %s (status %s)", url, status)


def _purge_request(url: str, *, keys: str, timeout: float, token: str = "") -> int:
    """PURGE `url` with the xkey-purge header (and the Purge-Token header when Varnish
    requires one: VARNISH_PURGE_TOKEN); the status Varnish answered."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    headers = {"xkey-purge": keys} if keys else {}
    if token:
        headers["Purge-Token"] = token
    try:
        connection.request("PURGE", parts.path or "/", headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()
