"""Party guest list: adding guests (one invitation each), RSVP without an account, and a
one-click "don't contact me about parties" honoured everywhere."""

from __future__ import annotations

import pytest

from privacy.marketing.models import Suppression
from privacy.marketing.selectors import email_is_suppressed
from shopsocial.mail.models import OutboundEmail
from storefront.scenes.guest_services import guest_token, scene_guest_add
from storefront.scenes.models import SceneGuest
from storefront.scenes.services import SceneError
from tests.conftest import ALICE_HOST, COMPANY_HOST
from tests.retailers.conftest import sign_in

from .conftest import PASSWORD
from .test_backoffice import post

pytestmark = pytest.mark.django_db


@pytest.fixture
def bo(client, owner):
    assert sign_in(client, owner, PASSWORD).status_code == 302
    return client


def _add(bo, scene, name, email):
    return post(bo, f"/backoffice/scenes/{scene.pk}/guests/", {"name": name, "email": email})


def test_the_retailer_adds_three_guests_and_each_gets_one_invitation(
    bo, scene, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for name, email in (
            ("Ana Lopez", "ana@example.com"),
            ("Ben Ito", "BEN@example.com "),
            ("Cy Park", "cy@example.com"),
        ):
            assert _add(bo, scene, name, email).status_code == 302
        # Adding Ana again sends nothing and says so.
        _add(bo, scene, "Ana Lopez", "ana@example.com")
    assert sorted(g.email for g in SceneGuest.objects.all()) == [
        "ana@example.com",
        "ben@example.com",
        "cy@example.com",
    ]
    assert len(mailoutbox) == 3
    mail = next(m for m in mailoutbox if m.to == ["ana@example.com"])
    assert mail.subject == f"Emma invites you to Candle Night on {scene.date.isoformat()}"
    assert "Alice's Attic" in mail.body
    assert f"http://{ALICE_HOST}/s/{scene.code}/" in mail.body
    assert f"http://{ALICE_HOST}/s/{scene.code}/rsvp/" in mail.body
    assert f"http://{ALICE_HOST}/s/{scene.code}/no-parties/" in mail.body
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/no-parties/" in mail.extra_headers["List-Unsubscribe"]
    assert "Privacy Policy" in mail.body and mail.alternatives
    assert OutboundEmail.objects.filter(template="scene_invitation").count() == 3
    page = bo.get(f"/backoffice/scenes/{scene.pk}/", HTTP_HOST=COMPANY_HOST).content.decode()
    assert "3 invited" in page and "No answer yet: Ana, Ben, Cy" in page
    assert "ana@example.com" not in page


def test_rsvp_needs_no_account_and_the_retailer_sees_counts_and_first_names(
    client, bo, scene, django_capture_on_commit_callbacks
):
    guest = scene_guest_add(
        scene=scene, name="Ana Lopez", email="ana@example.com", added_by="retailer"
    )
    path = f"/s/{scene.code}/rsvp/{guest_token(guest)}/"
    page = client.get(path, HTTP_HOST=ALICE_HOST)
    assert page.status_code == 200 and "Will you come, Ana?" in page.content.decode()
    guest.refresh_from_db()
    assert guest.rsvp == ""  # a GET records nothing
    answered = client.post(path, {"answer": "yes"}, HTTP_HOST=ALICE_HOST)
    assert answered.status_code == 200
    assert "your answer is “Yes”" in answered.content.decode()
    guest.refresh_from_db()
    assert guest.rsvp == "yes" and guest.rsvp_at is not None
    assert client.post(path, {"answer": "whatever"}, HTTP_HOST=ALICE_HOST).status_code == 400
    guest.refresh_from_db()
    assert guest.rsvp == "yes"
    html = bo.get(f"/backoffice/scenes/{scene.pk}/", HTTP_HOST=COMPANY_HOST).content.decode()
    assert "<strong>1</strong> yes" in html and "Yes: Ana" in html and "Lopez" not in html


def test_a_forged_or_other_scenes_token_is_a_404(client, scene, bob_scene):
    guest = scene_guest_add(scene=scene, name="Ana", email="ana@example.com", added_by="retailer")
    token = guest_token(guest)
    assert client.get(f"/s/{scene.code}/rsvp/1-forged/", HTTP_HOST=ALICE_HOST).status_code == 404
    assert client.get(f"/s/{bob_scene.code}/rsvp/{token}/", HTTP_HOST=ALICE_HOST).status_code == 404


def test_dont_contact_me_is_one_click_and_honoured_everywhere(
    client, bo, scene, owner, mailoutbox, django_capture_on_commit_callbacks
):
    from storefront.scenes import services

    guest = scene_guest_add(scene=scene, name="Ana", email="ana@example.com", added_by="retailer")
    path = f"/s/{scene.code}/no-parties/{guest_token(guest)}/"
    assert client.get(path, HTTP_HOST=ALICE_HOST).status_code == 200
    assert not email_is_suppressed("ana@example.com")  # a GET never opts out
    # RFC 8058: the provider POSTs with no cookie and no CSRF token.
    response = client.post(
        path,
        {"List-Unsubscribe": "One-Click"},
        HTTP_HOST=ALICE_HOST,
        HTTP_ORIGIN="https://mail.example",
    )
    assert response.status_code == 200
    assert Suppression.objects.get(email="ana@example.com").source == "parties-one-click"
    # Honoured everywhere: no other party (any retailer) can invite her, nor marketing reach her.
    other = services.scene_create(
        retailer=owner,
        **{
            **{
                k: getattr(scene, k)
                for k in ("host_name", "host_email", "date", "closes_on", "delivery")
            },
            "title": "Another",
        },
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        refused = _add(bo, other, "Ana", "ANA@example.com")
    assert refused.status_code == 302
    assert SceneGuest.objects.filter(scene=other).count() == 0
    assert mailoutbox == []
    with pytest.raises(SceneError, match="asked us not to contact them"):
        scene_guest_add(scene=other, name="Ana", email="ana@example.com", added_by="host")


def test_a_closed_party_takes_no_guests_and_no_rsvp(client, scene):
    from storefront.scenes import services

    guest = scene_guest_add(scene=scene, name="Ana", email="ana@example.com", added_by="retailer")
    services.scene_close(scene=scene)
    scene.refresh_from_db()
    with pytest.raises(SceneError):
        scene_guest_add(scene=scene, name="Ben", email="ben@example.com", added_by="retailer")
    path = f"/s/{scene.code}/rsvp/{guest_token(guest)}/"
    assert client.post(path, {"answer": "yes"}, HTTP_HOST=ALICE_HOST).status_code == 400


def test_another_retailer_cannot_add_guests_to_alices_party(client, scene, bob):
    from tests.earnings.conftest import with_login

    bob_owner = with_login(bob, "bob_scenes")
    assert sign_in(client, bob_owner, PASSWORD).status_code == 302
    response = post(
        client, f"/backoffice/scenes/{scene.pk}/guests/", {"name": "X", "email": "x@example.com"}
    )
    assert response.status_code == 404
    assert SceneGuest.objects.count() == 0


def test_bad_input_adds_nobody(bo, scene):
    response = _add(bo, scene, "", "not-an-email")
    assert response.status_code == 302
    assert SceneGuest.objects.count() == 0


def test_the_host_adds_a_guest_through_the_signed_host_page_and_sees_counts(
    client, scene, mailoutbox, django_capture_on_commit_callbacks
):
    from storefront.scenes.services import host_token

    host = f"/s/{scene.code}/host/{host_token(scene)}/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            host + "guests/",
            {"name": "Finn Host-Friend", "email": "finn@example.com"},
            HTTP_HOST=ALICE_HOST,
        )
    assert response.status_code == 302 and response["Location"] == host + "#guest-list"
    guest = SceneGuest.objects.get()
    assert (guest.added_by, guest.first_name) == ("host", "Finn")
    assert [m.to for m in mailoutbox] == [["finn@example.com"]]
    scene_guest_rsvp_yes = client.post(
        f"/s/{scene.code}/rsvp/{guest_token(guest)}/", {"answer": "yes"}, HTTP_HOST=ALICE_HOST
    )
    assert scene_guest_rsvp_yes.status_code == 200
    page = client.get(host, HTTP_HOST=ALICE_HOST).content.decode()
    assert "1 invited" in page and "Coming: Finn" in page and "finn@example.com" not in page


def test_a_forged_host_token_adds_nobody(client, scene):
    response = client.post(
        f"/s/{scene.code}/host/forged/guests/",
        {"name": "X", "email": "x@example.com"},
        HTTP_HOST=ALICE_HOST,
    )
    assert response.status_code == 404
    assert SceneGuest.objects.count() == 0


def test_my_data_exports_and_erases_a_persons_places_on_guest_lists(scene):
    from django.contrib.auth import get_user_model

    from privacy.services.personal_data import personal_data_erase, personal_data_export
    from tests.accounts.support import email_verified_set

    scene_guest_add(scene=scene, name="Ana Lopez", email="ana@example.com", added_by="retailer")
    scene_guest_add(scene=scene, name="Ben", email="ben@example.com", added_by="retailer")
    ana = get_user_model().objects.create_user(username="ana", email="ana@example.com")
    email_verified_set(ana)
    [row] = personal_data_export(user=ana)["party_guest_lists"]
    assert (row["party"], row["name"], row["rsvp"]) == ("Candle Night", "Ana Lopez", "")
    personal_data_erase(user=ana)
    assert list(SceneGuest.objects.values_list("email", flat=True)) == ["ben@example.com"]
