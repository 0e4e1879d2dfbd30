"""The team counts the database keeps (TeamCount, TeamEnrolmentMonth) equal a live count
of the genealogy after every kind of write: enrolments, moves (whole downlines), a
changed enrolment date, a deleted member and plain SQL."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from retailers.team.models import TeamMember
from retailers.team.selectors import _team_counts, month_start, team_counts_live
from tests.team.conftest import member

pytestmark = pytest.mark.django_db


def assert_counts_match_live(months: list[date]) -> int:
    checked = 0
    for m in TeamMember.objects.all():
        for month in months:
            assert _team_counts(member=m, month=month) == team_counts_live(member=m, month=month), (
                m.pk,
                month,
            )
            checked += 1
    return checked


def test_counts_follow_enrolments_moves_date_changes_deletes_and_raw_sql(company):
    rng = random.Random(20261205)
    this_month = month_start(timezone.localdate())
    last_month = month_start(this_month - timedelta(days=1))
    tops = [member(f"Top{i}") for i in range(3)]
    people = list(tops)
    for i in range(40):
        people.append(member(f"M{i}", rng.choice(people)))
    # Some joined last month (the trigger moves their month).
    for retailer in rng.sample(people[3:], 10):
        TeamMember.objects.filter(pk=retailer.pk).update(
            enrolled_at=timezone.now() - timedelta(days=40)
        )
    top = TeamMember.objects.get(pk=tops[0].pk)
    size, new, front = _team_counts(member=top, month=this_month)
    assert size > 0 and front > 0
    assert assert_counts_match_live([this_month, last_month]) == 86

    # Moves: a member and its whole downline to another line (the database moves the
    # paths of the downline in the same statement), as Compliance's move does.
    for _ in range(8):
        mover = TeamMember.objects.get(pk=rng.choice(people[3:]).pk)
        target = TeamMember.objects.get(pk=rng.choice(people).pk)
        if target.path == mover.path or (target.path + ".").startswith(mover.path + "."):
            continue
        TeamMember.objects.filter(pk=mover.pk).update(sponsor_id=target.pk)
    assert_counts_match_live([this_month, last_month])

    # A leaf leaves; a member goes back under the company.
    leaf = next(
        m for m in TeamMember.objects.all() if not TeamMember.objects.filter(sponsor=m).exists()
    )
    TeamMember.objects.filter(pk=leaf.pk).delete()
    root_again = TeamMember.objects.exclude(sponsor=None).first()
    TeamMember.objects.filter(pk=root_again.pk).update(sponsor_id=None)
    assert_counts_match_live([this_month, last_month])

    # Plain SQL, no ORM.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE team_teammember SET enrolled_at = enrolled_at - interval '35 days'"
            " WHERE retailer_id IN (SELECT retailer_id FROM team_teammember ORDER BY path LIMIT 5)"
        )
    assert_counts_match_live([this_month, last_month])
    assert _team_counts(member=top, month=this_month) != (0, 0, 0)
