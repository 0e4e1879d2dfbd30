"""Signed-in pages are never stored by a shared cache (issue 30 item 11)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.conftest import ALICE_HOST, COMPANY_HOST

pytestmark = pytest.mark.django_db

PAGES = [
    (ALICE_HOST, "/"),
    (ALICE_HOST, "/cart/"),
    (COMPANY_HOST, "/"),
    (COMPANY_HOST, "/privacy/"),
]


@pytest.fixture
def signed_in() -> Client:
    user = get_user_model().objects.create_user("cc@example.com", "cc@example.com", "x")
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(("host", "path"), PAGES)
def test_a_signed_in_page_is_private(signed_in, alice, host, path):
    response = signed_in.get(path, HTTP_HOST=host)
    assert response.status_code == 200
    directives = {d.strip().split("=")[0] for d in response["Cache-Control"].split(",")}
    assert "private" in directives
    assert not directives & {"public", "s-maxage"}


def test_an_anonymous_page_is_not_marked_private_by_this_rule(alice):
    response = Client().get("/", HTTP_HOST=ALICE_HOST)
    assert "private" not in response.get("Cache-Control", "")
