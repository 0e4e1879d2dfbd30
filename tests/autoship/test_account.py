"""Self-service in the account, the cart choice, and the retailer's back-office list."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from orders.autoship.models import Autoship, AutoshipRun
from orders.autoship.services import autoship_run
from orders.models import Order
from tests.catalog import variant_of
from tests.conftest import ALICE_HOST, COMPANY_HOST

pytestmark = pytest.mark.django_db


def _post(client, autoship, action: str, data: dict | None = None):
    return client.post(
        f"/account/autoship/{autoship.pk}/{action}/", data or {}, HTTP_HOST=ALICE_HOST
    )


def test_the_product_page_offers_every_4_8_12_weeks(client, alice, candle):
    html = client.get(f"/p/{candle.slug}/", HTTP_HOST=ALICE_HOST).content.decode()
    for weeks in (4, 8, 12):
        assert f'<option value="{weeks}">Every {weeks} weeks</option>' in html
    assert "repeat deliveries save 10%" in html


def test_the_cart_line_choice_can_be_changed_and_refuses_bad_input(client, alice, candle):
    client.post("/cart/add/", {"product_id": candle.pk, "quantity": 1}, HTTP_HOST=ALICE_HOST)
    pk = variant_of(candle).pk
    client.post("/cart/autoship/", {"variant_id": pk, "every_weeks": "12"}, HTTP_HOST=ALICE_HOST)
    html = client.get("/cart/", HTTP_HOST=ALICE_HOST).content.decode()
    assert '<option value="12" selected>Every 12 weeks</option>' in html
    bad = client.post(
        "/cart/autoship/", {"variant_id": pk, "every_weeks": "5"}, HTTP_HOST=ALICE_HOST
    )
    assert bad.status_code == 302
    html = client.get("/cart/", HTTP_HOST=ALICE_HOST).content.decode()
    assert "Choose once, or every 4, 8 or 12 weeks." in html
    assert '<option value="12" selected>' in html  # unchanged
    client.post("/cart/autoship/", {"variant_id": pk, "every_weeks": ""}, HTTP_HOST=ALICE_HOST)
    html = client.get("/cart/", HTTP_HOST=ALICE_HOST).content.decode()
    assert '<option value="" selected>Once</option>' in html


def test_the_account_lists_the_autoship_and_its_page_has_every_control(client, autoship):
    listing = client.get("/account/autoship/", HTTP_HOST=ALICE_HOST).content.decode()
    assert f"/account/autoship/{autoship.pk}/" in listing and "1 × Cedar candle" in listing
    page = client.get(f"/account/autoship/{autoship.pk}/", HTTP_HOST=ALICE_HOST)
    html = page.content.decode()
    for anchor in ('id="skip"', 'id="date"', 'id="edit"', 'id="card"', "Cancel autoship"):
        assert anchor in html
    assert "Privacy" in html
    assert "public" not in page.get("Cache-Control", "")


def test_skip_next_moves_to_the_following_delivery_and_runs_nothing_on_the_skipped_date(
    client, autoship
):
    due = autoship.next_date
    response = _post(client, autoship, "skip")
    assert response.status_code == 302
    autoship.refresh_from_db()
    assert autoship.next_date == due + timedelta(weeks=4)
    assert autoship_run(today=due) == {"reminded": 0}
    assert Order.objects.count() == 1
    assert AutoshipRun.objects.get().status == AutoshipRun.Status.SKIPPED


def test_change_date_and_interval(client, autoship):
    new = timezone.localdate() + timedelta(days=10)
    _post(client, autoship, "schedule", {"next_date": new.isoformat(), "interval_weeks": "12"})
    autoship.refresh_from_db()
    assert (autoship.next_date, autoship.interval_weeks) == (new, 12)


def test_a_date_in_the_past_or_a_bad_interval_is_refused_and_nothing_changes(client, autoship):
    before = (autoship.next_date, autoship.interval_weeks)
    past = _post(client, autoship, "schedule", {"next_date": "2020-01-01", "interval_weeks": "4"})
    assert past.status_code == 302
    odd = _post(client, autoship, "schedule", {"next_date": "2027-01-05", "interval_weeks": "5"})
    assert odd.status_code == 400
    junk = _post(client, autoship, "schedule", {"next_date": "soon", "interval_weeks": "4"})
    assert junk.status_code == 400
    autoship.refresh_from_db()
    assert (autoship.next_date, autoship.interval_weeks) == before


def test_quantities_change_and_the_last_item_cannot_be_removed(client, autoship, make_second_line):
    make_second_line(autoship)
    first, second = autoship.lines.all()
    _post(client, autoship, "line", {"line_id": first.pk, "quantity": "3"})
    first.refresh_from_db()
    assert first.quantity == 3
    _post(client, autoship, "line", {"line_id": second.pk, "quantity": "0"})
    assert list(autoship.lines.all()) == [first]
    _post(client, autoship, "line", {"line_id": first.pk, "quantity": "0"})
    assert list(autoship.lines.all()) == [first]
    _post(client, autoship, "line", {"line_id": first.pk, "quantity": "500"})
    first.refresh_from_db()
    assert first.quantity == 3


def test_pause_stops_the_runs_and_resume_restarts_them(client, autoship):
    due = autoship.next_date
    _post(client, autoship, "pause")
    autoship.refresh_from_db()
    assert autoship.status == Autoship.Status.PAUSED
    assert autoship_run(today=due) == {"reminded": 0}
    _post(client, autoship, "resume")
    autoship.refresh_from_db()
    assert autoship.status == Autoship.Status.ACTIVE


def test_cancel_is_one_click_and_final(client, autoship):
    response = _post(client, autoship, "cancel")
    assert response.status_code == 302
    autoship.refresh_from_db()
    assert autoship.status == Autoship.Status.CANCELED
    assert autoship.canceled_at is not None
    assert autoship_run(today=autoship.next_date) == {"reminded": 0}
    assert _post(client, autoship, "skip").status_code == 302
    autoship.refresh_from_db()
    assert autoship.status == Autoship.Status.CANCELED


def test_a_get_changes_nothing(client, autoship):
    response = client.get(f"/account/autoship/{autoship.pk}/cancel/", HTTP_HOST=ALICE_HOST)
    assert response.status_code == 405
    autoship.refresh_from_db()
    assert autoship.status == Autoship.Status.ACTIVE


def test_another_customer_gets_a_404_and_changes_nothing(client, autoship):
    other = get_user_model().objects.create_user(username="other", email="o@example.com")
    client.force_login(other)
    assert client.get(f"/account/autoship/{autoship.pk}/", HTTP_HOST=ALICE_HOST).status_code == 404
    assert _post(client, autoship, "cancel").status_code == 404
    autoship.refresh_from_db()
    assert autoship.status == Autoship.Status.ACTIVE


def test_an_unknown_action_is_a_404(client, autoship):
    assert _post(client, autoship, "explode").status_code == 404


def _backoffice(client, retailer, username):
    from retailers.models import Retailer
    from retailers.views.auth import SESSION_RETAILER, SESSION_SEEN
    from tests.factories import UserFactory

    user = UserFactory(username=username)
    Retailer.objects.filter(pk=retailer.pk).update(user=user)
    retailer.refresh_from_db()
    client.force_login(user, backend="retailers.backends.RetailerBackend")
    session = client.session
    session[SESSION_RETAILER] = retailer.pk
    session[SESSION_SEEN] = int(time.time())
    session.save()


def test_the_retailer_sees_first_name_next_date_and_volume_only(
    client, autoship, alice, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        autoship_run(today=autoship.next_date)
    autoship.refresh_from_db()
    _backoffice(client, alice, "alice-owner")
    html = client.get("/backoffice/autoship/", HTTP_HOST=COMPANY_HOST).content.decode()
    assert "<td>Sam</td>" in html
    assert autoship.next_date.isoformat() in html
    order = AutoshipRun.objects.get().order
    assert f"${order.subtotal - order.discount:.2f}" in html
    for secret in ("Shopper", "shopper@example.com", "1 Main St", "Austin"):
        assert secret not in html.split("<main")[-1]


def test_another_retailer_sees_none_of_them(client, autoship, bob):
    _backoffice(client, bob, "bob-owner")
    html = client.get("/backoffice/autoship/", HTTP_HOST=COMPANY_HOST).content.decode()
    assert "No autoships yet." in html and "Sam" not in html


def test_my_data_exports_the_autoship_and_erasure_removes_it(autoship, candle):
    from orders.models import Order
    from privacy.services.personal_data import personal_data_erase, personal_data_export

    exported = personal_data_export(user=autoship.customer)["autoship"]
    assert exported == [
        {
            "every_weeks": 4,
            "status": "active",
            "next_date": autoship.next_date,
            "items": [(candle.sku, 1)],
        }
    ]
    Order.objects.update(status=Order.Status.SHIPPED)  # erasure waits for open orders
    personal_data_erase(user=autoship.customer)
    assert Autoship.objects.count() == 0
