"""Chat fixtures: the real ASGI application (origin check, host -> storefront, session,
routes) driven by Channels' WebsocketCommunicator against real PostgreSQL."""

from __future__ import annotations

import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from privacy.chat import services
from privacy.models import Ticket
from tests.conftest import ALICE_HOST, BOB_HOST, COMPANY_HOST
from tests.retailers.conftest import alice_client, alice_owner  # noqa: F401 - fixtures

__all__ = ["ALICE_HOST", "BOB_HOST", "COMPANY_HOST"]


def asgi_application():
    from shopsocial.asgi import application

    return application


def socket(path: str, *, host: str, origin: str | None = "same", cookie: str = ""):
    headers = [(b"host", host.encode())]
    if origin == "same":
        origin = f"http://{host}"
    if origin:
        headers.append((b"origin", origin.encode()))
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(asgi_application(), path, headers=headers)


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


@pytest.fixture
def make_agent(db):
    def make(username: str = "agent", *, first_name: str = "Alex", perm: bool = True):
        user = get_user_model().objects.create_user(
            username=username,
            email=f"{username}@staff.example.com",
            password="a-long-test-password",
            is_staff=True,
            first_name=first_name,
        )
        if perm:
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label="chat", codename="answer_chat")
            )
        return user

    return make


@pytest.fixture
def start_chat(db):
    def start(storefront, *, name="Sam Shopper", email="sam@example.com", topic=None, **kw):
        return services.chat_start(
            topic=topic or Ticket.Topic.CHANGE_INFO,
            name=name,
            email=email,
            storefront=storefront,
            **kw,
        )

    return start
