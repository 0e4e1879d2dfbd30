"""Newsletter sign-up: age screen, double opt-in, consent records, rate limit, no cookies."""

import re

import pytest
from django.utils import timezone

from privacy.age import UNDER_AGE_MESSAGE
from privacy.marketing.models import ConsentRecord, Subscriber, Subscription, Suppression
from privacy.marketing.services import consent_text
from shopsocial.mail.models import OutboundEmail
from tests.conftest import ALICE_HOST, COMPANY_HOST

pytestmark = pytest.mark.django_db

ADULT = timezone.localdate().year - 30
CHILD = timezone.localdate().year - 10


def _signup(client, host, email="Pat@Example.com ", birth_year=ADULT):
    return client.post("/newsletter/", {"email": email, "birth_year": birth_year}, HTTP_HOST=host)


def _confirm_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/newsletter/confirm/[^/\s]+/)", message.body).group(1)


def test_signup_page_is_served_on_every_host_and_sets_no_cookie(client, company, alice):
    for host in (COMPANY_HOST, ALICE_HOST):
        response = client.get("/newsletter/", HTTP_HOST=host)
        assert response.status_code == 200
        assert b'action="/newsletter/"' in response.content
        assert consent_text().encode() in b" ".join(response.content.split())
        assert "csrftoken" not in response.cookies
        assert not response.cookies


