"""Scene and share-link writes: create, close (reward once), attribution at checkout."""

from __future__ import annotations

import secrets
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from orders.models import Order
from retailers.models import Retailer
from shopsocial.mail.services import email_enqueue
from storefront.models import Product

from . import selectors
from .models import CODE_ALPHABET, OrderAttribution, RewardTier, Scene, SceneReward, ShareLink

CENT = Decimal("0.01")
SCENE_FIELDS = (
    "title",
    "host_name",
    "host_email",
    "host_line1",
    "host_line2",
    "host_city",
    "host_state",
    "host_postal_code",
    "date",
    "closes_on",
    "delivery",
)


class SceneError(Exception):
    """A refused scene action; the message is for the retailer."""


def _code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def _save_with_code(obj) -> None:
    """Give a new scene or link a random code; a collision is retried (unique constraint)."""
    for _attempt in range(8):
        obj.code = _code()
        try:
            with transaction.atomic():
                obj.save()
            return
        except IntegrityError:
            if type(obj).objects.filter(code=obj.code).exists():
                continue
            raise
    raise RuntimeError("could not allocate a code")


def host_token(scene: Scene) -> str:
    return selectors.host_token(scene)  # rotated with the host email (issue 30 item 8)


def host_page_url(scene: Scene) -> str:
    return scene.retailer.storefront_url(f"/s/{scene.code}/host/{host_token(scene)}/")


@transaction.atomic
def scene_create(*, retailer: Retailer, **fields) -> Scene:
    scene = Scene(retailer=retailer, **{k: fields[k] for k in SCENE_FIELDS if k in fields})
    scene.code = "AAAAAAAA"  # placeholder for validation; the real code is set on save
    scene.full_clean(exclude=["code"])
    _save_with_code(scene)
    _host_email(scene, template="scene_host_invite", key=f"scene:{scene.pk}:invite")
    return scene


@transaction.atomic
def scene_update(*, scene: Scene, **fields) -> Scene:
    scene = Scene.objects.select_for_update().get(pk=scene.pk)
    if not scene.is_open:
        raise SceneError("This scene is closed; it can no longer be changed.")
    old_host_email = scene.host_email
    for name in SCENE_FIELDS:
        if name in fields:
            setattr(scene, name, fields[name])
    scene.full_clean()
    scene.save()
    if scene.host_email.lower() != old_host_email.lower():
        # The old link died with the old address (selectors.host_token): send the new one.
        _host_email(
            scene,
            template="scene_host_invite",
            key=f"scene:{scene.pk}:invite:{secrets.token_hex(8)}",
        )
    return scene


def _host_email(scene: Scene, *, template: str, key: str, extra: dict | None = None) -> None:
    email_enqueue(
        kind="transactional",
        to=scene.host_email,
        template=template,
        context={
            "host_name": scene.host_name,
            "title": scene.title,
            "retailer_name": scene.retailer.display_name,
            "scene_url": scene.retailer.storefront_url(scene.path),
            "host_url": host_page_url(scene),
            "closes_on": scene.closes_on.isoformat(),
            "privacy_url": scene.retailer.storefront_url("/privacy/"),
            **(extra or {}),
        },
        dedupe_key=key,
    )


def reward_for(sales: Decimal) -> tuple[RewardTier | None, Decimal]:
    """The tier reached by `sales` and the credit it earns (rounded half up to the cent)."""
    tier = (
        RewardTier.objects.filter(active=True, min_sales__lte=sales).order_by("-min_sales").first()
    )
    if tier is None:
        return None, Decimal("0.00")
    return tier, (sales * tier.credit_percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)


@transaction.atomic
def scene_close(*, scene: Scene) -> Scene:
    """Close the scene and issue the host's reward, once (SceneReward is unique per scene).

    The reward settles when the return window closes (SCENE_REWARD_RETURN_WINDOW_DAYS):
    its code works only from then on, and a refund of a scene order before then reduces
    it (`scene_reward_on_refund`). Only on the scene's own storefront.
    """
    from orders.discounts.services import discount_code_issue

    scene = Scene.objects.select_for_update().get(pk=scene.pk)
    if not scene.is_open or SceneReward.objects.filter(scene=scene).exists():
        raise SceneError("This scene is already closed and its reward was issued.")
    scene.status = Scene.Status.CLOSED
    scene.closed_at = timezone.now()
    scene.save(update_fields=["status", "closed_at"])
    totals = selectors.scene_totals(scene=scene)
    sales = selectors.scene_net_sales(scene=scene)
    tier, amount = reward_for(sales)
    settles_at = scene.closed_at + timedelta(days=settings.SCENE_REWARD_RETURN_WINDOW_DAYS)
    code = ""
    if amount > 0:
        code = discount_code_issue(
            kind="fixed",
            value=amount,
            max_uses=1,
            prefix="HOST",
            description=f"Host reward for scene {scene.code}",
            company_funded=True,  # the company pays host rewards (issue 26)
            retailer_id=scene.retailer_id,  # only on this storefront (issue 30)
            valid_from=settles_at,  # settles when the return window closes (issue 30)
        ).code
    SceneReward.objects.create(
        scene=scene,
        sales=sales,
        credit_percent=tier.credit_percent if tier else Decimal("0"),
        amount=amount,
        code=code,
        settles_at=settles_at,
    )
    _host_email(
        scene,
        template="scene_host_reward",
        key=f"scene:{scene.pk}:reward",
        extra={
            "sales": f"{sales:.2f}",
            "orders": totals.orders,
            "amount": f"{amount:.2f}",
            "code": code,
            "usable_from": timezone.localdate(settles_at).isoformat(),
            "shop_url": scene.retailer.storefront_url("/"),
        },
    )
    return scene


