"""Make commissions payable whose return window has passed (beat does this hourly).

`--days N` pretends N days have passed: a demo of the return window without waiting.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from retailers.earnings.services import commissions_release_due


class Command(BaseCommand):
    help = "Release commissions whose return window has passed (--days N to look ahead)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=0, help="pretend N more days have passed")

    def handle(self, *args, days: int, **options):
        count = commissions_release_due(as_of=timezone.now() + timedelta(days=days))
        self.stdout.write(f"{count} commission entr{'y' if count == 1 else 'ies'} now payable.")
