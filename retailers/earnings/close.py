"""The month close: one idempotent run for the ledger and everything that hangs off it.

`earnings_month_close(month=...)` accrues any paid order still missing its accrual,
releases what the return window has freed, then runs the month-close hooks (the team
close: volumes, ranks, override lines and refund reversals) in the same transaction.
Every step is idempotent, so a rerun changes nothing. Earnings sits below its sub-apps
in the app order: they register here from their `AppConfig.ready()` instead of being
imported (`retailers.team` registers `team_month_close`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from .services import commissions_accrue_missing, commissions_release_due

MonthCloseHook = Callable[..., object]  # hook(*, month: date, now: datetime) -> object
_month_close_hooks: list[MonthCloseHook] = []


def month_close_hook_register(hook: MonthCloseHook) -> MonthCloseHook:
    """Run `hook(month=..., now=...)` inside every month close (registered once)."""
    if hook not in _month_close_hooks:
        _month_close_hooks.append(hook)
    return hook


def month_previous(today: date) -> date:
    first = today.replace(day=1)
    return date(first.year - 1, 12, 1) if first.month == 1 else first.replace(month=first.month - 1)


@transaction.atomic
def earnings_month_close(*, month: date, now: datetime | None = None) -> list[object]:
    """Close `month` (idempotent): catch-up accruals, releases, then every hook's close."""
    month = month.replace(day=1)
    now = now or timezone.now()
    while commissions_accrue_missing() == 2_000:  # its batch size: more may be waiting
        pass
    commissions_release_due(as_of=now)
    return [hook(month=month, now=now) for hook in tuple(_month_close_hooks)]
