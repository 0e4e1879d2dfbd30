"""`manage.py team_close 2026-11`: an alias of `earnings_close` (the one month close)."""

from retailers.earnings.management.commands.earnings_close import Command as EarningsClose


class Command(EarningsClose):
    help = "Alias of earnings_close: the one month close (teams included; idempotent)."
