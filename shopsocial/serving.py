"""`manage.py serve`'s servers, in the shape production runs (Dockerfile, compose):

- gunicorn's WSGI workers serve every page (`shopsocial.wsgi`);
- uvicorn serves only the live chat's WebSockets (`shopsocial.asgi`, reached at /ws/);
- Varnish in front, on the public port, with the project's VCL: it caches anonymous
  storefront pages and pipes /ws/ to uvicorn. Writes purge it (VARNISH_PURGE_URLS is
  set for the app processes).

Without varnishd on the machine there is no proxy to route /ws/, so uvicorn serves
everything on the public port (as `serve` always did), and `serve` says so.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time

from shopsocial.asgi_server import CODE_DIRS, WS_MAX_SIZE

# The production command (Dockerfile CMD) takes the same worker class.
GUNICORN_WORKER_CLASS = "sync"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_argv(*, port: int, workers: int, reload: bool) -> list[str]:
    argv = [sys.executable, "-m", "gunicorn", "shopsocial.wsgi:application"]
    argv += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    argv += ["--worker-class", GUNICORN_WORKER_CLASS]
    return argv + (["--reload"] if reload else [])


def uvicorn_argv(*, port: int, reload: bool, base_dir: str) -> list[str]:
    argv = [sys.executable, "-m", "uvicorn", "shopsocial.asgi:application"]
    argv += ["--host", "127.0.0.1", "--port", str(port), "--lifespan", "off"]
    argv += ["--ws-max-size", str(WS_MAX_SIZE)]
    if reload:
        argv += ["--reload", *(f"--reload-dir={base_dir}/{d}" for d in CODE_DIRS)]
    return argv


def serve_behind_varnish(*, port: int, reload: bool) -> None:
    """Varnish on `port` → gunicorn (pages) and uvicorn (/ws/); returns when one exits."""
    from django.conf import settings

    from shopsocial.varnish import Varnishd

    web_port, chat_port = free_port(), free_port()
    varnish = Varnishd(port=port, web=("127.0.0.1", web_port), chat=("127.0.0.1", chat_port))
    env = {
        **os.environ,
        "SHOP_PORT": f":{port}",
        "DJANGO_SETTINGS_MODULE": os.environ.get(
            "DJANGO_SETTINGS_MODULE", "shopsocial.settings.dev"
        ),
        "VARNISH_PURGE_URLS": varnish.url,
    }
    base = str(settings.BASE_DIR)
    argvs = [
        gunicorn_argv(port=web_port, workers=2, reload=reload),
        uvicorn_argv(port=chat_port, reload=reload, base_dir=base),
    ]
    # SIGTERM (docker stop, a supervisor) stops the children and Varnish too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    children = [subprocess.Popen(argv, env=env, cwd=base) for argv in argvs]  # noqa: S603
    try:
        varnish.start()
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    finally:
        varnish.stop()
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=10)
