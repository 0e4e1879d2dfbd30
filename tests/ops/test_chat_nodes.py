"""Chat across socket-server nodes and graceful restarts, with real processes.

Two uvicorn processes share the Redis channel layer: the shopper's socket on node A and
the agent's on node B talk to each other. Restarting node A (SIGTERM, uvicorn closes
its sockets with 1012 and stops) and starting it again, the shopper reconnects with the
same chat token, as static/chat/chat.js does (backoff reconnect on close), gets the
history and the agent's next message. gunicorn reloaded with HUP under load answers
every request.
"""

from __future__ import annotations

import json
import signal
import socket
import threading
import time

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from ops.stack import AppNode, Redis, SocketNode, app_env, http_get, temp_folder, wait_until
from privacy.chat import services
from privacy.models import Ticket
from tests.conftest import ALICE_HOST, BOB_HOST, COMPANY_HOST

from .harness import database_url_for_processes

T = 20


def open_socket(node: SocketNode, host: str, path: str, cookie: str = ""):
    return connect(
        f"ws://{host}:{node.port}{path}",
        sock=socket.create_connection(("127.0.0.1", node.port), timeout=T),
        origin=f"http://{host}:{node.port}",
        additional_headers={"Cookie": cookie} if cookie else None,
        open_timeout=T,
        legacy=True,
    )


def next_of(ws, kind: str, author: str = "") -> dict:
    deadline = time.monotonic() + T
    while time.monotonic() < deadline:
        event = json.loads(ws.recv(timeout=T))
        if event["type"] == kind and (not author or event.get("author") == author):
            return event
    raise AssertionError(f"no {kind} event")


def hello(node: SocketNode, token: str):
    ws = open_socket(node, ALICE_HOST, "/ws/chat/")
    ws.send(json.dumps({"type": "hello", "token": token}))
    return ws, next_of(ws, "history")


@pytest.mark.django_db(transaction=True)
def test_shopper_on_one_socket_node_and_agent_on_another_chat_across_a_restart(tenants):
    agent = get_user_model().objects.create_user(
        username="ops-agent", password="a-long-test-password", is_staff=True, first_name="Alex"
    )
    agent.user_permissions.add(
        Permission.objects.get(content_type__app_label="chat", codename="answer_chat")
    )
    client = Client()
    client.force_login(agent)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    chat, token = services.chat_start(
        topic=Ticket.Topic.CHANGE_INFO,
        name="Sam Shopper",
        email="sam@example.com",
        storefront=tenants["alice"],
    )
    folder = temp_folder("ss-ops-chat-")
    redis = Redis(folder).start()
    env = app_env(database_url=database_url_for_processes(), redis_url=f"{redis.url}/0")
    env["SECRET_KEY"] = settings.SECRET_KEY  # the session's auth hash, made in this process
    node_a = SocketNode(folder, env).start()
    node_b = SocketNode(folder, env).start()
    try:
        staff = open_socket(node_b, COMPANY_HOST, "/ws/support/", cookie)
        assert [c["id"] for c in next_of(staff, "snapshot")["queue"]] == [chat.pk]
        shopper, history = hello(node_a, token)
        assert history["messages"] == []

        shopper.send(json.dumps({"type": "message", "body": "Where is my order?"}))
        staff.send(json.dumps({"type": "claim", "chat": chat.pk}))
        detail = next_of(staff, "chat")
        assert [m["body"] for m in detail["messages"]] == ["Where is my order?"]
        staff.send(json.dumps({"type": "message", "chat": chat.pk, "body": "On its way"}))
        reply = next_of(shopper, "message", "staff")  # node B -> Redis -> node A
        assert (reply["author"], reply["body"]) == ("staff", "On its way")

        # Graceful restart of node A: the shopper's socket is closed (1012), not cut.
        node_a.restart()
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                shopper.recv(timeout=T)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1012

        shopper, history = hello(node_a, token)  # the page reconnects with its token
        assert [m["body"] for m in history["messages"]] == ["Where is my order?", "On its way"]
        staff.send(json.dumps({"type": "message", "chat": chat.pk, "body": "Tracking sent"}))
        assert next_of(shopper, "message", "staff")["body"] == "Tracking sent"
        shopper.send(json.dumps({"type": "message", "body": "Thanks"}))
        assert (
            next_of(staff, "message", "customer")["body"] == "Thanks"
        )  # node A -> Redis -> node B
        shopper.close()
        staff.close()
    finally:
        node_a.stop()
        node_b.stop()
        redis.stop()


@pytest.mark.django_db(transaction=True)
def test_gunicorn_reloaded_with_hup_under_load_answers_every_request(tenants):
    folder = temp_folder("ss-ops-hup-")
    redis = Redis(folder).start()
    env = app_env(database_url=database_url_for_processes(), redis_url=f"{redis.url}/0")
    node = AppNode(folder, env, workers=2, threads=2).start()
    pages = [(ALICE_HOST, "/"), (BOB_HOST, "/"), (COMPANY_HOST, "/"), (ALICE_HOST, "/privacy/")]
    results: list[tuple[float, int | str]] = []
    stop = threading.Event()

    def shopper(offset: int) -> None:
        i = offset
        while not stop.is_set():
            host, path = pages[i % len(pages)]
            i += 1
            try:  # a generous timeout: this shared machine is slow, not the reload
                status: int | str = http_get(node.port, host, path, timeout=120).status
            except OSError as exc:
                status = type(exc).__name__
            results.append((time.monotonic(), status))

    threads = [threading.Thread(target=shopper, args=(n,), daemon=True) for n in range(2)]
    try:
        for thread in threads:
            thread.start()
        wait_until(lambda: len(results) >= 2, timeout=120, what="first answers")
        hup = time.monotonic()
        node.process.popen.send_signal(signal.SIGHUP)  # new workers, old ones finish
        wait_until(
            lambda: sum(t > hup + 1 for t, _ in results) >= 4, timeout=180, what="answers after"
        )
        stop.set()
        for thread in threads:
            thread.join(timeout=130)
        assert node.process.alive()
        assert "Handling signal: hup" in node.process.log()
    finally:
        stop.set()
        node.stop()
        redis.stop()
    assert {status for _, status in results} == {200}, results
