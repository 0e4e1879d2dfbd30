"""SSN/EIN: encrypted at rest with rotation, ciphertext only in the database, never logged."""

from __future__ import annotations

import logging

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection

from retailers import crypto
from retailers.models import Retailer
from tests.conftest import COMPANY_HOST

pytestmark = pytest.mark.django_db


def raw_row(pk: int) -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM public.retailers_retailer WHERE id = %s", [pk])
        return " ".join(str(v) for v in cur.fetchone())


def test_a_database_read_shows_ciphertext_only(client, company, registration_data, caplog):
    caplog.set_level(logging.DEBUG)
    registration_data["tax_id"] = "219-09-9998"
    assert client.post("/register/", registration_data, HTTP_HOST=COMPANY_HOST).status_code == 302
    retailer = Retailer.objects.get(slug="kristanna")
    row = raw_row(retailer.pk)
    assert "219099998" not in row and "219-09-9998" not in row and "21909" not in row
    assert retailer.tax_id_encrypted.startswith("gAAAA")  # a Fernet token
    assert crypto.decrypt(retailer.tax_id_encrypted) == "219099998"
    assert "219-09" not in caplog.text and "219099998" not in caplog.text


def test_key_rotation_old_keys_decrypt_new_writes_use_the_newest(settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    old_token = crypto.encrypt("123456789")

    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert crypto.decrypt(old_token) == "123456789"
    new_token = crypto.encrypt("123456789")
    assert Fernet(new_key.encode()).decrypt(new_token.encode()) == b"123456789"
    with pytest.raises(InvalidToken):
        Fernet(old_key.encode()).decrypt(new_token.encode())

    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(old_token)


def test_rotate_command_re_encrypts_stored_rows_under_the_newest_key(settings, alice_owner):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("retailers_rotate_tax_ids", stdout=open("/dev/null", "w"))  # noqa: SIM115
    token = Retailer.objects.get(pk=alice_owner.pk).tax_id_encrypted
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key can now be dropped
    assert crypto.decrypt(token) == "123456789"


def test_masks():
    from retailers.validators import tax_id_mask

    assert tax_id_mask("ssn", "1234") == "***-**-1234"
    assert tax_id_mask("ein", "1234") == "**-***1234"
    assert tax_id_mask("", "") == ""
