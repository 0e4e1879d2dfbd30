"""WebSocket consumers: the person's chat socket and the staff console socket.

Protocol (JSON text frames). Person, on `/ws/chat/`:
  -> {"type": "hello", "token": "..."}       bind this socket to the chat of that token
  -> {"type": "message", "body": "..."}      stored as a ticket message, then broadcast
  -> {"type": "typing"} | {"type": "transcript"} | {"type": "end"}
  <- history, message, typing, state, error, transcript
Staff, on `/ws/support/` (company host, Support user):
  -> claim {chat}, message {chat, body}, typing {chat}, close {chat, outcome}, ping
  <- snapshot (queue, my chats, canned replies), chat (one claimed chat in full),
     message, typing, state, queue, error

Every message is committed to the database before it is sent to the channel layer;
if the layer fails, the sender is told the message is saved and will be read later.
"""

from __future__ import annotations

import json
import logging
import time

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.core.cache import caches

from . import selectors, services
from .models import Chat
from .payloads import chat_detail, chat_summary, message_payload, state_payload

logger = logging.getLogger(__name__)

QUEUE_GROUP = "support.queue"


def db(func):
    """Run ORM work in the thread pool, with Django's connection clean-up around it.

    Not Channels' default thread-sensitive executor: that is one thread per process,
    so every socket's database work (and, in `dispatch`, a connection check before
    every event) would queue behind every other's. Consumers hold no thread-bound
    state, so any pool thread (each with its own persistent connection) will do.
    """
    return database_sync_to_async(func, thread_sensitive=False)


TYPING_EVERY_SECONDS = 2.0


class RateLimited(Exception):
    pass


class TokenBucket:
    """Per-connection limit: `burst` messages at once, then one per `seconds`."""

    def __init__(self, *, burst: int, seconds: float) -> None:
        self.capacity = float(burst)
        self.tokens = float(burst)
        self.rate = 1.0 / seconds if seconds > 0 else float("inf")
        self.at = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


def address_allows(address: str) -> bool:
    """Per client address, across all its sockets and processes (the shared cache)."""
    limit = settings.CHAT_RATE_PER_ADDRESS_PER_MINUTE
    if limit <= 0:
        return True
    key = f"chat-rate:{address}:{int(time.time() // 60)}"
    cache = caches["shared"]
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=120)
        count = 1
    return count <= limit


