"""A retailer's email changes only when the new address confirms (issue 30 item 3).

Support could change a retailer's email in the admin; that changed the login's email
at once, told nobody, and the back-office password reset then went to the new address.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from retailers.models import Retailer, RetailerAuditEvent, RetailerEmailChange
from retailers.services import retailer_password_change
from tests.conftest import COMPANY_HOST

pytestmark = pytest.mark.django_db

NEW = "new.alice@example.com"
RESET_PATH = "/backoffice/password-reset/"


def _link(mail) -> str:
    path = re.search(r"https?://[^/\s]+(/backoffice/email/confirm/[^/\s]+/)", mail.body)
    assert path, mail.body
    return path.group(1)


def _support_client() -> tuple[Client, object]:
    user = get_user_model().objects.create_user(
        "staff-support-x", "support-x@staff.example", "Staff-Pass-123!", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Support"))
    client = Client()
    client.force_login(user)
    return client, user


def _admin_change_data(retailer: Retailer, **changes) -> dict:
    data = {
        "display_name": retailer.display_name,
        "legal_name": retailer.legal_name,
        "address_line1": retailer.address_line1,
        "address_line2": retailer.address_line2,
        "city": retailer.city,
        "state": retailer.state,
        "postal_code": retailer.postal_code,
        "email": retailer.email,
        "phone": "512-555-0142",
        "domains-TOTAL_FORMS": "0",
        "domains-INITIAL_FORMS": "0",
        "domains-MIN_NUM_FORMS": "0",
        "domains-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_supports_admin_change_of_a_retailers_email_changes_nothing_until_confirmed(
    alice_owner, mailoutbox, django_capture_on_commit_callbacks
):
    client, support = _support_client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/retailers/retailer/{alice_owner.pk}/change/",
            _admin_change_data(alice_owner, email="support-controlled@example.com"),
            HTTP_HOST=COMPANY_HOST,
        )
    assert response.status_code == 302, response.content[:2000]
    alice_owner.refresh_from_db()
    alice_owner.user.refresh_from_db()
    assert alice_owner.email == "alice_owner@example.com"
    assert alice_owner.user.email == "alice_owner@example.com"
    assert sorted(m.to[0] for m in mailoutbox) == [
        "alice_owner@example.com",
        "support-controlled@example.com",
    ]
    told = next(m for m in mailoutbox if m.to == ["alice_owner@example.com"])
    assert "Retailer Services team" in told.body and "s***@example.com" in told.body
    event = RetailerAuditEvent.objects.get(retailer=alice_owner, action="contact_updated")
    assert event.actor == support
    assert "requested" in event.detail


def test_the_back_office_password_reset_still_goes_to_the_old_address(
    alice_owner, client, mailoutbox, django_capture_on_commit_callbacks
):
    from retailers.services import retailer_email_change_request

    support = get_user_model().objects.create_user("s2", "s2@staff.example", "x", is_staff=True)
    retailer_email_change_request(
        retailer=alice_owner, actor=support, new_email="attacker@example.com"
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            RESET_PATH, {"identifier": alice_owner.retailer_number}, HTTP_HOST=COMPANY_HOST
        )
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["alice_owner@example.com"]]


def test_a_confirmation_link_used_by_someone_not_signed_in_as_the_retailer_changes_nothing(
    alice_owner, bob_owner, client, mailoutbox, django_capture_on_commit_callbacks
):
    from retailers.services import retailer_email_change_request

    with django_capture_on_commit_callbacks(execute=True):
        retailer_email_change_request(retailer=alice_owner, actor=None, new_email=NEW)
    link = _link(next(m for m in mailoutbox if m.to == [NEW]))
    anonymous = client.post(link, HTTP_HOST=COMPANY_HOST)
    assert anonymous.status_code == 302 and "/backoffice/signin/" in anonymous["Location"]
    from .conftest import sign_in

    other = Client()
    assert sign_in(other, bob_owner).status_code == 302
    assert other.post(link, HTTP_HOST=COMPANY_HOST).status_code == 404
    alice_owner.refresh_from_db()
    assert alice_owner.email == "alice_owner@example.com"


def test_the_retailer_confirms_signed_in_then_both_emails_change_and_the_old_address_is_told(
    alice_client, alice_owner, mailoutbox, django_capture_on_commit_callbacks
):
    from .test_backoffice_pages import contact_data

    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(
            "/backoffice/contact/", contact_data(email=NEW), HTTP_HOST=COMPANY_HOST
        )
    assert response.status_code == 302
    alice_owner.refresh_from_db()
    assert alice_owner.email == "alice_owner@example.com"
    link = _link(next(m for m in mailoutbox if m.to == [NEW]))
    mailoutbox.clear()
    page = alice_client.get(link, HTTP_HOST=COMPANY_HOST)
    assert page.status_code == 200 and NEW in page.text  # a GET changes nothing
    alice_owner.refresh_from_db()
    assert alice_owner.email == "alice_owner@example.com"
    with django_capture_on_commit_callbacks(execute=True):
        done = alice_client.post(link, HTTP_HOST=COMPANY_HOST)
    assert done.status_code == 302
    alice_owner.refresh_from_db()
    alice_owner.user.refresh_from_db()
    assert (alice_owner.email, alice_owner.user.email) == (NEW, NEW)
    assert [m.to for m in mailoutbox] == [["alice_owner@example.com"]]
    assert "n***@example.com" in mailoutbox[0].body
    assert alice_client.post(link, HTTP_HOST=COMPANY_HOST).status_code == 404  # used
    confirmed = RetailerAuditEvent.objects.filter(
        retailer=alice_owner, detail__startswith="email (confirmed"
    ).get()
    assert confirmed.actor == alice_owner.user


def test_a_newer_request_kills_the_older_link(alice_owner, mailoutbox, alice_client):
    from retailers.services import email_change_from_token, retailer_email_change_request
    from retailers.services.email_change import email_change_token

    first = retailer_email_change_request(retailer=alice_owner, actor=None, new_email=NEW)
    second = retailer_email_change_request(
        retailer=alice_owner, actor=None, new_email="other@example.com"
    )
    assert email_change_from_token(email_change_token(first.pk)) is None
    assert email_change_from_token(email_change_token(second.pk)) == second
    assert email_change_from_token("forged:token") is None


def test_a_password_change_is_mailed_to_the_current_and_the_replaced_address(
    alice_owner, mailoutbox, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    RetailerEmailChange.objects.create(
        retailer=alice_owner,
        old_email="alice.before@example.com",
        new_email=alice_owner.email,
        confirmed_at=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        retailer_password_change(
            retailer=alice_owner, user=alice_owner.user, new_password="Another-Pass-987!"
        )
    assert sorted(m.to[0] for m in mailoutbox) == [
        "alice.before@example.com",
        "alice_owner@example.com",
    ]
    assert all("password" in m.subject.lower() for m in mailoutbox)
    assert all(m.alternatives for m in mailoutbox)  # HTML and text parts
