"""Business days: Monday to Friday except US federal holidays (5 U.S.C. 6103).

The `holidays` package supplies the holidays with the observed-day rules
(a Saturday holiday is observed on Friday, a Sunday one on Monday).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _federal_holidays(year: int) -> frozenset[date]:
    # The next year too: New Year's Day on a Saturday is observed on 31 December.
    calendar = holidays.country_holidays("US", years=[year, year + 1])
    return frozenset(calendar.keys())


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _federal_holidays(day.year)


def add_business_days(start: date, days: int) -> date:
    """The date `days` business days after `start` (start itself does not count)."""
    day = start
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_business_day(day):
            remaining -= 1
    return day


def business_days_between(start: date, end: date) -> int:
    """Business days after `start` up to and including `end`; negative when `end` is past."""
    if end == start:
        return 0
    step = 1 if end > start else -1
    count = 0
    day = start
    while day != end:
        day += timedelta(days=step)
        if step == 1 and is_business_day(day):
            count += 1
        elif step == -1 and is_business_day(day + timedelta(days=1)):
            count -= 1
    return count
