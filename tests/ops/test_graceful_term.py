"""A deploy stops the app server with TERM: the request in flight is answered, then the
server exits; nothing new is accepted. The Dockerfile's server (gunicorn, sync workers),
for real: a shopper's request is half sent when TERM arrives and is finished after it."""

from __future__ import annotations

import json
import shlex
import signal
import socket
import time
from pathlib import Path

from ops.stack import AppNode, Redis, app_env, temp_folder, wait_until
from tests.conftest import ALICE_HOST

from .harness import database_url_for_processes

ROOT = Path(__file__).resolve().parents[2]


def dockerfile_worker_class() -> str:
    cmd = next(ln for ln in (ROOT / "Dockerfile").read_text().splitlines() if ln.startswith("CMD"))
    words = json.loads(cmd.removeprefix("CMD").strip())
    return words[words.index("--worker-class") + 1]


def test_term_finishes_the_request_in_flight_then_the_server_exits(tenants):
    worker_class = dockerfile_worker_class()
    assert worker_class == "sync", shlex.join([worker_class])
    folder = temp_folder("ss-ops-term-")
    redis = Redis(folder).start()
    env = app_env(database_url=database_url_for_processes(), redis_url=f"{redis.url}/0")
    node = AppNode(folder, env, workers=1, threads=1, worker_class=worker_class).start()
    assert f"Using worker: {worker_class}" in node.process.log()
    shopper = socket.create_connection(("127.0.0.1", node.port), timeout=60)
    try:  # (on failure the server is stopped below, after the answer is read)
        shopper.sendall(f"GET / HTTP/1.1\r\nHost: {ALICE_HOST}\r\n".encode())
        time.sleep(1)  # the worker has the connection and is reading the request
        node.process.popen.send_signal(signal.SIGTERM)
        wait_until(
            lambda: "Handling signal: term" in node.process.log(), timeout=30, what="TERM seen"
        )
        time.sleep(1)
        shopper.sendall(b"Accept: text/html\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := shopper.recv(65536):
            answer += chunk
    finally:
        shopper.close()
    status_line = answer.split(b"\r\n", 1)[0]
    assert status_line.startswith(b"HTTP/1.1 200"), node.process.log()[-3000:]
    assert b"</html>" in answer  # the whole page, not a cut-off one
    # Then the server is gone: it exits within its graceful timeout and accepts nothing new.
    try:
        node.process.popen.wait(timeout=30)
        try:
            socket.create_connection(("127.0.0.1", node.port), timeout=2).close()
            refused = False
        except OSError:
            refused = True
    finally:
        node.stop()
        redis.stop()
    assert refused
