"""Chat sockets end to end through the real ASGI stack, against real PostgreSQL.

Each scenario runs in one event loop (async_to_sync); the consumers' database calls
commit for real, hence `transactional_db`.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connections

from privacy.chat.models import AgentPresence, Chat
from privacy.models import Ticket, TicketMessage
from shopsocial.mail.models import OutboundEmail

from .conftest import ALICE_HOST, BOB_HOST, COMPANY_HOST, session_cookie, socket

pytestmark = pytest.mark.django_db(transaction=True)
T = 3  # seconds to wait for a frame


def run(scenario):
    """Run one scenario in its own event loop. The consumers' ORM calls run in the loop's
    default executor: one thread here, whose connection is closed at the end (otherwise
    the test database could not be dropped after the session)."""

    async def wrapped():
        loop = asyncio.get_running_loop()
        loop.set_default_executor(ThreadPoolExecutor(max_workers=1))
        await get_channel_layer().flush()
        try:
            await scenario()
        finally:
            await loop.run_in_executor(None, connections.close_all)

    async_to_sync(wrapped)()


async def hello(comm, token):
    connected, _ = await comm.connect()
    assert connected
    await comm.send_json_to({"type": "hello", "token": token})
    history = await comm.receive_json_from(T)
    state = await comm.receive_json_from(T)
    assert history["type"] == "history" and state["type"] == "state"
    return history, state


async def staff_connect(cookie: str):
    comm = socket("/ws/support/", host=COMPANY_HOST, cookie=cookie)
    connected, code = await comm.connect()
    assert connected, code
    snapshot = await comm.receive_json_from(T)
    assert snapshot["type"] == "snapshot"
    return comm, snapshot


async def next_of(comm, kind: str):
    """The next frame of a type, skipping queue refreshes and the like."""
    for _ in range(10):
        frame = await comm.receive_json_from(T)
        if frame["type"] == kind:
            return frame
    raise AssertionError(f"no {kind} frame")


def test_shopper_and_agent_chat_and_every_message_is_a_ticket_message(
    transactional_db, alice, make_agent, start_chat
):
    agent = make_agent()
    cookie = session_cookie(agent)
    chat, token = start_chat(alice)

    async def scenario():
        staff, snapshot = await staff_connect(cookie)
        assert [c["id"] for c in snapshot["queue"]] == [chat.pk]
        assert snapshot["queue"][0]["site"] == "Alice's Attic"
        shopper = socket("/ws/chat/", host=ALICE_HOST)
        history, state = await hello(shopper, token)
        assert history["messages"] == [] and state["status"] == "waiting"

        await shopper.send_json_to({"type": "message", "body": "Please change my address"})
        echoed = await shopper.receive_json_from(T)
        assert echoed["type"] == "message" and echoed["author"] == "customer"

        await staff.send_json_to({"type": "claim", "chat": chat.pk})
        detail = await next_of(staff, "chat")
        assert detail["email"] == "sam@example.com"
        assert [m["body"] for m in detail["messages"]] == ["Please change my address"]
        joined = await next_of(shopper, "state")
        assert joined["status"] == "active" and joined["agent"] == "Alex"

        await staff.send_json_to({"type": "typing", "chat": chat.pk})
        assert (await shopper.receive_json_from(T)) == {
            "type": "typing",
            "chat": chat.pk,
            "who": "staff",
        }
        await staff.send_json_to({"type": "message", "chat": chat.pk, "body": "Done!"})
        reply = await next_of(shopper, "message")
        assert (reply["author"], reply["name"], reply["body"]) == ("staff", "Alex", "Done!")

        await staff.send_json_to({"type": "close", "chat": chat.pk, "outcome": "resolved"})
        closed = await next_of(shopper, "state")
        assert (closed["status"], closed["outcome"]) == ("closed", "resolved")
        await shopper.disconnect()
        await staff.disconnect()

    run(scenario)
    ticket = Ticket.objects.get(pk=chat.ticket_id)
    assert [(m.author, m.body, m.staff_user_id) for m in ticket.messages.all()] == [
        ("customer", "Please change my address", None),
        ("staff", "Done!", agent.pk),
    ]
    assert ticket.status == Ticket.Status.CLOSED
    assert ticket.assignee_id == agent.pk
    assert ticket.opened_on_id == alice.pk
    chat.refresh_from_db()
    assert (chat.status, chat.outcome, chat.agent_id) == ("closed", "resolved", agent.pk)
    assert not AgentPresence.objects.exists()  # the console left


def test_a_message_is_in_the_database_before_it_is_broadcast(
    transactional_db, alice, start_chat, monkeypatch
):
    chat, token = start_chat(alice)
    seen_rows: list[int] = []
    layer = get_channel_layer()
    original = layer.group_send

    async def spy(group, message):
        if message.get("type") == "chat.message":
            from channels.db import database_sync_to_async

            seen_rows.append(
                await database_sync_to_async(
                    TicketMessage.objects.filter(pk=message["id"], ticket=chat.ticket_id).count
                )()
            )
        await original(group, message)

    monkeypatch.setattr(layer, "group_send", spy)

    async def scenario():
        shopper = socket("/ws/chat/", host=ALICE_HOST)
        await hello(shopper, token)
        await shopper.send_json_to({"type": "message", "body": "hello"})
        await next_of(shopper, "message")
        await shopper.disconnect()

    run(scenario)
    assert seen_rows == [1]


def test_one_chat_cannot_read_or_write_another_chats_messages(
    transactional_db, alice, make_agent, start_chat
):
    agent = make_agent()
    cookie = session_cookie(agent)
    chat_a, token_a = start_chat(alice, name="Ann", email="ann@example.com")
    chat_b, token_b = start_chat(alice, name="Ben", email="ben@example.com")

    async def scenario():
        staff, _ = await staff_connect(cookie)
        await staff.send_json_to({"type": "claim", "chat": chat_a.pk})
        await next_of(staff, "chat")
        ann = socket("/ws/chat/", host=ALICE_HOST)
        ben = socket("/ws/chat/", host=ALICE_HOST)
        await hello(ann, token_a)
        _, state_b = await hello(ben, token_b)
        assert state_b["chat"] == chat_b.pk

        await ann.send_json_to({"type": "message", "body": "secret of Ann"})
        assert (await next_of(ann, "message"))["body"] == "secret of Ann"
        assert (await next_of(staff, "message"))["body"] == "secret of Ann"
        await staff.send_json_to({"type": "message", "chat": chat_a.pk, "body": "for Ann only"})
        assert (await next_of(ann, "message"))["body"] == "for Ann only"
        assert await ben.receive_nothing(timeout=0.3)

        # Ben's socket names Ann's chat: ignored, his message goes to his own chat only.
        await ben.send_json_to({"type": "message", "chat": chat_a.pk, "body": "from Ben"})
        mine = await next_of(ben, "message")
        assert mine["chat"] == chat_b.pk
        assert await ann.receive_nothing(timeout=0.3)
        # Staff cannot write into a chat they have not claimed.
        await staff.send_json_to({"type": "message", "chat": chat_b.pk, "body": "nope"})
        error = await next_of(staff, "error")
        assert error["chat"] == chat_b.pk
        for comm in (ann, ben, staff):
            await comm.disconnect()

    run(scenario)
    assert list(chat_a.ticket.messages.values_list("body", flat=True)) == [
        "secret of Ann",
        "for Ann only",
    ]
    assert list(chat_b.ticket.messages.values_list("body", flat=True)) == ["from Ben"]


def test_a_token_works_only_on_the_storefront_where_the_chat_started(
    transactional_db, alice, bob, start_chat
):
    chat, token = start_chat(alice)

    async def scenario():
        on_bob = socket("/ws/chat/", host=BOB_HOST)
        connected, _ = await on_bob.connect()
        assert connected
        await on_bob.send_json_to({"type": "hello", "token": token})
        assert (await on_bob.receive_json_from(T))["code"] == "unknown_chat"
        assert (await on_bob.receive_output(T))["type"] == "websocket.close"

        forged = socket("/ws/chat/", host=ALICE_HOST)
        await forged.connect()
        await forged.send_json_to({"type": "hello", "token": "x" * 43})
        assert (await forged.receive_json_from(T))["code"] == "unknown_chat"

        silent = socket("/ws/chat/", host=ALICE_HOST)
        await silent.connect()
        await silent.send_json_to({"type": "message", "body": "before hello"})
        assert (await silent.receive_json_from(T))["type"] == "error"
        await silent.disconnect()

    run(scenario)
    assert not TicketMessage.objects.filter(ticket=chat.ticket_id).exists()


@pytest.mark.parametrize(
    "host,origin",
    [
        (ALICE_HOST, None),  # no Origin header
        (ALICE_HOST, "http://bob.shop.test"),  # another storefront's page
        (ALICE_HOST, "http://www.shop.test"),  # the company site's page
        (ALICE_HOST, "https://evil.example"),
        (ALICE_HOST, "http://alice.shop.test:8443"),  # another port
        ("evil.example", "http://evil.example"),  # a host we do not serve
        ("nosuchshop.shop.test", "http://nosuchshop.shop.test"),  # no such storefront
    ],
)
def test_sockets_are_refused_unless_same_origin_on_a_known_host(
    transactional_db, alice, host, origin
):
    async def scenario():
        comm = socket("/ws/chat/", host=host, origin=origin)
        connected, _ = await comm.connect()
        assert not connected

    run(scenario)


def test_staff_socket_needs_a_signed_in_support_user_on_the_company_host(
    transactional_db, alice, make_agent, settings
):
    agent = make_agent("agent")
    no_perm = make_agent("clerk", perm=False)
    agent_cookie, no_perm_cookie = session_cookie(agent), session_cookie(no_perm)

    async def refused(**kwargs):
        comm = socket("/ws/support/", **kwargs)
        connected, _ = await comm.connect()
        assert not connected

    async def scenario():
        await refused(host=COMPANY_HOST)  # anonymous
        await refused(host=COMPANY_HOST, cookie=no_perm_cookie)
        await refused(host=ALICE_HOST, cookie=agent_cookie)  # a storefront host
        await refused(host=COMPANY_HOST, origin="http://alice.shop.test", cookie=agent_cookie)
        comm, _ = await staff_connect(agent_cookie)
        await comm.disconnect()

    run(scenario)

    settings.ADMIN_REQUIRE_2FA = True  # signed in without a TOTP code: refused

    async def without_otp():
        await refused(host=COMPANY_HOST, cookie=agent_cookie)

    run(without_otp)


def test_messages_are_plain_text_and_size_capped(transactional_db, alice, start_chat, settings):
    settings.CHAT_MESSAGE_MAX_CHARS = 50
    chat, token = start_chat(alice)

    async def scenario():
        comm = socket("/ws/chat/", host=ALICE_HOST)
        await hello(comm, token)
        await comm.send_json_to({"type": "message", "body": "x" * 51})
        assert "at most 50" in (await comm.receive_json_from(T))["message"]
        await comm.send_to(text_data="y" * 5000)  # an oversized frame
        assert (await comm.receive_json_from(T))["type"] == "error"
        await comm.send_json_to({"type": "message", "body": {"html": "<b>"}})
        assert (await comm.receive_json_from(T))["message"] == "A message must be text."
        await comm.send_to(text_data="not json")
        assert (await comm.receive_json_from(T))["message"] == "Unreadable message."
        await comm.send_json_to({"type": "message", "body": "  <script>alert(1)</script>\x00\x07 "})
        stored = await comm.receive_json_from(T)
        assert stored["body"] == "<script>alert(1)</script>"  # stored as text, escaped on render
        await comm.disconnect()

    run(scenario)
    assert list(chat.ticket.messages.values_list("body", flat=True)) == [
        "<script>alert(1)</script>"
    ]


def test_rate_limit_per_connection(transactional_db, alice, start_chat, settings):
    settings.CHAT_RATE_BURST = 3
    settings.CHAT_RATE_SECONDS = 60
    chat, token = start_chat(alice)

    async def scenario():
        comm = socket("/ws/chat/", host=ALICE_HOST)
        await hello(comm, token)
        for n in range(4):
            await comm.send_json_to({"type": "message", "body": f"m{n}"})
        frames = [await comm.receive_json_from(T) for _ in range(4)]
        assert [f["type"] for f in frames] == ["message"] * 3 + ["error"]
        assert frames[-1]["code"] == "rate_limited"
        await comm.disconnect()

    run(scenario)
    assert chat.ticket.messages.count() == 3


def test_rate_limit_per_address_across_connections(transactional_db, alice, start_chat, settings):
    settings.CHAT_RATE_PER_ADDRESS_PER_MINUTE = 3
    chat_a, token_a = start_chat(alice)
    chat_b, token_b = start_chat(alice, email="other@example.com")

    async def scenario():
        first = socket("/ws/chat/", host=ALICE_HOST)
        second = socket("/ws/chat/", host=ALICE_HOST)
        await hello(first, token_a)
        await hello(second, token_b)
        for comm in (first, second, first):
            await comm.send_json_to({"type": "message", "body": "hi"})
            assert (await next_of(comm, "message"))["body"] == "hi"
        await second.send_json_to({"type": "message", "body": "one too many"})
        assert (await second.receive_json_from(T))["code"] == "rate_limited"
        for comm in (first, second):
            await comm.disconnect()

    run(scenario)
    assert TicketMessage.objects.filter(ticket__chat__in=[chat_a, chat_b]).count() == 3


def test_transcript_is_emailed_on_request_as_an_outbox_row(transactional_db, alice, start_chat):
    from tests.chat.test_transcripts import verified_user

    # Only a signed-in, proved address gets one (tests/chat/test_transcripts.py).
    chat, token = start_chat(alice, user=verified_user("sam@example.com"))

    async def scenario():
        comm = socket("/ws/chat/", host=ALICE_HOST)
        await hello(comm, token)
        await comm.send_json_to({"type": "message", "body": "<b>bold?</b>"})
        await next_of(comm, "message")
        await comm.send_json_to({"type": "transcript"})
        assert (await next_of(comm, "transcript"))["sent"] is True
        await comm.disconnect()

    run(scenario)
    email = OutboundEmail.objects.get(template="chat_transcript")
    assert email.to == "sam@example.com"
    assert email.context["reference"] == chat.ticket.reference
    assert [m["body"] for m in email.context["messages"]] == ["<b>bold?</b>"]
    from shopsocial.mail.services import email_render

    message = email_render(email=email)
    html = message.alternatives[0].content
    assert "&lt;b&gt;bold?&lt;/b&gt;" in html and "<b>bold?</b>" not in html


def test_leaving_a_waiting_chat_turns_it_into_a_ticket_with_its_link_emailed(
    transactional_db, alice, start_chat
):
    chat, token = start_chat(alice)

    async def scenario():
        comm = socket("/ws/chat/", host=ALICE_HOST)
        await hello(comm, token)
        await comm.send_json_to({"type": "message", "body": "Please call me back"})
        await next_of(comm, "message")
        await comm.send_json_to({"type": "end"})
        state = await next_of(comm, "state")
        assert (state["status"], state["outcome"]) == ("closed", "left_message")
        await comm.send_json_to({"type": "message", "body": "after the end"})
        assert (await comm.receive_json_from(T))["message"] == "This chat has ended."
        await comm.disconnect()

    run(scenario)
    ticket = Ticket.objects.get(pk=chat.ticket_id)
    assert ticket.status == Ticket.Status.OPEN
    assert list(ticket.messages.values_list("body", flat=True)) == ["Please call me back"]
    assert (
        OutboundEmail.objects.filter(
            template="ticket_opened", dedupe_key=f"ticket-opened:{ticket.pk}"
        ).count()
        == 1
    )


def test_with_the_layer_down_a_message_is_kept_and_the_sender_told(
    transactional_db, alice, start_chat, monkeypatch
):
    chat, token = start_chat(alice)
    layer = get_channel_layer()

    async def scenario():
        comm = socket("/ws/chat/", host=ALICE_HOST)
        await hello(comm, token)

        async def down(group, message):
            raise ConnectionError("redis is down")

        monkeypatch.setattr(layer, "group_send", down)
        await comm.send_json_to({"type": "message", "body": "are you there?"})
        frame = await comm.receive_json_from(T)
        assert frame["type"] == "message" and frame["delayed"] is True
        await comm.disconnect()

    run(scenario)
    assert list(chat.ticket.messages.values_list("body", flat=True)) == ["are you there?"]


def test_two_agents_cannot_claim_the_same_chat(transactional_db, alice, make_agent, start_chat):
    first, second = make_agent("first"), make_agent("second", first_name="Bo")
    chat, _ = start_chat(alice)
    first_cookie, second_cookie = session_cookie(first), session_cookie(second)

    async def scenario():
        one, _ = await staff_connect(first_cookie)
        two, _ = await staff_connect(second_cookie)
        await one.send_json_to({"type": "claim", "chat": chat.pk})
        await next_of(one, "chat")
        await two.send_json_to({"type": "claim", "chat": chat.pk})
        assert (await next_of(two, "error"))["message"] == "Another agent has this chat."
        await one.disconnect()
        await two.disconnect()

    run(scenario)
    assert Chat.objects.get(pk=chat.pk).agent_id == first.pk


def test_an_agent_handles_several_chats_at_once_and_gets_them_back_after_a_reload(
    transactional_db, alice, bob, make_agent, start_chat
):
    agent = make_agent()
    cookie = session_cookie(agent)
    chat_a, token_a = start_chat(alice, name="Ann", email="ann@example.com")
    chat_b, token_b = start_chat(bob, name="Ben", email="ben@example.com")

    async def scenario():
        staff, snapshot = await staff_connect(cookie)
        assert [c["id"] for c in snapshot["queue"]] == [chat_a.pk, chat_b.pk]
        for chat in (chat_a, chat_b):
            await staff.send_json_to({"type": "claim", "chat": chat.pk})
            assert (await next_of(staff, "chat"))["id"] == chat.pk
        ann, ben = socket("/ws/chat/", host=ALICE_HOST), socket("/ws/chat/", host=BOB_HOST)
        await hello(ann, token_a)
        await hello(ben, token_b)
        await ben.send_json_to({"type": "message", "body": "Ben here"})
        got = await next_of(staff, "message")
        assert (got["chat"], got["body"]) == (chat_b.pk, "Ben here")
        await ann.send_json_to({"type": "typing"})
        typing = await next_of(staff, "typing")
        assert (typing["chat"], typing["who"]) == (chat_a.pk, "customer")
        await staff.disconnect()

        again, snapshot = await staff_connect(cookie)  # the console reloads
        assert snapshot["queue"] == []
        mine = {c["id"]: c for c in snapshot["mine"]}
        assert set(mine) == {chat_a.pk, chat_b.pk}
        assert [m["body"] for m in mine[chat_b.pk]["messages"]] == ["Ben here"]
        await again.send_json_to({"type": "message", "chat": chat_a.pk, "body": "Still here"})
        assert (await next_of(ann, "message"))["body"] == "Still here"
        for comm in (again, ann, ben):
            await comm.disconnect()

    run(scenario)
