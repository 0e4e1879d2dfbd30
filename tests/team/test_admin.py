"""Staff screens: the income disclosure (Compliance), sponsor moves in the admin, the plan."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from retailers.earnings.models import CommissionEntry
from retailers.team.close import team_month_close
from retailers.team.models import SponsorChange, TeamMember
from tests.conftest import COMPANY_HOST

from .conftest import NOV, member, sale

pytestmark = pytest.mark.django_db
User = get_user_model()


def staff_in(group: str):
    user = User.objects.create_user(f"{group.lower()}-staff", f"{group}@example.com", "x")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=group))
    return User.objects.get(pk=user.pk)


def test_income_disclosure_by_rank_from_the_ledger_html_and_csv(client, team_plan):
    jane = member("Jane")
    kim = member("Kim", jane)
    member("Lou", jane)  # earns nothing
    sale(jane, "200.00")
    order = sale(kim, "100.00")
    with mock.patch("django.utils.timezone.now", return_value=NOV):
        CommissionEntry.objects.create(
            retailer=kim, order=order, kind="accrual", key="extra", base=0, amount=Decimal("30")
        )
    team_month_close(month=date(2026, 11, 1))  # Jane: 5 % of 100.00 = 5.00 override
    client.force_login(staff_in("Compliance"))
    url = "/admin/team/monthclose/income-disclosure/?year=2026"
    page = client.get(url, HTTP_HOST=COMPANY_HOST)
    assert page.status_code == 200
    text = page.content.decode()
    # Jane 5.00, Kim 30.00, Lou 0.00, and the fixtures' alice and bob (placed under the
    # company by the close) 0.00 each.
    assert "<td>Retailer</td><td>5</td><td>2</td><td>40.0 %</td>" in text
    assert "<td>$7.00</td><td>$0.00</td><td>$30.00</td>" in text
    csv = client.get(url + "&format=csv", HTTP_HOST=COMPANY_HOST)
    assert csv["Content-Type"] == "text/csv"
    assert "2026,Retailer,5,2,40.0 %,7.00,0.00,30.00" in csv.content.decode()


def test_income_disclosure_is_refused_to_support(client, team_plan):
    client.force_login(staff_in("Support"))
    response = client.get("/admin/team/monthclose/income-disclosure/", HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 403


def test_compliance_moves_a_retailer_in_the_admin_with_a_reason(client, team_plan):
    jane, zed = member("Jane"), member("Zed")
    kim = member("Kim", jane)
    client.force_login(staff_in("Compliance"))
    response = client.post(
        "/admin/team/sponsorchange/add/",
        {
            "retailer_number": kim.retailer_number,
            "new_sponsor_number": zed.retailer_number,
            "reason": "Sponsor error at enrolment (ticket 42)",
        },
        HTTP_HOST=COMPANY_HOST,
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert TeamMember.objects.get(pk=kim.pk).sponsor_id == zed.pk
    change = SponsorChange.objects.get()
    assert change.reason == "Sponsor error at enrolment (ticket 42)"


def test_finance_cannot_move_sponsors(client, team_plan):
    jane, zed = member("Jane"), member("Zed")
    kim = member("Kim", jane)
    client.force_login(staff_in("Finance"))
    response = client.post(
        "/admin/team/sponsorchange/add/",
        {
            "retailer_number": kim.retailer_number,
            "new_sponsor_number": zed.retailer_number,
            "reason": "x",
        },
        HTTP_HOST=COMPANY_HOST,
    )
    assert response.status_code == 403
    assert TeamMember.objects.get(pk=kim.pk).sponsor_id == jane.pk


def test_override_lines_in_the_ledger_admin_and_reassigning_one_is_refused(client, team_plan):
    jane = member("Jane")
    kim = member("Kim", jane)
    sale(jane, "200.00")
    sale(kim, "100.00")
    team_month_close(month=date(2026, 11, 1))
    line = CommissionEntry.objects.get(kind="override")
    assert line.order_id is None
    client.force_login(staff_in("Finance"))
    listing = client.get("/admin/earnings/commissionentry/", HTTP_HOST=COMPANY_HOST)
    assert listing.status_code == 200 and "Team override" in listing.content.decode()
    response = client.post(
        "/admin/earnings/commissionentry/",
        {
            "action": "reassign_order",
            "_selected_action": [line.pk],
            "apply": "1",
            "to_retailer": kim.pk,
            "reason": "Ticket 9",
        },
        HTTP_HOST=COMPANY_HOST,
        follow=True,
    )
    assert response.status_code == 200
    assert "has no order: nothing to reassign" in response.content.decode()
    assert CommissionEntry.objects.filter(kind__startswith="reassign").count() == 0
