"""The 7-business-day breach deadline: weekends and US federal holidays (observed) skipped."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from privacy.business_days import add_business_days, business_days_between, is_business_day
from privacy.models import BreachIncident
from privacy.selectors import breach_deadline

LA = ZoneInfo("America/Los_Angeles")


@pytest.mark.parametrize(
    ("discovered", "deadline"),
    [
        # A plain week: Monday + 7 business days = the next Wednesday.
        (date(2026, 3, 2), date(2026, 3, 11)),
        # Thanksgiving week 2026: Thursday 26 November is skipped.
        (date(2026, 11, 23), date(2026, 12, 3)),
        # Found on Thanksgiving itself.
        (date(2026, 11, 26), date(2026, 12, 7)),
        # Found on a Saturday: counting starts Monday.
        (date(2026, 11, 21), date(2026, 12, 2)),
        # Christmas (Friday) and New Year's Day (Friday) 2026/27.
        (date(2026, 12, 22), date(2027, 1, 4)),
        # Independence Day 2026 falls on a Saturday: observed Friday 3 July.
        (date(2026, 6, 30), date(2026, 7, 10)),
        # Juneteenth 2027 falls on a Saturday: observed Friday 18 June.
        (date(2027, 6, 14), date(2027, 6, 24)),
        # New Year's Day 2022 on a Saturday: observed Friday 31 December 2021.
        (date(2021, 12, 27), date(2022, 1, 6)),
        # Labor Day 2026 (Monday 7 September).
        (date(2026, 9, 4), date(2026, 9, 16)),
    ],
)
def test_deadline_is_seven_business_days_after_discovery(discovered, deadline):
    assert add_business_days(discovered, 7) == deadline


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 26), False),  # Thanksgiving
        (date(2026, 11, 27), True),  # the Friday after is a business day
        (date(2026, 7, 3), False),  # observed Independence Day
        (date(2026, 11, 11), False),  # Veterans Day
        (date(2026, 10, 12), False),  # Columbus Day
        (date(2026, 11, 28), False),  # Saturday
        (date(2026, 12, 24), True),  # Christmas Eve is not a federal holiday
    ],
)
def test_business_day_calendar(day, expected):
    assert is_business_day(day) is expected


def test_business_days_left_counts_down_and_goes_negative_when_overdue():
    deadline = date(2026, 12, 3)
    assert business_days_between(date(2026, 11, 23), deadline) == 7
    assert business_days_between(date(2026, 12, 1), deadline) == 2
    assert business_days_between(date(2026, 12, 3), deadline) == 0
    assert business_days_between(date(2026, 12, 4), deadline) == -1
    assert business_days_between(date(2026, 12, 7), deadline) == -2  # weekend not counted


def test_incident_deadline_uses_the_company_local_date_of_discovery():
    # 11 pm Pacific on Monday 23 November is already Tuesday in UTC.
    incident = BreachIncident(discovered_at=datetime(2026, 11, 23, 23, 0, tzinfo=LA))
    deadline = breach_deadline(incident=incident, today=date(2026, 11, 25))
    assert deadline.discovered_on == date(2026, 11, 23)
    assert deadline.deadline == date(2026, 12, 3)
    assert deadline.business_days_left == 5