class ChatSocket(AsyncWebsocketConsumer):
    """Shared plumbing: JSON frames with a size cap, errors as frames, layer failures."""

    max_frame_chars = 0  # set from settings in connect

    async def websocket_connect(self, message):
        self.max_frame_chars = settings.CHAT_MESSAGE_MAX_CHARS * 6 + 1024
        self.bucket = TokenBucket(
            burst=settings.CHAT_RATE_BURST, seconds=settings.CHAT_RATE_SECONDS
        )
        self.address = (self.scope.get("client") or ["unknown"])[0]
        self.last_typing = 0.0
        await super().websocket_connect(message)

    async def send_json(self, payload: dict) -> None:
        await self.send(text_data=json.dumps(payload))

    async def error(self, text: str, **extra) -> None:
        await self.send_json({"type": "error", "message": text, **extra})

    async def receive(self, text_data=None, bytes_data=None):
        if text_data is None or len(text_data) > self.max_frame_chars:
            await self.error(
                f"Messages are text, and at most {settings.CHAT_MESSAGE_MAX_CHARS} characters."
            )
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.error("Unreadable message.")
            return
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self.error("Unreadable message.")
            return
        await self.handle(content)

    async def handle(self, content: dict) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    async def post_message(self, *, chat_id: int, body, staff_user=None) -> None:
        if not self.bucket.take():
            await self.error(
                "You are sending messages too quickly; wait a moment.", code="rate_limited"
            )
            return
        try:
            payload = await _post(chat_id, body, staff_user, self.address)
        except RateLimited:
            await self.error(
                "Too many messages from your network; wait a minute.", code="rate_limited"
            )
            return
        except services.ChatError as exc:
            await self.error(str(exc), chat=chat_id)
            return
        if not await self.broadcast(f"chat.{chat_id}", {**payload, "type": "chat.message"}):
            await self.send_json({**payload, "delayed": True})

    async def broadcast(self, group: str, event: dict) -> bool:
        try:
            await self.channel_layer.group_send(group, event)
        except Exception:  # the layer (Redis) is down: the row is already committed
            logger.warning("chat: channel layer send failed", exc_info=True)
            return False
        return True

    async def dispatch(self, message):
        """Channels' dispatch minus its per-event `close_old_connections` hop to the
        thread-sensitive thread: our ORM calls (`db`) clean up their own connections."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # Group events -> this socket
    async def chat_message(self, event):
        await self.send_json({k: v for k, v in event.items() if k != "type"} | {"type": "message"})

    async def chat_typing(self, event):
        if event.get("sender") != self.channel_name:
            await self.send_json({"type": "typing", "chat": event["chat"], "who": event["who"]})

    async def chat_state(self, event):
        await self.send_json({k: v for k, v in event.items() if k != "type"} | {"type": "state"})


@db
def _post(chat_id: int, body, staff_user, address: str) -> dict:
    """One trip to the pool per message: the address limit, the committed row, the payload."""
    if not address_allows(address):
        raise RateLimited
    message = services.chat_message_post(chat_id=chat_id, body=body, staff_user=staff_user)
    return message_payload(message, chat_id=chat_id)


# --- The person (shopper or retailer) -------------------------------------------------
@db
def _chat_for_socket(token, tenant_id: int) -> dict | None:
    chat = selectors.chat_get_by_token(token=token)
    # A token only works on the host its chat was started on.
    if chat is None or chat.storefront_id != tenant_id:
        return None
    return {
        "id": chat.pk,
        "history": [
            message_payload(m, chat_id=chat.pk) for m in selectors.chat_messages(chat=chat)
        ],
        "state": state_payload(chat),
    }


class PersonChatConsumer(ChatSocket):
    chat_id: int | None = None

    async def connect(self):
        await self.accept()

    async def disconnect(self, code):
        if self.chat_id is not None:
            await self.channel_layer.group_discard(f"chat.{self.chat_id}", self.channel_name)

    async def handle(self, content: dict) -> None:
        kind = content["type"]
        if self.chat_id is None:
            if kind != "hello":
                await self.error("Say hello first.")
                return
            found = await _chat_for_socket(content.get("token"), self.scope["tenant"].pk)
            if found is None:
                await self.error("This chat does not exist.", code="unknown_chat")
                await self.close(code=4404)
                return
            self.chat_id = found["id"]
            await self.channel_layer.group_add(f"chat.{self.chat_id}", self.channel_name)
            await self.send_json({"type": "history", "messages": found["history"]})
            await self.send_json(found["state"] | {"type": "state"})
            return
        if kind == "message":
            await self.post_message(chat_id=self.chat_id, body=content.get("body"))
        elif kind == "typing":
            await self.typing()
        elif kind == "transcript":
            try:
                await db(services.chat_transcript_send)(chat_id=self.chat_id)
            except services.ChatError as exc:
                await self.error(str(exc))
            else:
                await self.send_json({"type": "transcript", "sent": True})
        elif kind == "end":
            chat = await db(services.chat_close)(
                chat_id=self.chat_id, outcome=Chat.Outcome.FOLLOW_UP
            )
            await self.broadcast(f"chat.{self.chat_id}", await _state_event(chat.pk))
            await self.broadcast(QUEUE_GROUP, {"type": "queue.changed"})
        else:
            await self.error("Unknown request.")

    async def typing(self):
        now = time.monotonic()
        if now - self.last_typing < TYPING_EVERY_SECONDS:
            return
        self.last_typing = now
        await self.broadcast(
            f"chat.{self.chat_id}",
            {
                "type": "chat.typing",
                "chat": self.chat_id,
                "who": "customer",
                "sender": self.channel_name,
            },
        )


@db
def _state_event(chat_id: int) -> dict:
    chat = Chat.objects.select_related("agent").get(pk=chat_id)
    return {"type": "chat.state", **state_payload(chat)}


# --- Staff console ------------------------------------------------------------------
@db
def _staff_allowed(user, session) -> bool:
    return selectors.staff_may_answer_chat(user=user, session=session)


@db
def _snapshot(user) -> dict:
    return {
        "type": "snapshot",
        "queue": [chat_summary(c) for c in selectors.chat_queue()],
        "mine": [chat_detail(c) for c in selectors.chats_for_agent(agent=user)],
        "canned": [
            {"id": r.pk, "title": r.title, "body": r.body}
            for r in selectors.canned_replies_active()
        ],
        "outcomes": [
            {"value": v, "label": label}
            for v, label in Chat.Outcome.choices
            if v not in (Chat.Outcome.ABANDONED,)
        ],
    }


@db
def _my_chat_ids(user) -> list[int]:
    return list(selectors.chats_for_agent(agent=user).values_list("pk", flat=True))


@db
def _queue(user) -> dict:
    return {"type": "queue", "queue": [chat_summary(c) for c in selectors.chat_queue()]}


@db
def _claim(chat_id, user) -> dict:
    chat = services.chat_claim(chat_id=chat_id, agent=user)
    chat = Chat.objects.select_related("ticket", "storefront", "retailer", "agent").get(pk=chat.pk)
    return chat_detail(chat)


class StaffConsoleConsumer(ChatSocket):
    async def connect(self):
        tenant = self.scope.get("tenant")
        user = self.scope.get("user")
        if tenant is None or not tenant.is_company:
            await self.close(code=4403)
            return
        if not await _staff_allowed(user, self.scope.get("session")):
            await self.close(code=4403)
            return
        self.user = user
        self.chats: set[int] = set()
        await self.accept()
        await db(services.agent_presence_add)(user=user, channel_name=self.channel_name)
        await self.channel_layer.group_add(QUEUE_GROUP, self.channel_name)
        # Join this agent's chats before reading them: a message sent after the snapshot
        # was read arrives through the group (the console drops one it already shows).
        for chat_id in await _my_chat_ids(user):
            self.chats.add(chat_id)
            await self.channel_layer.group_add(f"chat.{chat_id}", self.channel_name)
        snapshot = await _snapshot(user)
        for chat in snapshot["mine"]:  # claimed in between (another console of theirs)
            if chat["id"] not in self.chats:
                self.chats.add(chat["id"])
                await self.channel_layer.group_add(f"chat.{chat['id']}", self.channel_name)
        await self.send_json(snapshot)

    async def disconnect(self, code):
        if not hasattr(self, "user"):
            return
        await db(services.agent_presence_remove)(channel_name=self.channel_name)
        await self.channel_layer.group_discard(QUEUE_GROUP, self.channel_name)
        for chat_id in self.chats:
            await self.channel_layer.group_discard(f"chat.{chat_id}", self.channel_name)

    def _chat_id(self, content: dict) -> int | None:
        value = content.get("chat")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    async def handle(self, content: dict) -> None:
        kind = content["type"]
        chat_id = self._chat_id(content)
        if kind == "ping":
            await db(services.agent_presence_touch)(channel_name=self.channel_name)
            await self.send_json({"type": "pong"})
            return
        if chat_id is None:
            await self.error("Which chat?")
            return
        if kind == "claim":
            try:
                detail = await _claim(chat_id, self.user)
            except (services.ChatError, Chat.DoesNotExist) as exc:
                message = str(exc) if isinstance(exc, services.ChatError) else "No such chat."
                await self.error(message, chat=chat_id)
                return
            self.chats.add(chat_id)
            await self.channel_layer.group_add(f"chat.{chat_id}", self.channel_name)
            await self.send_json({"type": "chat", **detail})
            await self.broadcast(f"chat.{chat_id}", await _state_event(chat_id))
            await self.broadcast(QUEUE_GROUP, {"type": "queue.changed"})
            return
        if chat_id not in self.chats:
            await self.error("Claim this chat first.", chat=chat_id)
            return
        if kind == "message":
            await self.post_message(chat_id=chat_id, body=content.get("body"), staff_user=self.user)
        elif kind == "typing":
            now = time.monotonic()
            if now - self.last_typing >= TYPING_EVERY_SECONDS:
                self.last_typing = now
                await self.broadcast(
                    f"chat.{chat_id}",
                    {
                        "type": "chat.typing",
                        "chat": chat_id,
                        "who": "staff",
                        "sender": self.channel_name,
                    },
                )
        elif kind == "close":
            try:
                await db(services.chat_close)(
                    chat_id=chat_id, outcome=content.get("outcome"), agent=self.user
                )
            except services.ChatError as exc:
                await self.error(str(exc), chat=chat_id)
                return
            await self.broadcast(f"chat.{chat_id}", await _state_event(chat_id))
            self.chats.discard(chat_id)
            await self.channel_layer.group_discard(f"chat.{chat_id}", self.channel_name)
        else:
            await self.error("Unknown request.")

    async def queue_changed(self, event):
        await self.send_json(await _queue(self.user))
