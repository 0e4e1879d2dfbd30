"""django-axes does not get in the way of the test client's login (no AxesBackend)."""

import pytest

pytestmark = pytest.mark.django_db


def test_test_client_login_still_works_for_other_apps(client, company, django_user_model):
    django_user_model.objects.create_user("shopper", password="pw-shopper-123")
    for _ in range(10):
        assert client.login(username="shopper", password="wrong") is False
    assert client.login(username="shopper", password="pw-shopper-123") is True
