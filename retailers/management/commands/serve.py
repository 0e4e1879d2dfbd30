"""Everything a new user needs: database, migrations, demo data, then the dev server."""

import argparse
import contextlib
import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from shopsocial.asgi_server import serve_asgi
from shopsocial.embedded_db import EMBEDDED_DATABASE_URL
from shopsocial.serving import serve_behind_varnish
from shopsocial.varnish import varnishd_path


def serving_command(*, port: int, noreload: bool) -> tuple[list[str], dict[str, str]]:
    """The serving half of `serve` as its own process, told its port by the environment.

    Absolute links (the payment page, email links) must name the port we serve on:
    SHOP_PORT is read by the settings of the new process, so no setting is changed
    at run time.
    """
    argv = [sys.executable, str(settings.BASE_DIR / "manage.py"), "serve", "--serving"]
    argv += ["--port", str(port), *(["--noreload"] if noreload else [])]
    # With no DATABASE_URL this process holds the embedded server; the child is told its
    # address, so that only this process starts and stops it.
    database_url = os.environ.get("DATABASE_URL") or EMBEDDED_DATABASE_URL
    return argv, {**os.environ, "SHOP_PORT": f":{port}", "DATABASE_URL": database_url}


class Command(BaseCommand):
    help = "Migrate, seed the demo data on first run, and serve the site on localhost."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--noreload", action="store_true")
        parser.add_argument("--serving", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, port: int, noreload: bool, serving: bool, **options):
        if serving:
            return self._serve(port=port, noreload=noreload)
        call_command("migrate_schemas", interactive=False, verbosity=0)
        call_command("seed_demo")
        domain = settings.SHOP_DOMAIN
        self.stdout.write(
            self.style.SUCCESS("\nShopSocial is running. Open:\n")
            + f"  Company site     http://{domain}:{port}/\n"
            + f"  Demo storefront  http://demo.{domain}:{port}/\n"
            + f"  Admin            http://{domain}:{port}/admin/"
            + "  (user: admin, password: shopsocial-demo)\n"
            + f"  Back office      http://{domain}:{port}/backoffice/\n"
            + f"  Support chat     http://{domain}:{port}/support/chat/  (as admin)\n"
            + f"  Emails are printed here and kept in {settings.BASE_DIR / '.local' / 'mail'}\n"
        )
        self.stdout.flush()
        argv, env = serving_command(port=port, noreload=noreload)
        # This process keeps the embedded database (if any) running meanwhile, and
        # exits last: Ctrl-C reaches the server too, which is left to stop by itself
        # (killing it could cut the embedded server's bookkeeping short).
        server = subprocess.Popen(argv, env=env)  # noqa: S603 (our own manage.py)
        while server.poll() is None:
            with contextlib.suppress(KeyboardInterrupt):
                server.wait()

    def _serve(self, *, port: int, noreload: bool) -> None:
        if settings.SERVE_RUNS_BEAT:
            # The beat schedule (stock holds, email re-dispatch, ...) runs here, once:
            # uvicorn's reloader keeps this process and restarts only the server child.
            from shopsocial.dev_beat import dev_beat_start

            dev_beat_start()
        if varnishd_path():
            # The production shape (shopsocial/serving.py): Varnish on the port, gunicorn
            # WSGI workers for pages, uvicorn for the chat's /ws/ only.
            serve_behind_varnish(port=port, reload=not noreload)
            return
        # No proxy to route /ws/: uvicorn serves HTTP and the chat's WebSockets
        # (in-memory channel layer unless REDIS_URL/CHAT_REDIS_URL is set).
        self.stdout.write("varnishd not found: serving everything with uvicorn (no HTTP cache)")
        serve_asgi(port=port, reload=not noreload)
