"""Re-encrypt every stored SSN/EIN under the newest FIELD_ENCRYPTION_KEYS key."""

from django.core.management.base import BaseCommand

from retailers.services import retailer_tax_ids_rotate


class Command(BaseCommand):
    help = "Re-encrypt retailer SSN/EIN ciphertext under the newest key (after adding one)."

    def handle(self, *args, **options):
        count = retailer_tax_ids_rotate()
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {count} tax id(s)."))
