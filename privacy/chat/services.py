"""Live chat writes. Every message is a `TicketMessage` committed before anything is
broadcast (the consumers call these, then tell the channel layer)."""

from __future__ import annotations

import secrets
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone

from privacy.models import Ticket, TicketMessage
from privacy.services.tickets import ticket_create, ticket_opened_email_enqueue, ticket_url
from retailers.models import Retailer
from shopsocial.mail.models import OutboundEmail
from shopsocial.mail.services import email_enqueue

from .models import PRESENCE_STALE_AFTER, AgentPresence, Chat, chat_token_hash


class ChatError(Exception):
    """A refused chat action; `str(error)` is safe to show the person."""


def message_text_clean(body: object) -> str:
    """Plain text only: no control characters but newlines and tabs, capped in size.

    The text is stored as typed (escaped when rendered); markup is never interpreted.
    """
    if not isinstance(body, str):
        raise ChatError("A message must be text.")
    text = "".join(ch for ch in body if ch in "\n\t" or unicodedata.category(ch)[0] != "C").strip()
    if not text:
        raise ChatError("The message is empty.")
    limit = settings.CHAT_MESSAGE_MAX_CHARS
    if len(text) > limit:
        raise ChatError(f"A message can be at most {limit} characters.")
    return text


@transaction.atomic
def chat_start(
    *,
    topic: str,
    name: str,
    email: str,
    storefront: Retailer,
    retailer: Retailer | None = None,
    user: AbstractBaseUser | None = None,
) -> tuple[Chat, str]:
    """Open the ticket behind a new chat; returns the chat and its bearer token.

    The token is shown once to the person's page and only its hash is stored.
    """
    ticket = ticket_create(topic=topic, name=name, email=email, user=user, opened_on=storefront)
    token = secrets.token_urlsafe(32)
    chat = Chat(
        ticket=ticket,
        kind=Chat.Kind.RETAILER if retailer is not None else Chat.Kind.SHOPPER,
        storefront=storefront,
        retailer=retailer,
        token_hash=chat_token_hash(token),
    )
    chat.full_clean()
    chat.save()
    return chat, token


def _chat_for_update(chat_id: int) -> Chat:
    return Chat.objects.select_for_update().select_related("ticket").get(pk=chat_id)


_MESSAGE_INSERT_SQL = """
WITH chat AS (
    SELECT ticket_id FROM {chat}
    WHERE id = %(chat)s AND status <> 'closed'
      AND (%(staff)s::bigint IS NULL OR agent_id = %(staff)s::bigint)
), msg AS (
    INSERT INTO {message} (ticket_id, author, staff_user_id, body, created_at)
    SELECT ticket_id, %(author)s, %(staff)s::bigint, %(body)s, now() FROM chat
    RETURNING id, ticket_id, created_at
), touch AS (
    UPDATE {ticket} SET updated_at = now() WHERE id IN (SELECT ticket_id FROM chat)
)
SELECT id, ticket_id, created_at FROM msg
"""


def chat_message_post(
    *, chat_id: int, body: object, staff_user: AbstractBaseUser | None = None
) -> TicketMessage:
    """Store one chat message in the ticket thread (the caller broadcasts after).

    One statement, committed on its own: check the chat is open (and, for staff, that it
    is theirs), insert the ticket message, touch the ticket. This is the hot path of
    every chat (bench/chat.py): one round trip and one commit instead of five, and no
    row lock held across them. A message racing a close by a few milliseconds is still
    kept in the thread, which is what matters (nothing typed is lost).
    """
    text = message_text_clean(body)
    author = TicketMessage.Author.STAFF if staff_user else TicketMessage.Author.CUSTOMER
    sql = _MESSAGE_INSERT_SQL.format(
        chat=Chat._meta.db_table,
        message=TicketMessage._meta.db_table,
        ticket=Ticket._meta.db_table,
    )
    params = {
        "chat": chat_id,
        "staff": staff_user.pk if staff_user is not None else None,
        "author": str(author),
        "body": text,
    }
    with connection.cursor() as cursor:  # one statement: atomic on its own
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        chat = Chat.objects.filter(pk=chat_id).only("status", "agent_id").first()
        if chat is None or chat.status == Chat.Status.CLOSED:
            raise ChatError("This chat has ended.")
        raise ChatError("Claim this chat before answering it.")
    message_id, ticket_id, created_at = row
    return TicketMessage(
        pk=message_id,
        ticket_id=ticket_id,
        author=author,
        staff_user=staff_user,
        body=text,
        created_at=created_at,
    )


@transaction.atomic
def chat_claim(*, chat_id: int, agent: AbstractBaseUser) -> Chat:
    chat = _chat_for_update(chat_id)
    if chat.status == Chat.Status.CLOSED:
        raise ChatError("This chat has ended.")
    if chat.status == Chat.Status.ACTIVE:
        if chat.agent_id == agent.pk:
            return chat
        raise ChatError("Another agent has this chat.")
    chat.status = Chat.Status.ACTIVE
    chat.agent = agent
    chat.claimed_at = timezone.now()
    chat.save(update_fields=["status", "agent", "claimed_at"])
    Ticket.objects.filter(pk=chat.ticket_id).update(assignee=agent, updated_at=timezone.now())
    return chat


