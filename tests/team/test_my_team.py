"""Back office "My team": figures, genealogy, upline contact; and what a sponsor never sees."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from retailers import crypto
from retailers.models import Retailer
from retailers.team.close import team_month_close
from tests.conftest import COMPANY_HOST
from tests.factories import OrderFactory

from .conftest import member, sale

pytestmark = pytest.mark.django_db


def now_in_month():
    return timezone.now()


def test_my_team_shows_members_volume_and_progress(alice_client, alice_owner, team_plan):
    kim = member("Kim's Candles", alice_owner)
    member("Lou", kim)
    sale(kim, "120.00", at=now_in_month())
    sale(alice_owner, "40.00", at=now_in_month())
    response = alice_client.get("/backoffice/team/", HTTP_HOST=COMPANY_HOST)
    assert 'id="team-gv">after the first month close<' in response.text
    month = date.today().replace(day=1)
    team_month_close(month=month)  # group volume: the close's stored figure
    response = alice_client.get("/backoffice/team/", HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 200
    text = response.text
    assert f"Group volume, {month:%B %Y} close" in text
    assert 'id="team-size">2<' in text
    assert 'id="team-frontline">1<' in text
    assert 'id="team-new">2<' in text
    assert 'id="team-pv">$40.00<' in text
    assert 'id="team-gv">$160.00<' in text
    assert "Kim&#x27;s Candles" in text and kim.retailer_number in text
    assert "$120.00 this month" in text
    assert "Generation 2" in text
    assert 'href="/backoffice/team/"' in text  # the nav entry


def test_rank_progress_says_what_is_missing(alice_client, alice_owner, company):
    from .conftest import plan_make

    plan_make(ranks=((0, "Retailer", "0", "0", 0, 1), (1, "Senior", "350", "0", 0, 2)))
    sale(alice_owner, "40.00", at=now_in_month())
    response = alice_client.get("/backoffice/team/", HTTP_HOST=COMPANY_HOST)
    assert "$310.00 of personal volume to go to Senior." in response.text


def test_downline_sees_the_upline_contact(client, alice_owner, bob_owner, team_plan):
    from tests.retailers.conftest import sign_in

    member("Kim", alice_owner)  # puts alice in the genealogy
    from retailers.team.models import TeamMember

    TeamMember.objects.create(retailer=bob_owner, sponsor=TeamMember.objects.get(pk=alice_owner.pk))
    assert sign_in(client, bob_owner).status_code == 302
    response = client.get("/backoffice/team/", HTTP_HOST=COMPANY_HOST)
    assert alice_owner.legal_name in response.text
    assert alice_owner.email in response.text


def test_a_sponsor_never_sees_the_teams_customers_addresses_or_tax_ids(
    alice_client, alice_owner, team_plan
):
    kim = member("Kim", alice_owner)
    Retailer.objects.filter(pk=kim.pk).update(
        legal_name="Kimberly Secretname",
        address_line1="99 Hidden Lane",
        phone="+15125559999",
        tax_id_kind="ssn",
        tax_id_encrypted=crypto.encrypt("321549876"),
        tax_id_last4="9876",
    )
    order = OrderFactory(
        retailer=alice_owner,
        email="shopper.private@example.com",
        full_name="Penny Privateshopper",
        ship_line1="7 Shopper Road",
        ship_city="Tucson",
    )
    from retailers.earnings.models import CommissionEntry

    CommissionEntry.objects.create(
        retailer=kim, order=order, kind="accrual", key="paid", base=Decimal("40"), amount=0
    )
    team_month_close(month=date.today().replace(day=1))
    pages = [
        alice_client.get(url, HTTP_HOST=COMPANY_HOST).text
        for url in ("/backoffice/team/", "/backoffice/team/?level=1", "/backoffice/customers/")
    ]
    for text in pages:
        for secret in (
            "Kimberly Secretname",
            "99 Hidden Lane",
            "5559999",
            "9876",
            "shopper.private@example.com",
            "Penny",
            "7 Shopper Road",
            "Tucson",
            kim.email,
        ):
            assert secret not in text, secret


def test_a_retailer_sees_only_their_own_downline(alice_client, alice_owner, bob, team_plan):
    stranger = member("Stranger's Shop", bob)
    response = alice_client.get("/backoffice/team/", HTTP_HOST=COMPANY_HOST)
    assert stranger.retailer_number not in response.text
    assert 'id="team-size">0<' in response.text


def test_bad_page_and_level_parameters_are_clamped_not_errors(alice_client, team_plan):
    for query in ("?page=abc", "?page=999999", "?level=-1", "?level=9999", "?page=0"):
        response = alice_client.get(f"/backoffice/team/{query}", HTTP_HOST=COMPANY_HOST)
        assert response.status_code == 200, query


def test_statement_shows_override_lines_by_generation(alice_client, alice_owner, team_plan):
    kim = member("Kim", alice_owner)
    lou = member("Lou", kim)
    month = date.today().replace(day=1)
    sale(alice_owner, "150.00", at=now_in_month())
    sale(kim, "150.00", at=now_in_month())
    lou_order = sale(lou, "1240.00", at=now_in_month())
    team_month_close(month=month)
    response = alice_client.get(
        f"/backoffice/earnings/statements/{month:%Y}-{month:%m}/", HTTP_HOST=COMPANY_HOST
    )
    text = response.text
    assert "Generation 2 override on Lou&#x27;s team sales, 3 % of $1,240.00" in text
    assert 'id="statement-overrides"' in text
    assert "<td>Generation 1</td><td>1</td><td>$150.00</td><td>$7.50</td>" in text
    assert "<td>Generation 2</td><td>1</td><td>$1240.00</td><td>$37.20</td>" in text
    # Privacy: the line is the month's team sales, never an order of the team.
    assert lou_order.number not in text and lou_order.email not in text
    assert ">Team</td>" in text
