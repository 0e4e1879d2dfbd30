"""CSRF, the whole matrix: Origin × Sec-Fetch-Site × Referer × token, on three kinds of form.

- Browser signals (Origin, Sec-Fetch-Site) decide storefront and back-office POSTs
  (django-modern-csrf), so those pages need no token and set no cookie.
- A POST with neither signal is not waved through: Django's check decides
  (same-origin Referer over HTTPS, then the token).
- The admin keeps Django's token check whatever the headers say; headers can only
  refuse an admin POST earlier.
"""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from privacy.tracking import OPT_OUT_COOKIE
from tests.conftest import ALICE_HOST, COMPANY_HOST
from tests.security.conftest import _backoffice_sign_in

pytestmark = pytest.mark.django_db

TOKEN = "CsrfMatrixToken0123456789abcdefg"  # 32 characters, Django's unmasked secret form
ORIGINS = (None, "same", "cross")
FETCH_SITES = (None, "same-origin", "same-site", "cross-site", "none")
REFERERS = (None, "same", "cross")
TOKENS = (False, True)

FORMS = {
    # kind: (host, path, data)
    "storefront": (ALICE_HOST, "/privacy/analytics/", {"choice": "opt_out"}),
    "backoffice": (COMPANY_HOST, "/backoffice/storefront/", {"display_name": "Alice's Attic"}),
    "admin": (COMPANY_HOST, "/admin/auth/group/add/", {"name": "CSRF probe"}),
}


def expected_accepted(kind: str, origin, fetch_site, referer, token: bool) -> bool:
    if origin is None and fetch_site is None:
        return referer == "same" and token  # no browser signal: Django's check
    verified = origin == "same"
    if fetch_site is not None:
        headers_ok = fetch_site in ("same-origin", "none") or verified
    else:
        headers_ok = verified
    if not headers_ok:
        return False
    if kind != "admin":
        return True
    if origin is not None:
        return verified and token
    return referer == "same" and token


def _client(kind: str, alice) -> Client:
    client = Client(enforce_csrf_checks=True)
    if kind == "backoffice":
        alice.user = get_user_model().objects.create_user("csrf-alice", "csrf-alice@example.com")
        alice.save(update_fields=["user"])
        _backoffice_sign_in(client, alice)
    elif kind == "admin":
        client.force_login(
            get_user_model().objects.create_superuser("csrf-admin", "ca@example.com")
        )
    return client


@pytest.mark.parametrize("fetch_site", FETCH_SITES, ids=lambda v: f"sfs={v}")
@pytest.mark.parametrize("origin", ORIGINS, ids=lambda v: f"origin={v}")
@pytest.mark.parametrize("kind", FORMS)
def test_csrf_decision_matrix(kind, origin, fetch_site, alice):
    host, path, data = FORMS[kind]
    client = _client(kind, alice)
    wrong = []
    for referer, token in itertools.product(REFERERS, TOKENS):
        headers = {}
        if origin:
            headers["HTTP_ORIGIN"] = {"same": f"https://{host}", "cross": "https://evil.example"}[
                origin
            ]
        if fetch_site:
            headers["HTTP_SEC_FETCH_SITE"] = fetch_site
        if referer:
            headers["HTTP_REFERER"] = {
                "same": f"https://{host}/page/",
                "cross": "https://evil.example/page/",
            }[referer]
        body = dict(data)
        client.cookies.pop("csrftoken", None)
        if token:
            client.cookies["csrftoken"] = TOKEN
            body["csrfmiddlewaretoken"] = TOKEN
        response = client.post(path, body, HTTP_HOST=host, secure=True, **headers)
        accepted = response.status_code != 403
        if accepted != expected_accepted(kind, origin, fetch_site, referer, token):
            wrong.append((referer, token, response.status_code))
    assert wrong == [], f"(referer, token, status) decided wrongly for {kind}"


def test_a_signal_less_storefront_post_without_token_changes_nothing(alice):
    response = Client(enforce_csrf_checks=True).post(
        "/privacy/analytics/", {"choice": "opt_out"}, HTTP_HOST=ALICE_HOST, secure=True
    )
    assert response.status_code == 403
    assert OPT_OUT_COOKIE not in response.cookies


def test_a_same_origin_admin_post_without_token_creates_nothing(alice):
    client = _client("admin", alice)
    response = client.post(
        "/admin/auth/group/add/",
        {"name": "CSRF probe"},
        HTTP_HOST=COMPANY_HOST,
        secure=True,
        HTTP_ORIGIN=f"https://{COMPANY_HOST}",
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 403
    assert not Group.objects.filter(name="CSRF probe").exists()
