"""manage.py autoship_run [--today YYYY-MM-DD]: what the beat schedule runs, by hand."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from orders.autoship.services import autoship_run


class Command(BaseCommand):
    help = "Place and charge the autoship orders due, and send reminders (idempotent per date)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", help="run as if today were YYYY-MM-DD")

    def handle(self, *args, today: str | None = None, **options) -> None:
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as exc:
            raise CommandError("--today must be YYYY-MM-DD") from exc
        outcome = autoship_run(today=day)
        parts = ", ".join(f"{key}: {value}" for key, value in sorted(outcome.items()))
        self.stdout.write(f"autoship_run {day.isoformat()}: {parts}")
