"""WebSocket routes (shopsocial/asgi.py mounts them behind the origin and host checks)."""

from django.urls import path

from . import consumers

websocket_urlpatterns = [
    path("ws/chat/", consumers.PersonChatConsumer.as_asgi()),
    path("ws/support/", consumers.StaffConsoleConsumer.as_asgi()),
]
