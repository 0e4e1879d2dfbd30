"""Live chat reads: a chat by its bearer token, the staff queue, availability."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from privacy.models import Ticket, TicketMessage

from .models import PRESENCE_STALE_AFTER, AgentPresence, CannedReply, Chat, chat_token_hash

EARLIER_TICKETS_SHOWN = 10


def chat_get_by_token(*, token: object) -> Chat | None:
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    return (
        Chat.objects.select_related("ticket", "storefront")
        .filter(token_hash=chat_token_hash(token))
        .first()
    )


def chat_queue() -> QuerySet[Chat]:
    """Chats waiting for an agent, oldest first."""
    return Chat.objects.filter(status=Chat.Status.WAITING).select_related(
        "ticket", "storefront", "retailer"
    )


def chats_for_agent(*, agent: AbstractBaseUser) -> QuerySet[Chat]:
    return Chat.objects.filter(status=Chat.Status.ACTIVE, agent=agent).select_related(
        "ticket", "storefront", "retailer"
    )


def chat_messages(*, chat: Chat) -> QuerySet[TicketMessage]:
    return chat.ticket.messages.select_related("staff_user").order_by("created_at", "pk")


def tickets_earlier_for_chat(*, chat: Chat) -> list[Ticket]:
    """The person's earlier tickets (same address, or same account), newest first.

    For staff only: the address in a chat is not verified, so the console says so.
    """
    ticket = chat.ticket
    query = Ticket.objects.filter(email__iexact=ticket.email)
    if ticket.user_id:
        query = query | Ticket.objects.filter(user_id=ticket.user_id)
    return list(query.exclude(pk=ticket.pk).order_by("-created_at")[:EARLIER_TICKETS_SHOWN])


def canned_replies_active() -> QuerySet[CannedReply]:
    return CannedReply.objects.filter(active=True)


def agents_online_count() -> int:
    since = timezone.now() - PRESENCE_STALE_AFTER
    return AgentPresence.objects.filter(last_seen__gte=since).values("user").distinct().count()


# --- Office hours -----------------------------------------------------------------
_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_HOURS_RE = re.compile(
    r"^(mon|tue|wed|thu|fri|sat|sun)(?:-(mon|tue|wed|thu|fri|sat|sun))?"
    r"\s+(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$"
)


def office_hours_open(*, now: datetime | None = None, spec: str | None = None) -> bool:
    """CHAT_OFFICE_HOURS: "always", "never", or e.g. "mon-fri 08:00-17:00" (company time
    zone); several ranges separated by commas ("mon-fri 08:00-17:00, sat 09:00-12:00")."""
    spec = (spec if spec is not None else settings.CHAT_OFFICE_HOURS).strip().lower()
    if spec == "always":
        return True
    if spec in ("never", ""):
        return False
    local = (now or timezone.now()).astimezone(ZoneInfo(settings.TIME_ZONE))
    minutes = local.hour * 60 + local.minute
    for part in spec.split(","):
        match = _HOURS_RE.match(part.strip())
        if match is None:
            raise ValueError(f"CHAT_OFFICE_HOURS: cannot read {part.strip()!r}")
        first, last, h1, m1, h2, m2 = match.groups()
        days = range(_DAYS.index(first), _DAYS.index(last or first) + 1)
        if local.weekday() in days and int(h1) * 60 + int(m1) <= minutes < int(h2) * 60 + int(m2):
            return True
    return False


# --- Is the channel layer up? -------------------------------------------------------
_layer_check: dict[str, float | bool] = {"at": 0.0, "ok": True}
LAYER_CHECK_SECONDS = 5.0


def channel_layer_available() -> bool:
    """False when the Redis behind the channel layer does not answer (checked at most
    every few seconds per process); the in-memory layer is always up."""
    layer = settings.CHANNEL_LAYERS["default"]
    if not layer["BACKEND"].startswith("channels_redis"):
        return True
    now = time.monotonic()
    if now - float(_layer_check["at"]) < LAYER_CHECK_SECONDS:
        return bool(_layer_check["ok"])
    import redis

    host = layer["CONFIG"]["hosts"][0]
    url = host["address"] if isinstance(host, dict) else host
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
        ok = bool(client.ping())
        client.close()
    except (redis.RedisError, OSError):
        ok = False
    _layer_check.update(at=now, ok=ok)
    return ok


class Availability(StrEnum):
    OPEN = "open"  # an agent is online within office hours
    NO_AGENT = "no_agent"  # within office hours, nobody online: leave a message
    CLOSED = "closed"  # outside office hours: leave a message
    UNAVAILABLE = "unavailable"  # the channel layer (Redis) is down: the ticket form


@dataclass(frozen=True)
class ChatAvailability:
    state: Availability

    @property
    def can_chat(self) -> bool:
        return self.state == Availability.OPEN


def chat_availability(*, now: datetime | None = None) -> ChatAvailability:
    if not channel_layer_available():
        return ChatAvailability(Availability.UNAVAILABLE)
    if not office_hours_open(now=now):
        return ChatAvailability(Availability.CLOSED)
    if agents_online_count() == 0:
        return ChatAvailability(Availability.NO_AGENT)
    return ChatAvailability(Availability.OPEN)


# --- Who may answer -----------------------------------------------------------------
def staff_may_answer_chat(*, user, session) -> bool:
    """An active staff member with `chat.answer_chat` (the Support group has it), and,
    where the admin demands two-factor sign-in, verified by a TOTP device this session."""
    if not (
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("chat.answer_chat")
    ):
        return False
    if not settings.ADMIN_REQUIRE_2FA:
        return True
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.models import Device

    persistent_id = session.get(DEVICE_ID_SESSION_KEY) if session is not None else None
    device = Device.from_persistent_id(persistent_id) if persistent_id else None
    return device is not None and device.user_id == user.pk and device.confirmed
