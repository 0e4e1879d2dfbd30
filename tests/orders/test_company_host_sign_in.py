"""One shopper account everywhere: the company host signs shoppers in for its privacy pages."""

import pytest
from django.contrib.auth import get_user_model

from tests.conftest import COMPANY_HOST

pytestmark = pytest.mark.django_db


def test_company_host_my_data_sends_a_visitor_to_a_working_sign_in(client, company):
    response = client.get("/privacy/my-data/", HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 302
    login_page = client.get(response["Location"], HTTP_HOST=COMPANY_HOST)
    assert login_page.status_code == 200
    assert "Shop Social Scenes" in login_page.text
    assert 'name="password"' in login_page.text


def test_shopper_signs_in_on_the_company_host_and_lands_on_my_data(client, company):
    get_user_model().objects.create_user(
        "pat@example.com", "pat@example.com", "a-long-enough-password-1"
    )
    response = client.post(
        "/account/login/",
        {"email": "pat@example.com", "password": "a-long-enough-password-1"},
        HTTP_HOST=COMPANY_HOST,
    )
    assert response.status_code == 303
    assert response["Location"] == "/privacy/my-data/"
    assert client.get("/privacy/my-data/", HTTP_HOST=COMPANY_HOST).status_code == 200
