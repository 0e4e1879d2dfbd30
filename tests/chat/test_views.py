"""Chat pages: nothing chat-related anywhere until the button is pressed, the start
request, availability (office hours, agents online, Redis down), the console's door."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from privacy.chat import payloads, selectors, services
from privacy.chat.models import Chat
from privacy.models import Ticket
from tests.conftest import ALICE_HOST, BOB_HOST, COMPANY_HOST

pytestmark = pytest.mark.django_db

START = {"name": "Sam Shopper", "email": "sam@example.com", "topic": "change_info"}


@pytest.fixture
def agent_online(make_agent):
    agent = make_agent()
    services.agent_presence_add(user=agent, channel_name="specific.test!console")
    return agent


def _csp(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in policy.split(";")) if part}


@pytest.mark.parametrize("host", [COMPANY_HOST, ALICE_HOST])
@pytest.mark.parametrize("path", ["/", "/contact/", "/privacy/"])
def test_other_pages_only_link_to_chat_no_script_no_socket_no_cookie(client, alice, host, path):
    response = client.get(path, HTTP_HOST=host)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/contact/chat/"' in html and "Chat with us" in html
    assert "chat.js" not in html and "/ws/" not in html
    assert "ws:" not in response["Content-Security-Policy"]
    assert not response.cookies


@pytest.mark.parametrize("host", [COMPANY_HOST, ALICE_HOST])
def test_chat_page_allows_a_socket_to_its_own_host_only_and_sets_no_cookie(
    client, alice, agent_online, host
):
    response = client.get("/contact/chat/", HTTP_HOST=host)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<script src="/static/chat/chat.js" defer></script>' in html
    assert _csp(response)["connect-src"] == f"connect-src 'self' ws://{host}"
    assert "'unsafe-inline'" not in _csp(response)["script-src"]
    assert not response.cookies
    # Without JavaScript the page sends the person to the ticket form.
    assert "url=/contact/#form-heading" in html


@pytest.mark.parametrize(
    "state,text",
    [
        ("no_agent", "Nobody is free to chat right now"),
        ("closed", "We're away right now"),
        ("unavailable", "Chat is unavailable right now"),
    ],
)
def test_without_chat_the_page_offers_to_leave_a_message_as_a_ticket(
    client, alice, make_agent, settings, monkeypatch, state, text
):
    if state == "closed":
        settings.CHAT_OFFICE_HOURS = "never"
        services.agent_presence_add(user=make_agent(), channel_name="x!y")
    if state == "unavailable":
        monkeypatch.setattr(selectors, "channel_layer_available", lambda: False)
    response = client.get("/contact/chat/", HTTP_HOST=ALICE_HOST)
    html = response.content.decode()
    assert text in html
    assert '<form method="post" action="/contact/"' in html  # the ticket form
    assert "chat.js" not in html
    refused = client.post("/contact/chat/start/", START, HTTP_HOST=ALICE_HOST)
    assert refused.status_code == (503 if state == "unavailable" else 409)
    assert json.loads(refused.content)["state"] == state
    assert not Chat.objects.exists() and not Ticket.objects.exists()


def test_starting_a_chat_opens_its_ticket_on_that_storefront_and_returns_a_token(
    client, alice, agent_online
):
    response = client.post("/contact/chat/start/", START, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 200
    assert not response.cookies
    body = json.loads(response.content)
    chat = Chat.objects.get()
    assert body == {
        "ok": True,
        "token": body["token"],
        "reference": chat.ticket.reference,
        "socket": "/ws/chat/",
    }
    assert selectors.chat_get_by_token(token=body["token"]) == chat
    assert body["token"] not in chat.token_hash
    assert (chat.storefront, chat.kind, chat.status) == (alice, "shopper", "waiting")
    ticket = chat.ticket
    assert (ticket.name, ticket.email, ticket.topic, ticket.opened_on) == (
        "Sam Shopper",
        "sam@example.com",
        "change_info",
        alice,
    )
    assert ticket.messages.count() == 0


def test_start_refuses_bad_input_and_floods(client, alice, agent_online, settings):
    bad = client.post("/contact/chat/start/", {**START, "email": "nope"}, HTTP_HOST=ALICE_HOST)
    assert bad.status_code == 400 and "email" in json.loads(bad.content)["errors"]
    settings.CHAT_START_RATE = "2/h"
    codes = [
        client.post("/contact/chat/start/", START, HTTP_HOST=BOB_HOST).status_code for _ in range(3)
    ]
    assert codes == [200, 200, 429]
    assert Chat.objects.count() == 2


def test_cross_site_start_is_refused(alice, agent_online):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        "/contact/chat/start/",
        START,
        HTTP_HOST=ALICE_HOST,
        HTTP_ORIGIN="https://evil.example",
        HTTP_SEC_FETCH_SITE="cross-site",
    )
    assert response.status_code == 403
    assert not Chat.objects.exists()


def test_retailer_chats_with_retailer_services_from_the_back_office(
    alice_client, company, alice_owner, agent_online
):
    page = alice_client.get("/backoffice/chat/", HTTP_HOST=COMPANY_HOST)
    assert page.status_code == 200
    assert "chat.js" in page.content.decode()
    response = alice_client.post(
        "/backoffice/chat/start/", {"topic": "other"}, HTTP_HOST=COMPANY_HOST
    )
    assert response.status_code == 200
    chat = Chat.objects.get()
    assert (chat.kind, chat.retailer, chat.storefront) == ("retailer", alice_owner, company)
    assert (chat.ticket.name, chat.ticket.email) == (
        alice_owner.display_name,
        "alice_owner@example.com",
    )
    queue = [payloads.chat_summary(c) for c in selectors.chat_queue()]
    assert queue[0]["retailer"] == f"Alice's Attic (Retailer ID {alice_owner.retailer_number})"


def test_console_is_for_support_staff_only(client, company, make_agent):
    assert client.get("/support/chat/", HTTP_HOST=COMPANY_HOST)["Location"].startswith(
        "/admin/login/?next=/support/chat/"
    )
    client.force_login(make_agent("clerk", perm=False))
    assert client.get("/support/chat/", HTTP_HOST=COMPANY_HOST).status_code == 302
    client.force_login(make_agent("agent"))
    response = client.get("/support/chat/", HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 200
    assert '<script src="/static/chat/console.js" defer></script>' in response.content.decode()
    assert _csp(response)["connect-src"] == f"connect-src 'self' ws://{COMPANY_HOST}"


def test_support_group_may_answer_chats(db):
    from django.contrib.auth.models import Group

    perms = set(Group.objects.get(name="Support").permissions.values_list("codename", flat=True))
    assert {"answer_chat", "change_cannedreply", "add_cannedreply"} <= perms


PACIFIC = ZoneInfo("America/Los_Angeles")


@pytest.mark.parametrize(
    "when,spec,expected",
    [
        (dt.datetime(2026, 11, 30, 8, 0, tzinfo=PACIFIC), "mon-fri 08:00-17:00", True),  # Mon
        (dt.datetime(2026, 11, 30, 7, 59, tzinfo=PACIFIC), "mon-fri 08:00-17:00", False),
        (dt.datetime(2026, 11, 30, 17, 0, tzinfo=PACIFIC), "mon-fri 08:00-17:00", False),
        (dt.datetime(2026, 11, 29, 10, 0, tzinfo=PACIFIC), "mon-fri 08:00-17:00", False),  # Sun
        (
            dt.datetime(2026, 11, 28, 10, 0, tzinfo=PACIFIC),
            "mon-fri 08:00-17:00, sat 09:00-12:00",
            True,
        ),
        (dt.datetime(2026, 11, 29, 3, 0, tzinfo=PACIFIC), "always", True),
        (dt.datetime(2026, 11, 30, 9, 0, tzinfo=PACIFIC), "never", False),
        # 16:30 UTC on a Monday is 08:30 Pacific
        (dt.datetime(2026, 11, 30, 16, 30, tzinfo=dt.UTC), "mon-fri 08:00-17:00", True),
    ],
)
def test_office_hours(when, spec, expected):
    assert selectors.office_hours_open(now=when, spec=spec) is expected


def test_a_stale_console_does_not_count_as_an_agent_online(make_agent):
    services.agent_presence_add(user=make_agent(), channel_name="a!b")
    assert selectors.agents_online_count() == 1
    from privacy.chat.models import AgentPresence

    AgentPresence.objects.update(last_seen=timezone.now() - dt.timedelta(minutes=5))
    assert selectors.agents_online_count() == 0


def test_redis_down_means_chat_unavailable(settings, monkeypatch):
    """A layer whose Redis does not answer (a closed loopback port) reads as unavailable."""
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [{"address": "redis://127.0.0.1:1/0"}]},
        }
    }
    monkeypatch.setitem(selectors._layer_check, "at", 0.0)
    assert selectors.channel_layer_available() is False
    assert selectors.chat_availability().state == selectors.Availability.UNAVAILABLE
    monkeypatch.setitem(selectors._layer_check, "at", 0.0)
