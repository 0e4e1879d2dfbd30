"""Demo data: a small catalog, three retailers (one at demo.<domain>), an admin user.

Idempotent: a second run adds nothing.
"""

from django.core.management.base import BaseCommand

from shopsocial.demo import demo_seed


class Command(BaseCommand):
    help = "Seed the demo catalog, retailers and admin user (idempotent)."

    def handle(self, *args, **options):
        created = demo_seed()
        if created:
            self.stdout.write(self.style.SUCCESS(f"Demo data created: {', '.join(created)}"))
        else:
            self.stdout.write("Demo data already present; nothing added.")
