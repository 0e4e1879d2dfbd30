"""ASGI entry point: HTTP (Django, exactly as under WSGI) and WebSockets (live chat).

Sockets pass the same-origin check, then the host -> storefront lookup the HTTP
middleware does, then the session (staff console sign-in), then the chat routes.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopsocial.settings.production")
django_application = get_asgi_application()  # sets Django up before the imports below

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from privacy.chat.middleware import (  # noqa: E402
    SameOriginWebsocketValidator,
    TenantWebsocketMiddleware,
)
from privacy.chat.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": SameOriginWebsocketValidator(
            TenantWebsocketMiddleware(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
        ),
    }
)
