"""Erasing an account that never proved its address still pseudonymises the mail we
sent about its own records (the account's keys, not the address, find those rows)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from privacy.services.personal_data import email_pseudonym, personal_data_erase
from shopsocial.mail.models import OutboundEmail

pytestmark = pytest.mark.django_db


def test_mail_about_an_unverified_account_is_pseudonymised_and_stopped(alice):
    user = get_user_model().objects.create_user("una@example.com", "una@example.com", "x-long-pw-1")
    for n, status in enumerate((OutboundEmail.Status.PENDING, OutboundEmail.Status.SENT)):
        OutboundEmail.objects.create(
            kind="transactional",
            to="Una@Example.com",
            template="account_email_verify",
            context={"name": "Una"},
            headers={"X-Test": "1"},
            dedupe_key=f"account:{user.pk}:verify:{n}",
            status=status,
        )

    personal_data_erase(user=user)

    rows = OutboundEmail.objects.filter(dedupe_key__startswith=f"account:{user.pk}:")
    assert {row.to for row in rows} == {email_pseudonym("una@example.com")}
    assert all(row.context == {} and row.headers == {} for row in rows)
    assert rows.get(dedupe_key__endswith=":0").status == OutboundEmail.Status.FAILED
    assert rows.get(dedupe_key__endswith=":1").status == OutboundEmail.Status.SENT
