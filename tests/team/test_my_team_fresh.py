""" "My team" is kept in the shared cache, and every write that changes it shows on the
next request (the writes are declared once, in shopsocial/invalidation.py).

Each test reads the page first (so the section is cached), writes one way, and reads
again. The first test proves the second read is served from the cache, so the others
would fail if a write left the cached section in place.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from privacy.models import BreachNotification
from retailers.earnings.models import CommissionEntry
from retailers.models import Retailer
from retailers.team.close import team_month_close
from retailers.team.models import Rank, Standing, TeamMember, TeamPlan
from retailers.team.services import team_member_move
from tests.conftest import COMPANY_HOST
from tests.factories import BreachIncidentFactory

from .conftest import member, plan_make, sale

pytestmark = pytest.mark.django_db

TEAM = "/backoffice/team/"


def page(client, query: str = "") -> str:
    response = client.get(TEAM + query, HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 200
    return response.text


def test_a_second_read_is_served_from_the_cache(
    alice_client, alice_owner, team_plan, django_assert_max_num_queries
):
    kim = member("Kim", alice_owner)
    member("Lou", kim)
    first = page(alice_client)
    # The session's user with their retailer (one query); no team query at all.
    with django_assert_max_num_queries(1):
        again = page(alice_client)
    assert 'id="team-size">2<' in again
    assert first.count("team-card") == again.count("team-card") == 2


def test_an_enrolment_below_shows_on_every_page_above(alice_client, alice_owner, team_plan):
    kim = member("Kim", alice_owner)
    lou = member("Lou", kim)
    assert 'id="team-size">2<' in page(alice_client)
    page(alice_client, "?level=3")
    member("Mo", lou)  # generation 3, enrolled two levels below alice's frontline
    text = page(alice_client)
    assert 'id="team-size">3<' in text and "Mo" in text
    assert "Mo" in page(alice_client, "?level=3")


def test_a_sale_below_shows_its_volume(alice_client, alice_owner, team_plan):
    kim = member("Kim", alice_owner)
    lou = member("Lou", kim)
    assert "$75.00 this month" not in page(alice_client)
    sale(lou, "75.00", at=timezone.now())
    assert "$75.00 this month" in page(alice_client)
    sale(alice_owner, "12.50", at=timezone.now())
    assert 'id="team-pv">$12.50<' in page(alice_client)


def test_settling_an_entry_keeps_the_cached_section(alice_client, alice_owner, team_plan):
    """Status changes of the ledger (settlement, payout) change no volume: the section
    stays cached (the second read costs no team query)."""
    kim = member("Kim", alice_owner)
    sale(kim, "40.00", at=timezone.now())
    page(alice_client)
    CommissionEntry.objects.filter(retailer=kim).update(status=CommissionEntry.Status.PAYABLE)
    assert TeamMember.objects.get(pk=kim.pk)  # the page below must not need this query
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        text = page(alice_client)
    assert "$40.00 this month" in text
    assert not [q for q in queries.captured_queries if "team_" in q["sql"]]


@pytest.mark.parametrize("way", ["save", "update"])
def test_a_member_renamed_shows_renamed(alice_client, alice_owner, team_plan, way):
    kim = member("Kim", alice_owner)
    assert "Kim" in page(alice_client)
    if way == "save":
        kim.display_name = "Kimberly's Candles"
        kim.save()
    else:
        Retailer.objects.filter(pk=kim.pk).update(display_name="Kimberly's Candles")
    assert "Kimberly&#x27;s Candles" in page(alice_client)


def test_the_sponsors_new_contact_shows_to_their_team(client, alice_owner, bob_owner, team_plan):
    from tests.retailers.conftest import sign_in

    alice = TeamMember.objects.get_or_create(retailer=alice_owner)[0]
    TeamMember.objects.create(retailer=bob_owner, sponsor=alice)
    assert sign_in(client, bob_owner).status_code == 302
    assert alice_owner.email in page(client)
    Retailer.objects.filter(pk=alice_owner.pk).update(email="alice.new@example.com")
    assert "alice.new@example.com" in page(client)


def test_a_move_shows_on_the_old_and_the_new_sponsors_pages(
    client, alice_owner, bob_owner, team_plan
):
    from tests.retailers.conftest import sign_in

    kim = member("Kim", alice_owner)
    member("Lou", kim)
    member("Bea", bob_owner)
    compliance = get_user_model().objects.create_superuser("compliance", "c@example.com", "x")
    assert sign_in(client, alice_owner).status_code == 302
    assert 'id="team-size">2<' in page(client)
    client.logout()
    assert sign_in(client, bob_owner).status_code == 302
    assert 'id="team-size">1<' in page(client)
    team_member_move(
        member=TeamMember.objects.get(pk=kim.pk),
        to_sponsor=bob_owner,
        reason="Asked",
        actor=compliance,
    )
    text = page(client)
    assert 'id="team-size">3<' in text and "Kim" in text and "Lou" in text
    client.logout()
    assert sign_in(client, alice_owner).status_code == 302
    assert 'id="team-size">0<' in page(client)


def test_the_month_close_shows_group_volume_and_rank(alice_client, alice_owner, team_plan):
    kim = member("Kim", alice_owner)
    sale(kim, "80.00", at=timezone.now())
    assert "after the first month close" in page(alice_client)
    team_month_close(month=date.today().replace(day=1))
    text = page(alice_client)
    assert 'id="team-gv">$80.00<' in text
    assert 'id="team-rank">Retailer<' in text


def test_a_standing_written_shows_its_rank(alice_client, alice_owner, team_plan):
    kim = member("Kim", alice_owner)
    assert "Executive" not in page(alice_client)
    Standing.objects.create(
        retailer=kim, month=date.today().replace(day=1), rank_name="Executive", paid_rank=1
    )
    assert "Executive" in page(alice_client)


@pytest.mark.parametrize("way", ["save", "update"])
def test_a_plan_change_shows_in_the_progress(alice_client, alice_owner, company, way):
    plan_make(ranks=((0, "Retailer", "0", "0", 0, 1), (1, "Senior", "350", "0", 0, 2)))
    sale(alice_owner, "40.00", at=timezone.now())
    assert "$310.00 of personal volume to go to Senior." in page(alice_client)
    senior = Rank.objects.get(name="Senior")
    if way == "save":
        senior.personal_volume = Decimal("500")
        senior.save()
    else:
        Rank.objects.filter(pk=senior.pk).update(personal_volume=Decimal("500"))
    assert "$460.00 of personal volume to go to Senior." in page(alice_client)
    TeamPlan.objects.update(name="Renamed")  # a plan row written: still right
    assert "$460.00 of personal volume to go to Senior." in page(alice_client)


def test_a_breach_notice_shows_on_the_next_page_and_goes_once_acknowledged(
    alice_client, alice_owner, team_plan
):
    assert "Test incident" not in page(alice_client)
    incident = BreachIncidentFactory(title="Test incident")
    assert "Test incident" not in page(alice_client)  # no notice yet: nothing to read
    BreachNotification.objects.create(incident=incident, email=alice_owner.email)
    assert "Test incident" in page(alice_client)
    BreachNotification.objects.update(acknowledged_at=timezone.now())
    assert "Test incident" not in page(alice_client)
