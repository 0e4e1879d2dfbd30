"""Property: hostile input to any account form never gives a server error (and the
recovery forms never send anything for it: no hostile value names an account)."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import given, settings

from tests.conftest import ALICE_HOST, COMPANY_HOST
from tests.security.test_form_properties import (
    PROPERTY_SETTINGS,
    form_field_names,
    payloads,
    post_everything,
)

from .conftest import PASSWORD, outbox

pytestmark = pytest.mark.django_db
FEWER = settings(PROPERTY_SETTINGS, max_examples=25)

RECOVERY_FORMS = [
    (ALICE_HOST, "/account/password/reset/"),
    (COMPANY_HOST, "/account/password/reset/"),
    (COMPANY_HOST, "/backoffice/password-reset/"),
    (COMPANY_HOST, "/backoffice/forgot-id/"),
    (COMPANY_HOST, "/admin/password_reset/"),
]


@pytest.mark.parametrize(("host", "path"), RECOVERY_FORMS)
def test_recovery_forms_never_answer_with_a_server_error(company, alice, host, path):
    client = Client()
    fields = form_field_names(client, host, path)

    @FEWER
    @given(data=payloads(fields))
    def check(data):
        assert post_everything(client, host, path, data) < 500

    check()
    assert outbox("account_password_reset") == [] and outbox("retailer_id_reminder") == []


@pytest.mark.parametrize("path", ["/account/email/", "/account/password/"])
def test_signed_in_account_forms_never_answer_with_a_server_error(alice, make_shopper, path):
    pat = make_shopper("pat@example.com")
    client = Client()
    client.force_login(pat)
    fields = form_field_names(client, ALICE_HOST, path)

    @FEWER
    @given(data=payloads(fields))
    def check(data):
        assert post_everything(client, ALICE_HOST, path, data) < 500

    check()
    pat.refresh_from_db()
    assert pat.check_password(PASSWORD)
    assert pat.email == "pat@example.com"
