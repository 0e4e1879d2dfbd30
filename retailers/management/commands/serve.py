"""Everything a new user needs: database, migrations, demo data, then the dev server."""

import contextlib
import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


def runserver_command(*, port: int, noreload: bool) -> tuple[list[str], dict[str, str]]:
    """The dev server as its own process, told its port through the environment.

    Absolute links (the payment page, email links) must name the port we serve on:
    SHOP_PORT is read by the settings of the new process, so no setting is changed
    at run time here.
    """
    argv = [sys.executable, str(settings.BASE_DIR / "manage.py"), "runserver"]
    argv += [f"127.0.0.1:{port}", *(["--noreload"] if noreload else [])]
    return argv, {**os.environ, "SHOP_PORT": f":{port}"}


class Command(BaseCommand):
    help = "Migrate, seed the demo data on first run, and serve the site on localhost."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--noreload", action="store_true")

    def handle(self, *args, port: int, noreload: bool, **options):
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
            + f"  Emails are printed here and kept in {settings.BASE_DIR / '.local' / 'mail'}\n"
        )
        self.stdout.flush()
        argv, env = runserver_command(port=port, noreload=noreload)
        # This process keeps the embedded database (if any) running meanwhile.
        with contextlib.suppress(KeyboardInterrupt):
            subprocess.run(argv, env=env, check=False)  # noqa: S603 (our own manage.py)
