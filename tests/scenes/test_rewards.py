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


def test_the_reward_code_works_only_once_the_return_window_closes(client, scene, candle, settings):
    """Issue 30 item 9: the reward settles when the return window closes (a setting)."""
    settings.SCENE_REWARD_RETURN_WINDOW_DAYS = 30
    guest_order(scene, candle, 6)
    services.scene_close(scene=scene)
    reward = SceneReward.objects.get(scene=scene)
    code = DiscountCode.objects.get(code=reward.code)
    assert reward.settles_at == code.valid_from
    assert code.valid_from - scene.__class__.objects.get(pk=scene.pk).closed_at == timedelta(
        days=30
    )
    assert code.retailer_id == scene.retailer_id
    from orders.discounts.selectors import DiscountError, discount_code_check

    with pytest.raises(DiscountError, match="not valid yet"):
        discount_code_check(
            code=code.code, merchandise=Decimal("100"), retailer_id=scene.retailer_id
        )
    later = code.valid_from + timedelta(minutes=1)
    assert (
        discount_code_check(
            code=code.code, merchandise=Decimal("100"), retailer_id=scene.retailer_id, now=later
        )
        == code
    )


def test_a_refund_before_the_reward_settles_reduces_it(scene, candle):
    """Through the existing refund service: the order hook recomputes from net sales."""
    kept = guest_order(scene, candle, 6)  # 240.00 -> 10 % tier, 24.00
    refunded = guest_order(scene, candle, 2, name="Ben Guest")  # 80.00
    services.scene_close(scene=scene)
    reward = SceneReward.objects.get(scene=scene)
    assert reward.amount == Decimal("32.00")  # 320.00 at 10 %
    order_refund_record(order_id=refunded.pk, refunded_total=refunded.total, actor="t")
    reward.refresh_from_db()
    assert (reward.sales, reward.amount) == (Decimal("240.00"), Decimal("24.00"))
    assert DiscountCode.objects.get(code=reward.code).value == Decimal("24.00")
    # A partial refund of the kept order (40.00, tax split off in proportion) lowers it too.
    order_refund_record(order_id=kept.pk, refunded_total=Decimal("40.00"), actor="t")
    reward.refresh_from_db()
    assert reward.amount < Decimal("24.00")
    assert DiscountCode.objects.get(code=reward.code).value == reward.amount


def test_a_refund_of_every_order_switches_the_code_off(scene, candle):
    order = guest_order(scene, candle, 6)
    services.scene_close(scene=scene)
    reward = SceneReward.objects.get(scene=scene)
    order_refund_record(order_id=order.pk, refunded_total=order.total, actor="t")
    reward.refresh_from_db()
    assert reward.amount == Decimal("0.00")
    assert DiscountCode.objects.get(code=reward.code).active is False


def test_refunds_after_the_reward_settles_adjust_nothing(scene, candle):
    order = guest_order(scene, candle, 6)
    services.scene_close(scene=scene)
    SceneReward.objects.filter(scene=scene).update(settles_at=timezone.now() - timedelta(seconds=1))
    order_refund_record(order_id=order.pk, refunded_total=order.total, actor="t")
    reward = SceneReward.objects.get(scene=scene)
    assert reward.amount == Decimal("24.00")
    assert DiscountCode.objects.get(code=reward.code).value == Decimal("24.00")


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
