"""Scene totals, closing and the host's reward (issued once, as a one-time code)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.discounts.models import DiscountCode
from orders.services.fulfilment import order_refund_record
from shopsocial.mail.models import OutboundEmail
from storefront.scenes import selectors, services
from storefront.scenes.models import Scene, SceneReward
from tests.conftest import ALICE_HOST
from tests.earnings.conftest import order_pending, pay

pytestmark = pytest.mark.django_db


def guest_order(scene, product, quantity, *, name="Ann Guest", share=False, email=None):
    order = pay(
        order_pending(
            scene.retailer,
            [(product, quantity)],
            full_name=name,
            email=email or f"{name.split()[0].lower()}@example.com",
        )
    )
    services.order_attribution_record(
        order=order, scene=scene, share_link=None, show_first_name=share
    )
    return order


def test_totals_count_paid_guest_orders_merchandise_only(scene, candle):
    guest_order(scene, candle, 3, name="Ann Guest", share=True)  # 120.00
    guest_order(scene, candle, 2, name="Ben Guest")  # 80.00
    totals = selectors.scene_totals(scene=scene)
    assert (totals.orders, totals.sales) == (2, Decimal("200.00"))
    guests = selectors.scene_guests(scene=scene, with_orders=False)
    assert [g.first_name for g in guests] == ["Ann", ""]


def test_the_host_page_needs_its_signed_link_and_shows_first_names_by_consent(
    client, scene, candle
):
    guest_order(scene, candle, 3, name="Ann Guest", share=True)
    guest_order(scene, candle, 2, name="Ben Guest")
    token = services.host_token(scene)
    page = client.get(f"/s/{scene.code}/host/{token}/", HTTP_HOST=ALICE_HOST)
    assert page.status_code == 200
    assert 'id="scene-sales">$200.00<' in page.text and 'id="scene-orders">2<' in page.text
    assert "Ann" in page.text and "Ben" not in page.text
    assert "$300.00 more in scene sales reaches the next reward." in page.text
    assert "Set-Cookie" not in page.headers
    forged = client.get(f"/s/{scene.code}/host/{token[:-2]}xx/", HTTP_HOST=ALICE_HOST)
    assert forged.status_code == 404


def test_closing_issues_the_reward_once_as_a_one_time_code(
    scene, candle, django_capture_on_commit_callbacks, mailoutbox
):
    guest_order(scene, candle, 6)  # 240.00 -> 10 % tier
    with django_capture_on_commit_callbacks(execute=True):
        services.scene_close(scene=scene)
    reward = SceneReward.objects.get(scene=scene)
    assert (reward.sales, reward.credit_percent, reward.amount) == (
        Decimal("240.00"),
        Decimal("10.00"),
        Decimal("24.00"),
    )
    code = DiscountCode.objects.get(code=reward.code)
    assert (code.kind, code.value, code.max_uses, code.source) == (
        "fixed",
        Decimal("24.00"),
        1,
        "issued",
    )
    (mail,) = [m for m in mailoutbox if "host reward" in m.subject]
    assert mail.to == ["emma@example.com"] and reward.code in mail.body

    with pytest.raises(services.SceneError, match="already closed"):
        services.scene_close(scene=scene)
    assert (
        SceneReward.objects.count() == 1
        and DiscountCode.objects.filter(source="issued").count() == 1
    )


def test_refunds_after_close_adjust_nothing_already_issued(scene, candle):
    order = guest_order(scene, candle, 6)
    services.scene_close(scene=scene)
    order_refund_record(order_id=order.pk, refunded_total=order.total, actor="t")
    assert SceneReward.objects.get(scene=scene).amount == Decimal("24.00")


def test_a_scene_below_the_first_tier_closes_without_a_code(scene, candle):
    guest_order(scene, candle, 1)
    services.scene_close(scene=scene)
    reward = SceneReward.objects.get(scene=scene)
    assert (reward.amount, reward.code) == (Decimal("0.00"), "")
    assert not DiscountCode.objects.filter(source="issued").exists()


def test_the_beat_task_closes_scenes_past_their_closing_day(scene, candle):
    yesterday = timezone.localdate() - timedelta(days=1)
    Scene.objects.filter(pk=scene.pk).update(date=yesterday, closes_on=yesterday)
    assert services.scenes_close_due() == 1
    assert services.scenes_close_due() == 0
    assert Scene.objects.get(pk=scene.pk).status == "closed"


def test_closing_from_the_back_office_and_scene_sales_earn_commission(client, owner, scene, candle):
    from retailers.earnings.models import CommissionEntry
    from tests.retailers.conftest import sign_in

    order = guest_order(scene, candle, 6)
    assert CommissionEntry.objects.get(order=order).retailer == owner
    sign_in(client, owner, "Correct-Horse-Battery-42")
    response = client.post(f"/backoffice/scenes/{scene.pk}/close/", HTTP_HOST="www.shop.test")
    assert response.status_code == 302
    page = client.get(f"/backoffice/scenes/{scene.pk}/", HTTP_HOST="www.shop.test")
    assert 'id="scene-reward">$24.00<' in page.text
    assert OutboundEmail.objects.filter(dedupe_key=f"scene:{scene.pk}:reward").count() == 1
