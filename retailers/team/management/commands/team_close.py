"""Close a month for teams: `manage.py team_close 2026-11` (safe to run twice)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from retailers.team.close import team_month_close


class Command(BaseCommand):
    help = "Volumes, ranks and override lines for one month (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("month", help="YYYY-MM")
        parser.add_argument(
            "--early",
            action="store_true",
            help="Close a month that has not ended yet (demos: later sales that month "
            "will never count).",
        )

    def handle(self, *args, month: str, early: bool = False, **options):
        try:
            year, mon = (int(part) for part in month.split("-"))
            first = date(year, mon, 1)
        except ValueError as exc:
            raise CommandError("Give the month as YYYY-MM.") from exc
        if not early and first >= timezone.localdate().replace(day=1):
            raise CommandError(f"{month} has not ended yet; pass --early to close it anyway.")
        close = team_month_close(month=first)
        self.stdout.write(
            f"{close}: overrides ${close.override_total}, reversals ${close.reversal_total}"
        )
