"""Everything a new user needs: database, migrations, demo data, then the dev server."""

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, seed the demo data on first run, and serve the site on localhost."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--noreload", action="store_true")

    def handle(self, *args, port: int, noreload: bool, **options):
        # Absolute links (the payment page, email links) must name the port we serve on.
        settings.SHOP_PORT = f":{port}"
        # The autoreloader re-runs this command in a child process (RUN_MAIN):
        # set-up happens once, in the parent.
        if not os.environ.get("RUN_MAIN"):
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
        if settings.SERVE_RUNS_BEAT and (os.environ.get("RUN_MAIN") or noreload):
            # The beat schedule (stock holds, email re-dispatch, ...) runs here too, once,
            # in the process that serves (payments: issue 13).
            from shopsocial.dev_beat import dev_beat_start

            dev_beat_start()
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=not noreload)