@transaction.atomic
def chat_claims_expire(*, now=None) -> list[int]:
    """Chats an agent claimed but has not answered within CHAT_CLAIM_TIMEOUT_SECONDS go
    back to the queue (issue 30 item 11), so a person is not left with an absent agent.
    Returns the ids of the chats put back."""
    from django.db.models import Exists, OuterRef

    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.CHAT_CLAIM_TIMEOUT_SECONDS)
    answered = TicketMessage.objects.filter(
        ticket_id=OuterRef("ticket_id"),
        author=TicketMessage.Author.STAFF,
        created_at__gte=OuterRef("claimed_at"),
    )
    stale = list(
        Chat.objects.select_for_update(skip_locked=True)
        .filter(status=Chat.Status.ACTIVE, claimed_at__lt=cutoff)
        .filter(~Exists(answered))
        .values_list("pk", "ticket_id")
    )
    if not stale:
        return []
    ids = [pk for pk, _ in stale]
    Chat.objects.filter(pk__in=ids).update(status=Chat.Status.WAITING, agent=None, claimed_at=None)
    Ticket.objects.filter(pk__in=[t for _, t in stale]).update(assignee=None, updated_at=now)
    return ids


@transaction.atomic
def chat_close(*, chat_id: int, outcome: str, agent: AbstractBaseUser | None = None) -> Chat:
    """End a chat. Its ticket is closed when resolved, otherwise stays open for staff.

    A message left with nobody answering emails the person the ticket's private link.
    """
    if outcome not in Chat.Outcome.values:
        raise ChatError("Choose an outcome.")
    chat = _chat_for_update(chat_id)
    if chat.status == Chat.Status.CLOSED:
        return chat
    if agent is not None and chat.agent_id != agent.pk:
        raise ChatError("Only the agent who has this chat can close it.")
    has_customer_text = chat.ticket.messages.filter(author=TicketMessage.Author.CUSTOMER).exists()
    if agent is None:  # the person ends it
        if chat.status == Chat.Status.ACTIVE:
            outcome = Chat.Outcome.FOLLOW_UP
        else:
            outcome = Chat.Outcome.LEFT_MESSAGE if has_customer_text else Chat.Outcome.ABANDONED
    chat.status = Chat.Status.CLOSED
    chat.outcome = outcome
    chat.closed_at = timezone.now()
    chat.full_clean()
    chat.save(update_fields=["status", "outcome", "closed_at"])
    ticket = chat.ticket
    ticket.status = (
        Ticket.Status.CLOSED
        if outcome in (Chat.Outcome.RESOLVED, Chat.Outcome.ABANDONED)
        else Ticket.Status.OPEN
    )
    ticket.save(update_fields=["status", "updated_at"])
    if outcome == Chat.Outcome.LEFT_MESSAGE:
        ticket_opened_email_enqueue(ticket=ticket)
    return chat


def chat_transcript_address(*, ticket: Ticket) -> str:
    """Where a transcript may go: the signed-in person's own proved address, else "".

    A retailer's address on file, or a shopper's verified account address. The address
    typed into the chat form proves nothing, so it never gets one (issue 30 item 6).
    """
    user = ticket.user
    if user is None:
        return ""
    retailer = getattr(user, "retailer", None)
    if retailer is not None:
        return retailer.email or user.email
    from orders.accounts.selectors import email_verified_for_user

    return email_verified_for_user(user=user)


@transaction.atomic
def chat_transcript_send(*, chat_id: int) -> OutboundEmail:
    """Email the transcript, once per chat, to the signed-in person's proved address."""
    chat = _chat_for_update(chat_id)
    ticket = chat.ticket
    if chat.transcript_sent_at is not None:
        raise ChatError("The transcript of this chat was already sent.")
    to = chat_transcript_address(ticket=ticket)
    if not to:
        raise ChatError(
            "Transcripts are emailed only to a signed-in account's confirmed address. "
            "Your ticket link keeps the whole conversation."
        )
    lines = [
        {
            "who": "You" if m.author == TicketMessage.Author.CUSTOMER else "Support",
            "at": timezone.localtime(m.created_at).strftime("%Y-%m-%d %H:%M"),
            "body": m.body,
        }
        for m in ticket.messages.order_by("created_at", "pk")
    ]
    if not lines:
        raise ChatError("There is nothing to send yet.")
    email = email_enqueue(
        kind=OutboundEmail.Kind.TRANSACTIONAL,
        to=to,
        template="chat_transcript",
        context={
            "name": ticket.name,
            "reference": ticket.reference,
            "messages": lines,
            "ticket_url": ticket_url(ticket=ticket),
        },
        dedupe_key=f"chat-transcript:{chat.pk}",
    )
    chat.transcript_sent_at = timezone.now()
    chat.save(update_fields=["transcript_sent_at"])
    return email


# --- Agents online ---------------------------------------------------------------


def agent_presence_add(*, user: AbstractBaseUser, channel_name: str) -> AgentPresence:
    presence, _ = AgentPresence.objects.update_or_create(
        channel_name=channel_name, defaults={"user": user, "last_seen": timezone.now()}
    )
    return presence


def agent_presence_touch(*, channel_name: str) -> None:
    AgentPresence.objects.filter(channel_name=channel_name).update(last_seen=timezone.now())


def agent_presence_remove(*, channel_name: str) -> None:
    AgentPresence.objects.filter(channel_name=channel_name).delete()
    # Rows of processes that died without a goodbye.
    AgentPresence.objects.filter(last_seen__lt=timezone.now() - PRESENCE_STALE_AFTER).delete()
