"""Close a month: `manage.py earnings_close 2026-11` (safe to run twice).

The one month close: ledger catch-up and releases, then the team close (volumes,
ranks, override lines, refund reversals). `team_close` is an alias of this command.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from retailers.earnings.close import earnings_month_close


class Command(BaseCommand):
    help = "Close one month: accruals, releases, team volumes, ranks and overrides (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("month", help="YYYY-MM")
        parser.add_argument(
            "--early",
            action="store_true",
            help="Close a month that has not ended yet (demos: later sales that month "
            "will never count for the team).",
        )

    def handle(self, *args, month: str, early: bool = False, **options):
        try:
            year, mon = (int(part) for part in month.split("-"))
            first = date(year, mon, 1)
        except ValueError as exc:
            raise CommandError("Give the month as YYYY-MM.") from exc
        if not early and first >= timezone.localdate().replace(day=1):
            raise CommandError(f"{month} has not ended yet; pass --early to close it anyway.")
        for result in earnings_month_close(month=first):
            self.stdout.write(str(result))
        self.stdout.write(f"{first:%B %Y} closed.")
