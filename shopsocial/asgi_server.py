"""Run the ASGI application (HTTP + chat WebSockets) with uvicorn.

Used by `manage.py serve` (development; `reload` watches the source tree) and by the
e2e fixture and the chat benchmark. Production runs the same application under
gunicorn with uvicorn workers (docker-compose.yml).
"""

from __future__ import annotations

import os

# Chat frames are small JSON texts; anything bigger is refused by the server itself.
WS_MAX_SIZE = 64 * 1024


CODE_DIRS = ("shopsocial", "storefront", "retailers", "orders", "privacy", "templates")


def serve_asgi(*, host: str = "127.0.0.1", port: int = 8000, reload: bool = False) -> None:
    import uvicorn
    from django.conf import settings

    # A reloading server imports the app in a child process: what it needs must be in
    # the environment (SHOP_PORT for absolute links, the settings module).
    os.environ["SHOP_PORT"] = f":{port}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopsocial.settings.dev")
    uvicorn.run(
        "shopsocial.asgi:application",
        host=host,
        port=port,
        reload=reload,
        # The code only: not .local/ (the embedded database and the mail folder change
        # all the time) nor .venv/.
        reload_dirs=[str(settings.BASE_DIR / name) for name in CODE_DIRS] if reload else None,
        reload_includes=["*.py", "*.html"] if reload else None,
        ws_max_size=WS_MAX_SIZE,
        lifespan="off",
        log_level="info",
    )
