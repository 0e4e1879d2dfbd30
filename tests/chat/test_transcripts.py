"""Chat transcripts go only to a signed-in person's proved address, once per chat
(issue 30 item 6: they went to any typed address, one email per message, after the
chat ended too)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from orders.accounts.models import AccountEmail
from privacy.chat import services
from privacy.chat.models import Chat
from shopsocial.mail.models import OutboundEmail

pytestmark = pytest.mark.django_db


def verified_user(email: str):
    user = get_user_model().objects.create_user(email, email, "x")
    AccountEmail.objects.create(user=user, verified_email=email, verified_at=timezone.now())
    return user


def _say(chat: Chat, body: str = "hello") -> None:
    services.chat_message_post(chat_id=chat.pk, body=body)


def test_a_guest_with_a_typed_address_gets_no_transcript(alice, start_chat):
    chat, _ = start_chat(alice, email="victim@example.com")
    _say(chat)
    with pytest.raises(services.ChatError, match="signed-in"):
        services.chat_transcript_send(chat_id=chat.pk)
    assert not OutboundEmail.objects.filter(template="chat_transcript").exists()


def test_a_signed_in_shopper_gets_it_at_their_verified_address_not_the_typed_one(alice, start_chat):
    user = verified_user("sam@example.com")
    chat, _ = start_chat(alice, email="someone-else@example.com", user=user)
    _say(chat)
    email = services.chat_transcript_send(chat_id=chat.pk)
    assert email.to == "sam@example.com"


def test_an_account_that_did_not_prove_its_address_gets_none(alice, start_chat):
    user = get_user_model().objects.create_user("u@example.com", "u@example.com", "x")
    chat, _ = start_chat(alice, email="u@example.com", user=user)
    _say(chat)
    with pytest.raises(services.ChatError):
        services.chat_transcript_send(chat_id=chat.pk)


def test_once_per_chat_whatever_is_said_after(alice, start_chat):
    chat, _ = start_chat(alice, user=verified_user("sam@example.com"))
    _say(chat, "one")
    services.chat_transcript_send(chat_id=chat.pk)
    _say(chat, "two")
    with pytest.raises(services.ChatError, match="already sent"):
        services.chat_transcript_send(chat_id=chat.pk)
    assert OutboundEmail.objects.filter(template="chat_transcript").count() == 1
