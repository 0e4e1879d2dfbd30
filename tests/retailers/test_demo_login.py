"""seed_demo gives the demo storefront a back-office login (idempotent)."""

from io import StringIO

import pytest
from django.core.management import call_command

from retailers.models import Retailer
from shopsocial.demo import DEMO_ADMIN_PASSWORD
from tests.conftest import COMPANY_HOST

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_the_demo_retailer_a_working_back_office_login(client, company):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    demo = Retailer.objects.get(slug="demo")
    assert f"Retailer ID {demo.retailer_number}, username demo" in out.getvalue()
    assert demo.tax_id_masked == "***-**-6789"
    call_command("seed_demo", stdout=StringIO())  # a second run changes nothing
    assert Retailer.objects.get(slug="demo").user_id == demo.user_id
    response = client.post(
        "/backoffice/signin/",
        {
            "retailer_number": demo.retailer_number,
            "username": "demo",
            "password": DEMO_ADMIN_PASSWORD,
        },
        HTTP_HOST=COMPANY_HOST,
    )
    assert response.status_code == 302
    assert client.get("/backoffice/", HTTP_HOST=COMPANY_HOST).status_code == 200
