"""The signed-in user's row from process memory (shopsocial/user_cache.py) weakens nothing.

A page view of a signed-in shopper reads no user row once warm; a password change
still signs every other session out at the next request, deactivation and deletion
still end the session, a POST always reads the row, the session's auth hash is still
verified, and no request sees what another set on its user.
"""

from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from shopsocial.versions import version
from tests.conftest import ALICE_HOST

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
NEW_PASSWORD = "N3w-pass-xyz!-long"
SIGNED_IN = "Your orders"


@pytest.fixture
def shopper(alice):
    return get_user_model().objects.create_user("sam@example.com", "sam@example.com", PASSWORD)


def session_store(session_key: str):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def signed_in_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(client: Client) -> str:
    response = client.get("/privacy/", HTTP_HOST=ALICE_HOST)
    assert response.status_code == 200
    return response.text


def user_row_queries(client: Client) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        page(client)
    return [q["sql"] for q in captured if '"auth_user"' in q["sql"]]


def test_a_warm_page_view_of_a_signed_in_shopper_reads_no_user_row(shopper):
    client = signed_in_client(shopper)
    assert SIGNED_IN in page(client)
    with CaptureQueriesContext(connection) as captured:
        assert SIGNED_IN in page(client)
    assert [q["sql"] for q in captured] == []


def test_another_persons_sign_in_keeps_remembered_rows(shopper):
    """Django saves `last_login` at every sign-in: that must not flush every process."""
    other = get_user_model().objects.create_user("kim@example.com", "kim@example.com", PASSWORD)
    client = signed_in_client(shopper)
    page(client)
    before = version("users")
    signed_in_client(other)  # force_login -> user_logged_in -> last_login saved
    assert version("users") == before
    assert user_row_queries(client) == []
    other.set_password(NEW_PASSWORD)
    other.save()  # any other save is a change
    assert version("users") != before


def test_a_password_change_signs_every_other_session_out_at_once(shopper):
    other_device = signed_in_client(shopper)
    changing = signed_in_client(shopper)
    assert SIGNED_IN in page(other_device) and SIGNED_IN in page(other_device)  # remembered
    response = changing.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        HTTP_HOST=ALICE_HOST,
    )
    assert response.status_code == 302
    assert SIGNED_IN in page(changing)  # Django keeps the changing session signed in
    assert SIGNED_IN not in page(other_device)
    assert "Sign in" in page(other_device)  # and its session was flushed, not just hidden


def test_a_password_set_in_another_process_or_a_shell_signs_sessions_out(shopper):
    client = signed_in_client(shopper)
    page(client)
    before = version("users")
    user = get_user_model().objects.get(pk=shopper.pk)  # as a worker or a shell would
    user.set_password(NEW_PASSWORD)
    user.save()
    assert version("users") != before  # the shared version every process checks
    assert SIGNED_IN not in page(client)


@pytest.mark.parametrize("how", ["deactivate", "delete"])
def test_deactivating_or_deleting_the_user_ends_the_session_at_once(shopper, how):
    client = signed_in_client(shopper)
    assert SIGNED_IN in page(client) and SIGNED_IN in page(client)
    if how == "deactivate":
        shopper.is_active = False
        shopper.save()
    else:
        shopper.delete()
    assert SIGNED_IN not in page(client)


def test_a_post_always_reads_the_user_row(shopper):
    client = signed_in_client(shopper)
    assert SIGNED_IN in page(client) and SIGNED_IN in page(client)  # remembered
    # A write that bypasses save() and the version: only the row knows.
    get_user_model().objects.filter(pk=shopper.pk).update(is_active=False)
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/account/password/", {}, HTTP_HOST=ALICE_HOST)
    assert any('"auth_user"' in q["sql"] for q in captured)
    assert response.status_code == 302 and "/account/login/" in response["Location"]
    # That fresh read also dropped what this process remembered: the account pages
    # refuse at once (other processes keep the row until a version bump or at most
    # user_cache.TTL seconds: writes must use save() or call users_changed()).
    orders = client.get("/account/orders/", HTTP_HOST=ALICE_HOST)
    assert orders.status_code == 302 and "/account/login/" in orders["Location"]


def test_a_session_whose_auth_hash_does_not_verify_is_signed_out_even_when_remembered(shopper):
    client = signed_in_client(shopper)
    assert SIGNED_IN in page(client) and SIGNED_IN in page(client)
    session = client.session
    session[HASH_SESSION_KEY] = "0" * len(session[HASH_SESSION_KEY])
    session.save()
    assert SIGNED_IN not in page(client)


def test_a_session_without_an_auth_hash_is_signed_out_even_when_remembered(shopper):
    client = signed_in_client(shopper)
    assert SIGNED_IN in page(client) and SIGNED_IN in page(client)
    session = client.session
    del session[HASH_SESSION_KEY]
    session.save()
    assert SIGNED_IN not in page(client)


def test_a_retailers_email_change_reaches_the_remembered_user_at_once(shopper, alice, rf):
    from retailers.models import Retailer
    from retailers.services import retailer_email_change_confirm, retailer_email_change_request
    from shopsocial.user_cache import user_get

    Retailer.objects.filter(pk=alice.pk).update(user=shopper, email="sam@example.com")
    client = signed_in_client(shopper)
    request = rf.get("/")
    request.session = session_store(session_key=client.session.session_key)
    assert user_get(request).email == "sam@example.com"
    assert user_get(request).email == "sam@example.com"  # remembered
    alice.refresh_from_db()
    # The confirmation writes the user's email with a queryset update (no post_save).
    change = retailer_email_change_request(
        retailer=alice, actor=shopper, new_email="sam.new@example.com"
    )
    retailer_email_change_confirm(change=change, user=shopper)
    assert user_get(request).email == "sam.new@example.com"


def test_each_request_gets_its_own_user_instance(shopper, rf):
    from shopsocial.user_cache import user_get

    client = signed_in_client(shopper)
    page(client)
    request = rf.get("/")
    request.session = session_store(session_key=client.session.session_key)
    first = user_get(request)
    first._perm_cache = {"storefront.everything"}
    first.otp_device = object()
    second = user_get(request)
    assert first.is_authenticated and second.pk == first.pk == shopper.pk
    assert second is not first
    assert not hasattr(second, "_perm_cache") and not hasattr(second, "otp_device")
    assert user_row_queries(client) == []
