"""django-axes is enforced only on the back-office sign-in: other logins are unaffected."""

import pytest

pytestmark = pytest.mark.django_db


def test_test_client_login_still_works_for_other_apps(client, company, django_user_model):
    django_user_model.objects.create_user("shopper", password="pw-shopper-123")
    for _ in range(10):
        assert client.login(username="shopper", password="wrong") is False
    assert client.login(username="shopper", password="pw-shopper-123") is True


def test_admin_login_is_outside_the_back_office_lockout(client, company, django_user_model):
    django_user_model.objects.create_superuser("boss", "b@example.com", "pw-boss-123")
    for _ in range(6):
        client.post(
            "/admin/login/",
            {"username": "boss", "password": "wrong"},
            HTTP_HOST="www.shop.test",
        )
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "boss", "password": "pw-boss-123"},
        HTTP_HOST="www.shop.test",
    )
    assert response.status_code == 302