def test_storefront_signup_records_the_storefront_and_the_consent_shown(
    client, alice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _signup(client, ALICE_HOST)
    assert response.status_code == 200
    assert b"Check your email" in response.content
    assert not response.cookies

    subscriber = Subscriber.objects.get()
    assert subscriber.email == "pat@example.com"
    assert subscriber.status == Subscriber.Status.PENDING
    subscription = Subscription.objects.get()
    assert subscription.retailer == alice
    assert subscription.confirmed_at is None
    consent = ConsentRecord.objects.get()
    assert consent.action == ConsentRecord.Action.SIGNED_UP
    assert consent.retailer == alice
    assert consent.host == ALICE_HOST
    assert consent.path == "/newsletter/"
    assert consent.consent_text == consent_text()
    assert "advertising" in consent.consent_text

    # The only email is the confirmation link, on the storefront the sign-up came from.
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["pat@example.com"]
    assert mailoutbox[0].subject == "Please confirm your Shop Social Scenes LLC newsletter sign-up"
    assert f"http://{ALICE_HOST}/newsletter/confirm/" in mailoutbox[0].body
    assert OutboundEmail.objects.get().kind == OutboundEmail.Kind.TRANSACTIONAL


def test_double_opt_in_get_does_not_confirm_post_does(
    client, alice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _signup(client, ALICE_HOST)
    path = _confirm_path(mailoutbox[0])

    response = client.get(path, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 200
    assert b"Confirm" in response.content
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING

    response = client.post(path, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 200
    assert b"You're signed up" in response.content
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert Subscription.objects.get().confirmed_at is not None
    assert list(ConsentRecord.objects.values_list("action", flat=True)) == [
        ConsentRecord.Action.SIGNED_UP,
        ConsentRecord.Action.CONFIRMED,
    ]
    assert len(mailoutbox) == 1  # nothing marketing was sent, before or after


def test_unconfirmed_subscriber_gets_no_campaign(
    client, alice, campaign, mailoutbox, django_capture_on_commit_callbacks
):
    from privacy.marketing.services import campaign_start

    with django_capture_on_commit_callbacks(execute=True):
        _signup(client, ALICE_HOST)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        campaign_start(campaign_id=campaign.pk)
    assert mailoutbox == []
    assert campaign.recipients.count() == 0


def test_altered_confirmation_link_is_refused(
    client, alice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _signup(client, ALICE_HOST)
    path = _confirm_path(mailoutbox[0])
    forged = path.replace("/confirm/", "/confirm/9").rstrip("/") + "x/"
    response = client.post(forged, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 404
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_under_13_is_refused_kindly_and_nothing_is_stored(
    client, alice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _signup(client, ALICE_HOST, email="kid@example.com", birth_year=CHILD)
    assert response.status_code == 200
    assert UNDER_AGE_MESSAGE.replace("'", "&#x27;").encode() in response.content
    assert b"kid@example.com" not in response.content
    assert Subscriber.objects.count() == 0
    assert ConsentRecord.objects.count() == 0
    assert OutboundEmail.objects.count() == 0
    assert mailoutbox == []


def test_bad_email_gets_a_message_and_keeps_what_was_typed(client, company):
    response = _signup(client, COMPANY_HOST, email="not-an-email", birth_year=ADULT)
    assert response.status_code == 400
    assert b"Enter a valid email address." in response.content
    assert b'value="not-an-email"' in response.content
    assert f'value="{ADULT}"'.encode() in response.content
    assert Subscriber.objects.count() == 0


def test_company_site_signup_records_the_company(client, company):
    response = _signup(client, COMPANY_HOST)
    assert response.status_code == 200
    assert Subscription.objects.get().retailer == company


def test_signing_up_again_does_not_reveal_whether_the_address_is_known(
    client, alice, make_subscriber
):
    make_subscriber("pat@example.com", alice)
    response = _signup(client, ALICE_HOST)
    assert response.status_code == 200
    assert b"Check your email" in response.content
    assert Subscriber.objects.count() == 1
    assert OutboundEmail.objects.count() == 0  # already confirmed there: no new link


def test_signup_is_rate_limited_per_address(client, alice):
    for email in ("pat@example.com", " PAT@example.com", "Pat@Example.com"):
        assert _signup(client, ALICE_HOST, email=email).status_code == 200
    response = _signup(client, ALICE_HOST)
    assert response.status_code == 429
    assert b"Too many sign-ups" in response.content
    assert b"Pat@Example.com" in response.content  # what was typed is shown again
    assert ConsentRecord.objects.count() == 3


def test_confirming_a_fresh_sign_up_lifts_an_earlier_opt_out(
    client, alice, mailoutbox, django_capture_on_commit_callbacks
):
    Suppression.objects.create(
        email="pat@example.com", reason=Suppression.Reason.UNSUBSCRIBED, source="test"
    )
    with django_capture_on_commit_callbacks(execute=True):
        _signup(client, ALICE_HOST)
    assert Suppression.objects.count() == 1  # signing up alone changes nothing
    client.post(_confirm_path(mailoutbox[0]), HTTP_HOST=ALICE_HOST)
    assert Suppression.objects.count() == 0
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


def test_cross_site_signup_post_is_refused_and_nothing_is_stored(alice):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        "/newsletter/",
        {"email": "pat@example.com", "birth_year": ADULT},
        HTTP_HOST=ALICE_HOST,
        HTTP_ORIGIN="https://evil.example",
        HTTP_SEC_FETCH_SITE="cross-site",
    )
    assert response.status_code == 403
    assert Subscriber.objects.count() == 0


def test_same_origin_signup_post_needs_no_token_or_cookie(alice):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        "/newsletter/",
        {"email": "pat@example.com", "birth_year": ADULT},
        HTTP_HOST=ALICE_HOST,
        HTTP_ORIGIN=f"http://{ALICE_HOST}",
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 200
    assert not response.cookies
    assert Subscriber.objects.count() == 1


def test_sign_ups_never_confirmed_are_forgotten_after_30_days(alice, make_subscriber):
    from datetime import timedelta

    from privacy.marketing.tasks import subscribers_purge_unconfirmed_task

    old = make_subscriber("old@example.com", alice, confirmed=False)
    make_subscriber("new@example.com", alice, confirmed=False)
    make_subscriber("kept@example.com", alice)
    Subscriber.objects.filter(email__in=["old@example.com", "kept@example.com"]).update(
        created_at=timezone.now() - timedelta(days=31)
    )
    ConsentRecord.objects.create(subscriber=old, retailer=alice, action="signed_up")
    assert subscribers_purge_unconfirmed_task.apply().get() == 1
    assert sorted(Subscriber.objects.values_list("email", flat=True)) == [
        "kept@example.com",
        "new@example.com",
    ]
    assert ConsentRecord.objects.count() == 0


def test_the_signup_box_never_shows_another_forms_values(rf):
    from django import forms
    from django.template.loader import render_to_string

    class CheckoutForm(forms.Form):
        email = forms.EmailField()

    html = render_to_string(
        "marketing/partials/signup.html", {"form": CheckoutForm({"email": "buyer@example.com"})}
    )
    assert "buyer@example.com" not in html
    assert 'value=""' in html


def test_signup_is_rate_limited_per_client(client, alice):
    for n in range(10):
        response = _signup(client, ALICE_HOST, email=f"p{n}@example.com")
        assert response.status_code == 200
    response = _signup(client, ALICE_HOST, email="p10@example.com")
    assert response.status_code == 429
    assert Subscriber.objects.count() == 10
