"""Breach notification: one notice per affected address, sent once, retried, never lost;
an in-site notice until acknowledged; deadline tracking and alerts."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from privacy.business_days import add_business_days
from privacy.models import BreachIncident, BreachNotification
from privacy.selectors import breach_progress
from privacy.services import (
    breach_deadline_alerts_send,
    breach_incident_notify,
    breach_notifications_send_batch,
)
from privacy.services.breach import breach_notifications_resume
from shopsocial.mail.models import OutboundEmail
from tests.conftest import ALICE_HOST, BOB_HOST, COMPANY_HOST
from tests.privacy.backends import FlakyBackend
from tests.retailers.conftest import sign_in
from tests.uploads import breach_incident_admin_add

pytestmark = pytest.mark.django_db

BANNER = "Important: a security incident may have affected your information"


@pytest.fixture(autouse=True)
def _tenants(company, alice, bob):
    return None


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def flaky(settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.privacy.backends.FlakyBackend"}}
    FlakyBackend.failures_left = {}
    yield FlakyBackend.failures_left
    FlakyBackend.failures_left = {}


def _incident(scope=BreachIncident.Scope.EMAIL_LIST, emails=None, **extra):
    incident = BreachIncident(
        title="Shipping label printer exposed",
        discovered_at=extra.pop("discovered_at", timezone.now()),
        description="A misconfigured label printer server was reachable from the internet.",
        data_involved="Names and shipping addresses.",
        scope=scope,
        **extra,
    )
    if emails is not None:
        incident.email_list.save(
            "list.csv", SimpleUploadedFile("list.csv", emails.encode()), save=False
        )
    incident.save()
    return incident


def _notify(incident, capture):
    with capture(execute=True):
        return breach_incident_notify(incident=incident)


def test_notify_creates_one_notification_per_address_deduplicated(
    mailoutbox, django_capture_on_commit_callbacks
):
    incident = _incident(
        emails="email\nann@example.com\nANN@Example.com \nbob@example.com\n\nann@example.com\n"
    )
    created = _notify(incident, django_capture_on_commit_callbacks)
    assert created == 2
    assert sorted(incident.notifications.values_list("email", flat=True)) == [
        "ann@example.com",
        "bob@example.com",
    ]
    assert sorted(m.to[0] for m in mailoutbox) == ["ann@example.com", "bob@example.com"]
    message = mailoutbox[0]
    assert (
        message.subject == "Important notice about your information: Shipping label printer exposed"
    )
    assert "A misconfigured label printer server" in message.body
    assert "Names and shipping addresses." in message.body
    assert message.alternatives[0].mimetype == "text/html"
    emails = OutboundEmail.objects.filter(template="breach_notice")
    assert {e.kind for e in emails} == {"legal"}
    assert {e.status for e in emails} == {"sent"}
    assert {e.dedupe_key for e in emails} == {
        f"breach-notice:{n.pk}" for n in incident.notifications.all()
    }
    progress = breach_progress(incident=incident)
    assert (progress.notices, progress.notified, progress.failed, progress.unnotified) == (
        2,
        2,
        0,
        0,
    )


def test_a_notice_is_never_sent_twice(mailoutbox, django_capture_on_commit_callbacks):
    incident = _incident(emails="ann@example.com\nbob@example.com\n")
    _notify(incident, django_capture_on_commit_callbacks)
    ids = list(incident.notifications.values_list("pk", flat=True))
    # Replays: the same batch again, Notify again, the periodic resume.
    assert breach_notifications_send_batch(notification_ids=ids) == []
    assert _notify(incident, django_capture_on_commit_callbacks) == 0
    with django_capture_on_commit_callbacks(execute=True):
        breach_notifications_resume()
    assert len(mailoutbox) == 2
    assert incident.notifications.count() == 2
    assert OutboundEmail.objects.filter(template="breach_notice").count() == 2


def _retry_task(notification_ids, monkeypatch):
    """Run the batch task the way a worker does, retries included (eager, not propagating)."""
    from privacy.tasks import breach_notifications_send_batch_task
    from shopsocial.celery import app

    before = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    try:
        return breach_notifications_send_batch_task.apply(args=[notification_ids])
    finally:
        app.conf.task_eager_propagates = before


def test_a_failed_send_is_retried_and_delivered_once(
    flaky, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core import mail

    flaky["bob@example.com"] = 2
    incident = _incident(emails="ann@example.com\nbob@example.com\n")
    _notify(incident, django_capture_on_commit_callbacks)  # bob's first attempt fails
    bob = incident.notifications.get(email="bob@example.com")
    assert [m.to[0] for m in mail.outbox] == ["ann@example.com"]
    assert bob.failed_attempts == 1

    _retry_task([bob.pk], monkeypatch)  # fails once more, then the retry delivers
    bob.refresh_from_db()
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@example.com", "bob@example.com"]
    assert bob.failed_attempts == 2
    assert bob.email_message.status == "sent"
    assert breach_progress(incident=incident).notified == 2


def test_a_notice_that_keeps_failing_is_not_lost(
    flaky, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core import mail

    flaky["bob@example.com"] = 1000
    incident = _incident(emails="ann@example.com\nbob@example.com\n")
    _notify(incident, django_capture_on_commit_callbacks)
    bob = incident.notifications.get(email="bob@example.com")
    _retry_task([bob.pk], monkeypatch)
    bob.refresh_from_db()
    assert bob.email_message.status == "pending"
    assert bob.failed_attempts == 1 + 7  # the first try, then the task and its 6 retries
    progress = breach_progress(incident=incident)
    assert (progress.notified, progress.failed, progress.unnotified) == (1, 1, 1)
    assert [m.to[0] for m in mail.outbox] == ["ann@example.com"]

    flaky["bob@example.com"] = 0  # the provider recovers; the periodic task resumes
    with django_capture_on_commit_callbacks(execute=True):
        breach_notifications_resume()
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@example.com", "bob@example.com"]
    assert breach_progress(incident=incident).notified == 2


def test_breach_notices_go_out_even_to_suppressed_addresses(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.MAIL_SUPPRESSION_CHECK = "tests.privacy.backends.suppress_everyone"
    _notify(_incident(emails="unsubscribed@example.com\n"), django_capture_on_commit_callbacks)
    assert [m.to for m in mailoutbox] == [["unsubscribed@example.com"]]


def test_a_law_enforcement_hold_blocks_notify(mailoutbox, django_capture_on_commit_callbacks):
    from django.core.exceptions import ValidationError

    incident = _incident(emails="ann@example.com\n", law_enforcement_hold=True)
    with pytest.raises(ValidationError):
        _notify(incident, django_capture_on_commit_callbacks)
    incident.refresh_from_db()
    assert incident.notify_started_at is None
    assert BreachNotification.objects.count() == 0
    assert mailoutbox == []


def test_scope_all_shoppers_covers_order_emails_and_shopper_accounts(
    alice, bob, make_order, shopper, make_user, django_capture_on_commit_callbacks
):
    make_order(alice, email="Guest@Example.com")
    make_order(bob, email="guest@example.com")
    make_order(alice, email="sam@example.com", customer=shopper)
    make_user("staffer", "staff@shop.test", is_staff=True)
    owner = make_user("owner", "owner@alice.test")
    alice.user = owner
    alice.save(update_fields=["user"])
    incident = _incident(scope=BreachIncident.Scope.ALL_SHOPPERS)
    assert _notify(incident, django_capture_on_commit_callbacks) == 2
    assert sorted(incident.notifications.values_list("email", flat=True)) == [
        "guest@example.com",
        "sam@example.com",
    ]


def test_scope_retailers_all_and_selected(alice, bob, django_capture_on_commit_callbacks):
    alice.email, bob.email = "alice@retail.test", "bob@retail.test"
    alice.save(update_fields=["email"])
    bob.save(update_fields=["email"])
    everyone = _incident(scope=BreachIncident.Scope.ALL_RETAILERS)
    _notify(everyone, django_capture_on_commit_callbacks)
    assert sorted(everyone.notifications.values_list("email", flat=True)) == [
        "alice@retail.test",
        "bob@retail.test",
    ]
    selected = _incident(scope=BreachIncident.Scope.SELECTED_RETAILERS)
    selected.selected_retailers.set([bob])
    _notify(selected, django_capture_on_commit_callbacks)
    assert list(selected.notifications.values_list("email", flat=True)) == ["bob@retail.test"]


def test_scope_orders_in_a_date_range(alice, make_order, django_capture_on_commit_callbacks):
    from orders.models import Order

    inside = make_order(alice, email="inside@example.com")
    outside = make_order(alice, email="outside@example.com")
    Order.objects.filter(pk=inside.pk).update(created_at=timezone.now() - timedelta(days=10))
    Order.objects.filter(pk=outside.pk).update(created_at=timezone.now() - timedelta(days=40))
    today = timezone.localdate()
    incident = _incident(
        scope=BreachIncident.Scope.ORDER_DATE_RANGE,
        orders_from=today - timedelta(days=20),
        orders_to=today - timedelta(days=5),
    )
    _notify(incident, django_capture_on_commit_callbacks)
    assert list(incident.notifications.values_list("email", flat=True)) == ["inside@example.com"]


# --- In-site notice -------------------------------------------------------------
def test_an_affected_shopper_sees_the_banner_on_every_page_until_acknowledging(
    client, shopper, other_shopper, django_capture_on_commit_callbacks
):
    incident = _incident(emails="SAM@example.com\n")
    _notify(incident, django_capture_on_commit_callbacks)
    notice = incident.notifications.get()

    client.force_login(other_shopper)
    assert BANNER not in client.get("/", HTTP_HOST=ALICE_HOST).text
    # Someone else's notice cannot be acknowledged.
    response = client.post(f"/privacy/notices/{notice.pk}/acknowledge/", HTTP_HOST=ALICE_HOST)
    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.acknowledged_at is None

    client.force_login(shopper)
    for host, path in [(ALICE_HOST, "/"), (BOB_HOST, "/privacy/"), (COMPANY_HOST, "/contact/")]:
        page = client.get(path, HTTP_HOST=host)
        assert BANNER in page.text, (host, path)
        assert "Shipping label printer exposed" in page.text
        assert f'action="/privacy/notices/{notice.pk}/acknowledge/"' in page.text

    response = client.post(
        f"/privacy/notices/{notice.pk}/acknowledge/", {"next": "/privacy/"}, HTTP_HOST=ALICE_HOST
    )
    assert response.status_code == 303
    assert response["Location"] == "/privacy/"
    notice.refresh_from_db()
    assert notice.acknowledged_by == shopper
    assert notice.acknowledged_at is not None
    assert BANNER not in client.get("/", HTTP_HOST=ALICE_HOST).text
    assert breach_progress(incident=incident).acknowledged == 1


def test_a_retailer_sees_the_banner_through_the_shops_contact_email(
    client, alice, make_user, django_capture_on_commit_callbacks
):
    owner = make_user("owner", "personal@example.com")
    alice.user = owner
    alice.email = "shop@alice.test"
    alice.save(update_fields=["user", "email"])
    _notify(_incident(scope=BreachIncident.Scope.ALL_RETAILERS), django_capture_on_commit_callbacks)
    client.force_login(owner)
    assert BANNER in client.get("/", HTTP_HOST=COMPANY_HOST).text


def test_a_shops_contact_email_does_not_unlock_a_notice_sent_to_that_address_as_a_person(
    client, alice, make_user, django_capture_on_commit_callbacks
):
    # Anyone can type any address into Contact Information: it is not proof of owning it,
    # so it shows only notices that went to retailers as retailers.
    owner = make_user("owner", "personal@example.com")
    alice.user = owner
    alice.email = "victim@example.com"
    alice.save(update_fields=["user", "email"])
    _notify(_incident(emails="victim@example.com\n"), django_capture_on_commit_callbacks)
    client.force_login(owner)
    assert BANNER not in client.get("/", HTTP_HOST=COMPANY_HOST).text


def test_a_retailer_sees_the_banner_in_the_back_office(
    client, alice_owner, django_capture_on_commit_callbacks
):
    incident = _incident(scope=BreachIncident.Scope.SELECTED_RETAILERS)
    incident.selected_retailers.add(alice_owner)
    _notify(incident, django_capture_on_commit_callbacks)
    assert sign_in(client, alice_owner).status_code == 302
    back_office = client.get("/backoffice/", HTTP_HOST=COMPANY_HOST)
    assert back_office.status_code == 200
    assert BANNER in back_office.text


def test_anonymous_visitors_see_no_banner_and_cannot_acknowledge(
    client, django_capture_on_commit_callbacks
):
    incident = _incident(emails="sam@example.com\n")
    _notify(incident, django_capture_on_commit_callbacks)
    assert BANNER not in client.get("/", HTTP_HOST=ALICE_HOST).text
    notice = incident.notifications.get()
    response = client.post(f"/privacy/notices/{notice.pk}/acknowledge/", HTTP_HOST=ALICE_HOST)
    assert response.status_code == 302  # to sign-in
    notice.refresh_from_db()
    assert notice.acknowledged_at is None


def test_acknowledging_never_redirects_off_site(
    client, shopper, django_capture_on_commit_callbacks
):
    incident = _incident(emails="sam@example.com\n")
    _notify(incident, django_capture_on_commit_callbacks)
    client.force_login(shopper)
    response = client.post(
        f"/privacy/notices/{incident.notifications.get().pk}/acknowledge/",
        {"next": "https://evil.example/"},
        HTTP_HOST=ALICE_HOST,
    )
    assert response["Location"] == "/"


# --- Deadline alerts ------------------------------------------------------------
def _discovered_days_ago(business_days_left: int):
    """A discovery time whose deadline is `business_days_left` business days from today."""
    today = timezone.localdate()
    day = today
    while add_business_days(day, 7) > add_business_days(today, business_days_left):
        day -= timedelta(days=1)
    return timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))


def test_compliance_staff_are_alerted_two_business_days_before_the_deadline(
    settings, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    settings.PRIVACY_COMPLIANCE_EMAILS = ["dpo@shop.test"]
    officer = make_user("officer", "officer@shop.test")
    officer.groups.add(Group.objects.get_or_create(name="Compliance")[0])
    _incident(emails="ann@example.com\n", discovered_at=_discovered_days_ago(2))
    _incident(emails="ann@example.com\n", discovered_at=_discovered_days_ago(3))
    with django_capture_on_commit_callbacks(execute=True):
        breach_deadline_alerts_send()
        breach_deadline_alerts_send()  # hourly runs: once per day only
    assert sorted(m.to[0] for m in mailoutbox) == ["dpo@shop.test", "officer@shop.test"]
    assert mailoutbox[0].subject.startswith("Breach notice deadline ")
    assert "Notices have NOT been sent yet" in mailoutbox[0].body
    assert "2 business day(s) left" in mailoutbox[0].body


def test_no_alert_once_everyone_is_notified(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.PRIVACY_COMPLIANCE_EMAILS = ["dpo@shop.test"]
    incident = _incident(emails="ann@example.com\n", discovered_at=_discovered_days_ago(1))
    _notify(incident, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        breach_deadline_alerts_send()
    assert mailoutbox == []


# --- Admin ----------------------------------------------------------------------
def test_admin_lists_deadline_progress_and_overdue_incidents_stand_out(
    admin_client, django_capture_on_commit_callbacks
):
    overdue = _incident(
        emails="ann@example.com\n", discovered_at=timezone.now() - timedelta(days=30)
    )
    overdue.title = "Old laptop stolen"
    overdue.save()
    response = admin_client.get("/admin/privacy/breachincident/", HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 200
    assert "OVERDUE" in response.text
    assert "Old laptop stolen" in response.text
    change = admin_client.get(
        f"/admin/privacy/breachincident/{overdue.pk}/change/", HTTP_HOST=COMPANY_HOST
    )
    assert change.status_code == 200
    assert "Saw the in-site notice" in change.text


def test_admin_notify_action_creates_the_notices(
    admin_client, mailoutbox, django_capture_on_commit_callbacks
):
    incident = _incident(emails="ann@example.com\nbob@example.com\n")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/privacy/breachincident/",
            {"action": "notify", "_selected_action": [incident.pk]},
            HTTP_HOST=COMPANY_HOST,
        )
    assert response.status_code == 302
    assert incident.notifications.count() == 2
    assert len(mailoutbox) == 2


def test_admin_records_an_incident_with_an_uploaded_list(admin_client):
    upload = SimpleUploadedFile("list.csv", b"email\nann@example.com\nbob@example.com\n")
    response = breach_incident_admin_add(admin_client, email_list=upload)
    assert response.status_code == 302
    incident = BreachIncident.objects.get()
    assert incident.scope == "email_list"


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        (
            {"email_list": SimpleUploadedFile("l.csv", b"ann@example.com\nnot an email\n")},
            "These lines are not email addresses: line 2",
        ),
        ({"email_list": SimpleUploadedFile("l.csv", b"\xff\xfe\x00")}, "UTF-8"),
        ({}, "Upload the list of affected email addresses."),
        ({"scope": "order_date_range"}, "Give both dates of the order date range."),
        (
            {"scope": "order_date_range", "orders_from": "2026-11-20", "orders_to": "2026-11-01"},
            "The end date is before the start date.",
        ),
        ({"scope": "selected_retailers"}, "Choose the affected retailers."),
        ({"scope": "everyone"}, "Select a valid choice."),
        ({"discovered_at_0": "yesterday"}, "Enter a valid date."),
    ],
)
def test_admin_refuses_bad_incident_input(admin_client, fields, error):
    response = breach_incident_admin_add(admin_client, **fields)
    assert response.status_code == 200
    assert error in response.text
    assert BreachIncident.objects.count() == 0


def test_compliance_staff_can_open_the_breach_admin(client, make_user):
    from django.contrib.auth.models import Group

    officer = make_user("officer2", "officer2@shop.test", is_staff=True)
    officer.groups.add(Group.objects.get(name="Compliance"))
    client.force_login(officer)
    response = client.get("/admin/privacy/breachincident/add/", HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 200
    assert client.get("/admin/privacy/ticket/", HTTP_HOST=COMPANY_HOST).status_code == 200
