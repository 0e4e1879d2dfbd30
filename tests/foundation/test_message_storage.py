"""Flash messages (shopsocial/message_storage.py): Django's cookie-then-session storage,
with its backends made only when a request first reads or adds a message."""

from __future__ import annotations

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.contrib.sessions.backends.cache import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory

from shopsocial.message_storage import LazyFallbackStorage


def _request(cookies: dict[str, str] | None = None):
    request = RequestFactory().get("/")
    request.COOKIES.update(cookies or {})
    request.session = SessionStore()
    request._messages = LazyFallbackStorage(request)
    return request


def test_the_setting_names_this_storage(settings):
    assert settings.MESSAGE_STORAGE == "shopsocial.message_storage.LazyFallbackStorage"


def test_a_request_that_neither_reads_nor_adds_a_message_makes_no_backend():
    request = _request()
    response = HttpResponse()
    assert request._messages.update(response) is None
    assert "storages" not in vars(request._messages)
    assert not response.cookies


def test_a_message_added_in_one_request_is_read_in_the_next_and_then_gone():
    first = _request()
    messages.success(first, "Saved.")
    response = HttpResponse()
    first._messages.update(response)
    cookie = response.cookies["messages"].value
    assert cookie

    second = _request({"messages": cookie})
    assert [str(m) for m in get_messages(second)] == ["Saved."]
    response = HttpResponse()
    second._messages.update(response)
    assert response.cookies["messages"]["max-age"] == 0  # read, so removed

    third = _request({"messages": response.cookies["messages"].value})
    assert list(get_messages(third)) == []


@pytest.mark.parametrize("size", [1, 200])
def test_messages_too_big_for_the_cookie_go_to_the_session(size):
    request = _request()
    for n in range(size):
        messages.info(request, f"Message {n} " + "x" * 40)
    response = HttpResponse()
    assert request._messages.update(response) == []  # every message stored somewhere
    again = _request({"messages": response.cookies["messages"].value})
    again.session = request.session
    assert len(list(get_messages(again))) == size
