"""Demo data: a small catalog, three retailers (one at demo.<domain>), an admin user.

Idempotent: a second run adds nothing. On an empty database it migrates first.
"""

from collections import Counter

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from retailers.services import retailer_demo_login_ensure
from shopsocial.demo import DEMO_ADMIN_PASSWORD, demo_seed


class Command(BaseCommand):
    help = "Seed the demo catalog, retailers and admin user (idempotent)."

    def handle(self, *args, **options):
        if "retailers_retailer" not in connection.introspection.table_names():
            call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        created = demo_seed()
        if created:
            kinds = Counter(item.split(" ", 1)[0] for item in created)
            summary = ", ".join(f"{n} {kind}" for kind, n in kinds.items())
            self.stdout.write(self.style.SUCCESS(f"Demo data created: {summary}"))
        else:
            self.stdout.write("Demo data already present; nothing added.")
        demo = retailer_demo_login_ensure(
            slug="demo", username="demo", password=DEMO_ADMIN_PASSWORD
        )
        if demo is not None and demo.user_id:
            self.stdout.write(
                f"Back office: Retailer ID {demo.retailer_number}, username "
                f"{demo.user.username}, password {DEMO_ADMIN_PASSWORD}"
            )
