"""A claimed chat the agent does not answer goes back to the queue (issue 30 item 11)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from privacy.chat import services
from privacy.chat.models import Chat
from privacy.chat.selectors import chat_queue
from privacy.chat.tasks import chat_claims_expire_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent():
    return get_user_model().objects.create_user(
        "agent-t", "agent-t@staff.example", "x", is_staff=True
    )


def _claimed_ago(chat: Chat, agent, seconds: int) -> Chat:
    services.chat_claim(chat_id=chat.pk, agent=agent)
    Chat.objects.filter(pk=chat.pk).update(claimed_at=timezone.now() - timedelta(seconds=seconds))
    return Chat.objects.get(pk=chat.pk)


def test_an_unanswered_claim_times_out_back_to_the_queue(alice, start_chat, agent, settings):
    settings.CHAT_CLAIM_TIMEOUT_SECONDS = 180
    chat, _ = start_chat(alice)
    _claimed_ago(chat, agent, 181)
    assert chat_claims_expire_task() == 1
    chat.refresh_from_db()
    assert (chat.status, chat.agent_id, chat.claimed_at) == (Chat.Status.WAITING, None, None)
    assert chat.ticket.assignee_id is None
    assert list(chat_queue()) == [chat]
    # Another agent can take it now.
    other = get_user_model().objects.create_user("agent-2", "a2@staff.example", "x", is_staff=True)
    assert services.chat_claim(chat_id=chat.pk, agent=other).agent == other


def test_a_fresh_or_answered_claim_stays(alice, start_chat, agent, settings):
    settings.CHAT_CLAIM_TIMEOUT_SECONDS = 180
    fresh, _ = start_chat(alice)
    answered, _ = start_chat(alice, email="other@example.com")
    _claimed_ago(fresh, agent, 60)
    _claimed_ago(answered, agent, 600)
    services.chat_message_post(chat_id=answered.pk, body="Hello, how can I help?", staff_user=agent)
    assert services.chat_claims_expire() == []
    assert set(Chat.objects.values_list("status", flat=True)) == {Chat.Status.ACTIVE}


def test_the_job_is_scheduled():
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE["chat-claims-expire"]["task"] == (
        "chat.chat_claims_expire_task"
    )
