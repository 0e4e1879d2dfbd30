"""A deploy stops the app server with TERM: the request in flight is answered, then the
server exits; nothing new is accepted. The Dockerfile's server (gunicorn, sync workers),
for real: a shopper's request is half sent when TERM arrives and is finished after it."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shlex
import signal
import socket
import struct
import termios
from pathlib import Path

from ops.stack import AppNode, Redis, app_env, temp_folder, wait_until
from tests.conftest import ALICE_HOST

from .harness import database_url_for_processes

ROOT = Path(__file__).resolve().parents[2]


def dockerfile_worker_class() -> str:
    cmd = next(ln for ln in (ROOT / "Dockerfile").read_text().splitlines() if ln.startswith("CMD"))
    words = json.loads(cmd.removeprefix("CMD").strip())
    return words[words.index("--worker-class") + 1]


def open_files(pid: int) -> dict[int, str]:
    """What each of a process's file descriptors is (`socket:[inode]`, `pipe:[inode]`...)."""
    found = {}
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):  # closed meanwhile
            found[int(fd.name)] = os.readlink(fd)
    return found


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError):
            # after the command name's ")": state, then the parent's pid
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def worker_holding(arbiter: int, server_port: int, client_port: int) -> int | None:
    """The gunicorn worker that has accepted the connection from `client_port`, if one has:
    while the connection waits in the listen queue its server end is no process's file
    (inode 0 in /proc/net/tcp)."""
    ends = (f"0100007F:{server_port:04X}", f"0100007F:{client_port:04X}")
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if (fields[1], fields[2]) == ends and fields[9] != "0":
            wanted = f"socket:[{fields[9]}]"
            return next((p for p in children(arbiter) if wanted in open_files(p).values()), None)
    return None


def signal_taken(worker: int, arbiter: int) -> bool:
    """The worker has taken a signal: gunicorn's worker has Python write every signal it
    takes to a wake-up pipe of its own (signal.set_wakeup_fd), which it reads only while
    waiting for a new connection, so a worker busy with a request leaves the byte there."""
    inherited = set(open_files(arbiter).values())  # the arbiter's own pipe, stdin
    read_ends = [
        fd
        for fd, what in open_files(worker).items()
        if what.startswith("pipe:")
        and what not in inherited
        and int(Path(f"/proc/{worker}/fdinfo/{fd}").read_text().split("flags:")[1].split()[0], 8)
        & os.O_ACCMODE
        == os.O_RDONLY
    ]
    assert len(read_ends) == 1, open_files(worker)
    pipe = os.open(f"/proc/{worker}/fd/{read_ends[0]}", os.O_RDONLY | os.O_NONBLOCK)
    try:  # how many bytes wait in the pipe, none read
        waiting = struct.unpack("i", fcntl.ioctl(pipe, termios.FIONREAD, b"\0" * 4))[0]
    finally:
        os.close(pipe)
    return waiting > 0


def test_term_finishes_the_request_in_flight_then_the_server_exits(tenants):
    worker_class = dockerfile_worker_class()
    assert worker_class == "sync", shlex.join([worker_class])
    folder = temp_folder("ss-ops-term-")
    redis = Redis(folder).start()
    node = None
    try:  # the server and Redis are stopped however the test ends
        env = app_env(database_url=database_url_for_processes(), redis_url=f"{redis.url}/0")
        node = AppNode(folder, env, workers=1, threads=1, worker_class=worker_class).start()
        assert f"Using worker: {worker_class}" in node.process.log()
        shopper = socket.create_connection(("127.0.0.1", node.port), timeout=60)
        try:
            shopper.sendall(f"GET / HTTP/1.1\r\nHost: {ALICE_HOST}\r\n".encode())
            # The request is in flight: the worker has accepted the connection and is
            # reading the request (a connection still in the listen queue would be dropped
            # with it).
            holder = (node.process.pid, node.port, shopper.getsockname()[1])
            wait_until(
                lambda: worker_holding(*holder) is not None,
                timeout=60,
                what="the worker reading the request",
            )
            worker = worker_holding(*holder)
            assert not signal_taken(worker, node.process.pid)  # (so the wait below means TERM)
            node.process.popen.send_signal(signal.SIGTERM)
            wait_until(
                lambda: "Handling signal: term" in node.process.log(), timeout=30, what="TERM seen"
            )
            # The arbiter passes TERM on to its worker, which takes it while blocked reading
            # the rest of the request; only then does the rest arrive.
            wait_until(
                lambda: signal_taken(worker, node.process.pid),
                timeout=30,
                what="TERM at the worker",
            )
            shopper.sendall(b"Accept: text/html\r\nConnection: close\r\n\r\n")
            answer = b""
            while chunk := shopper.recv(65536):
                answer += chunk
        finally:
            shopper.close()
        status_line = answer.split(b"\r\n", 1)[0]
        assert status_line.startswith(b"HTTP/1.1 200"), node.process.log()[-3000:]
        assert b"</html>" in answer  # the whole page, not a cut-off one
        # Then the server is gone: it exits within its graceful timeout and accepts nothing
        # new.
        node.process.popen.wait(timeout=30)
        try:
            socket.create_connection(("127.0.0.1", node.port), timeout=2).close()
            refused = False
        except OSError:
            refused = True
    finally:
        if node is not None:
            node.stop()
        redis.stop()
    assert refused
