"""/unsubscribe/<token>/: GET never unsubscribes; POST and RFC 8058 one-click do, at once."""

import pytest
from django.core.signing import Signer
from django.test.client import MULTIPART_CONTENT, encode_multipart

from privacy.marketing import tokens
from privacy.marketing.models import ConsentRecord, Subscriber, Suppression
from shopsocial.mail.models import OutboundEmail
from shopsocial.mail.services import email_enqueue
from tests.conftest import ALICE_HOST, BOB_HOST, COMPANY_HOST

pytestmark = pytest.mark.django_db


@pytest.fixture
def pat(alice, make_subscriber) -> Subscriber:
    return make_subscriber("pat@example.com", alice)


def _path(subscriber) -> str:
    return f"/unsubscribe/{tokens.unsubscribe_token_make(subscriber.pk)}/"


def _assert_unsubscribed(source: str) -> None:
    suppression = Suppression.objects.get()
    assert suppression.email == "pat@example.com"
    assert suppression.reason == Suppression.Reason.UNSUBSCRIBED
    assert suppression.source == source
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED


def test_get_shows_one_button_and_does_not_unsubscribe(client, pat):
    response = client.get(_path(pat), HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 200
    assert response.content.count(b"<button") == 1
    assert b'<form method="post"' in response.content
    assert not response.cookies
    assert Suppression.objects.count() == 0
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


def test_one_click_post_urlencoded_without_cookies_unsubscribes_with_200(cookieless_client, pat):
    response = cookieless_client.post(
        _path(pat),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
        HTTP_HOST=COMPANY_HOST,
    )
    assert response.status_code == 200
    assert "Location" not in response
    assert not response.cookies
    assert not cookieless_client.cookies
    _assert_unsubscribed("one-click")


def test_one_click_post_multipart_without_cookies_unsubscribes_with_200(cookieless_client, pat):
    body = encode_multipart("BoUnDaRy", {"List-Unsubscribe": "One-Click"})
    response = cookieless_client.post(
        _path(pat),
        body,
        content_type="multipart/form-data; boundary=BoUnDaRy",
        HTTP_HOST=COMPANY_HOST,
    )
    assert MULTIPART_CONTENT.startswith("multipart/form-data")
    assert response.status_code == 200
    assert "Location" not in response
    _assert_unsubscribed("one-click")


def test_one_click_works_cross_site_with_no_origin_at_all(cookieless_client, pat):
    # Mail providers post from their own servers: no Origin, or a foreign one.
    response = cookieless_client.post(
        _path(pat),
        {"List-Unsubscribe": "One-Click"},
        HTTP_HOST=COMPANY_HOST,
        HTTP_ORIGIN="https://mail.example.net",
        HTTP_SEC_FETCH_SITE="cross-site",
    )
    assert response.status_code == 200
    _assert_unsubscribed("one-click")


def test_one_click_is_idempotent(cookieless_client, pat):
    for _ in range(3):
        response = cookieless_client.post(
            _path(pat), {"List-Unsubscribe": "One-Click"}, HTTP_HOST=COMPANY_HOST
        )
        assert response.status_code == 200
    assert Suppression.objects.count() == 1
    assert ConsentRecord.objects.filter(action=ConsentRecord.Action.UNSUBSCRIBED).count() == 1


def test_the_button_post_unsubscribes_on_any_storefront_too(client, pat, bob):
    response = client.post(_path(pat), HTTP_HOST=BOB_HOST)
    assert response.status_code == 200
    assert b"You're unsubscribed" in response.content
    _assert_unsubscribed("unsubscribe page")


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # altered signature
        lambda t: "2" + t,  # altered id, same signature
        lambda t: t.split(":")[0],  # no signature at all
        lambda t: Signer(salt="another.purpose").sign(t.split(":")[0]),  # wrong salt
        lambda t: tokens.confirm_token_make(int(t.split(":")[0])),  # a confirm token
    ],
    ids=["altered-signature", "altered-id", "unsigned", "wrong-salt", "confirm-token"],
)
def test_forged_or_altered_tokens_are_refused(cookieless_client, pat, mangle):
    token = mangle(tokens.unsubscribe_token_make(pat.pk))
    response = cookieless_client.post(
        f"/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"}, HTTP_HOST=COMPANY_HOST
    )
    assert response.status_code == 404
    assert Suppression.objects.count() == 0
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


def test_token_for_another_subscriber_only_unsubscribes_that_one(
    cookieless_client, pat, alice, make_subscriber
):
    other = make_subscriber("other@example.com", alice)
    cookieless_client.post(_path(other), {"List-Unsubscribe": "One-Click"}, HTTP_HOST=COMPANY_HOST)
    assert list(Suppression.objects.values_list("email", flat=True)) == ["other@example.com"]
    assert Subscriber.objects.get(pk=pat.pk).status == Subscriber.Status.CONFIRMED


def test_preferences_page_offers_unsubscribe_from_all(client, pat):
    path = f"/newsletter/preferences/{tokens.unsubscribe_token_make(pat.pk)}/"
    response = client.get(path, HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 200
    assert b"Unsubscribe from all" in response.content
    assert b"Alice&#x27;s Attic" in response.content
    assert Suppression.objects.count() == 0

    response = client.post(path, {"action": "unsubscribe_all"}, HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 200
    assert b"You are unsubscribed from all marketing email" in response.content
    _assert_unsubscribed("preferences page")


def test_transactional_and_legal_mail_still_reach_an_opted_out_address(
    pat, cookieless_client, mailoutbox, django_capture_on_commit_callbacks
):
    cookieless_client.post(_path(pat), {"List-Unsubscribe": "One-Click"}, HTTP_HOST=COMPANY_HOST)
    with django_capture_on_commit_callbacks(execute=True):
        for kind in (OutboundEmail.Kind.TRANSACTIONAL, OutboundEmail.Kind.LEGAL):
            email_enqueue(
                kind=kind,
                to="PAT@example.com",
                template="newsletter_confirm",
                context={"confirm_url": "http://x/", "site_name": "x"},
                dedupe_key=f"t-{kind}",
            )
        email_enqueue(
            kind=OutboundEmail.Kind.MARKETING,
            to=" Pat@Example.com",
            template="newsletter_confirm",
            context={"confirm_url": "http://x/", "site_name": "x"},
            dedupe_key="t-marketing",
        )
    statuses = dict(OutboundEmail.objects.values_list("kind", "status"))
    assert statuses == {
        OutboundEmail.Kind.TRANSACTIONAL: OutboundEmail.Status.SENT,
        OutboundEmail.Kind.LEGAL: OutboundEmail.Status.SENT,
        OutboundEmail.Kind.MARKETING: OutboundEmail.Status.SUPPRESSED,
    }
    assert len(mailoutbox) == 2


def test_valid_token_for_an_erased_subscriber_answers_200_and_changes_nothing(
    cookieless_client, pat
):
    path = _path(pat)
    pat.delete()
    response = cookieless_client.post(path, {"List-Unsubscribe": "One-Click"}, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 200
    assert b"not on our mailing list" in response.content
    assert Suppression.objects.count() == 0