def scene_reward_on_refund(*, order, from_status: str, to_status: str) -> None:
    """Order hook: a refund of a scene order before the reward settles reduces the reward.

    Recomputed from the scene's sales net of refunds, never raised; at zero the code is
    switched off. After `settles_at` the reward is final.
    """
    from orders.discounts.models import DiscountCode

    if to_status not in (Order.Status.REFUNDED, Order.Status.PARTIALLY_REFUNDED):
        return
    scene_id = (
        OrderAttribution.objects.filter(order_id=order.pk, scene__isnull=False)
        .values_list("scene_id", flat=True)
        .first()
    )
    if scene_id is None:
        return
    reward = (
        SceneReward.objects.select_for_update()
        .filter(scene_id=scene_id, settles_at__gt=timezone.now())
        .select_related("scene")
        .first()
    )
    if reward is None:
        return
    sales = selectors.scene_net_sales(scene=reward.scene)
    _tier, amount = reward_for(sales)
    if amount >= reward.amount:
        return
    reward.sales, reward.amount = sales, amount
    reward.save(update_fields=["sales", "amount"])
    if reward.code:
        codes = DiscountCode.objects.filter(code=reward.code)
        if amount > 0:
            codes.update(value=amount)
        else:
            codes.update(active=False)


def scenes_close_due() -> int:
    """Beat: close every open scene whose closing day has passed. Safe to run twice."""
    today = timezone.localdate()
    closed = 0
    for scene in Scene.objects.filter(status=Scene.Status.OPEN, closes_on__lt=today):
        try:
            scene_close(scene=scene)
        except SceneError:
            continue
        closed += 1
    return closed


@transaction.atomic
def share_link_create(
    *,
    retailer: Retailer,
    target: str,
    product: Product | None = None,
    scene: Scene | None = None,
    label: str = "",
) -> ShareLink:
    if scene is not None and scene.retailer_id != retailer.pk:
        raise ValidationError("Choose one of your own scenes.")
    link = ShareLink(
        retailer=retailer, target=target, product=product, scene=scene, label=label[:80]
    )
    link.code = "AAAAAAAA"
    link.full_clean(exclude=["code"])
    _save_with_code(link)
    return link


def order_attribution_record(
    *, order: Order, scene: Scene | None, share_link: ShareLink | None, show_first_name: bool
) -> OrderAttribution | None:
    """At checkout: remember the scene / link the cart came through (same retailer only)."""
    if scene is not None and (scene.retailer_id != order.retailer_id or not scene.is_open):
        scene = None
    if share_link is not None and share_link.retailer_id != order.retailer_id:
        share_link = None
    if scene is None and share_link is not None and share_link.scene_id:
        scene = share_link.scene if share_link.scene.is_open else None
    if scene is None and share_link is None:
        return None
    attribution, _ = OrderAttribution.objects.update_or_create(
        order=order,
        defaults={
            "scene": scene,
            "share_link": share_link,
            "show_first_name_to_host": bool(show_first_name and scene),
        },
    )
    return attribution


HOST_ADDRESS = {
    "ship_line1": "host_line1",
    "ship_line2": "host_line2",
    "ship_city": "host_city",
    "ship_state": "host_state",
    "ship_postal_code": "host_postal_code",
}


def checkout_data_for_scene(data, *, scene: Scene | None):
    """Checkout form data with the host's address when the scene ships to the host.

    The guest never sees or types it: the server fills the shipping fields.
    """
    if scene is None or scene.delivery != Scene.Delivery.HOST:
        return data
    data = data.copy()
    for field, source in HOST_ADDRESS.items():
        data[field] = getattr(scene, source)
    # Billing is the guest's own address, never the host's.
    data.pop("billing_same_as_shipping", None)
    return data


def order_attribution_on_checkout(
    *, order: Order, attribution: dict[str, str], show_first_name_to_host: bool
) -> OrderAttribution | None:
    """The placed hook this app registers (orders/hooks.py): the cart's codes, checked
    against the order's storefront, recorded on the order."""
    scene = Scene.objects.filter(code=attribution.get("scene", ""), retailer=order.retailer).first()
    link = ShareLink.objects.filter(
        code=attribution.get("link", ""), retailer=order.retailer
    ).first()
    return order_attribution_record(
        order=order, scene=scene, share_link=link, show_first_name=show_first_name_to_host
    )
