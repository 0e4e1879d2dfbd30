"""Scene and share-link reads. Back-office reads take the signed-in retailer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from orders.models import Order
from retailers.models import Retailer

from .models import OrderAttribution, RewardTier, Scene, ShareLink

ZERO = Decimal("0.00")
# Orders that count as sales: paid and not (fully) refunded or canceled.
COUNTED = (Order.Status.PAID, Order.Status.SHIPPED, Order.Status.PARTIALLY_REFUNDED)
_MONEY = DecimalField(max_digits=14, decimal_places=2)
# What a scene or link sold: merchandise after discount (never tax or shipping).
_SALES = Coalesce(
    Sum(F("order__subtotal") - F("order__discount"), filter=Q(order__status__in=COUNTED)),
    Value(ZERO),
    output_field=_MONEY,
)
_ORDERS = Count("order", filter=Q(order__status__in=COUNTED))


@dataclass(frozen=True)
class SceneTotals:
    orders: int
    sales: Decimal


def scene_totals(*, scene: Scene) -> SceneTotals:
    row = OrderAttribution.objects.filter(scene=scene).aggregate(orders=_ORDERS, sales=_SALES)
    return SceneTotals(orders=row["orders"], sales=row["sales"])


# Sales net of refunds, for the host reward (issue 30 item 9): merchandise after discount,
# less what was refunded of it (the refund's tax part is not merchandise), never below 0.
_REFUNDED_MERCHANDISE = F("order__refunded_amount") - F("order__refunded_tax")
_NET = Greatest(
    F("order__subtotal") - F("order__discount") - _REFUNDED_MERCHANDISE,
    Value(ZERO),
    output_field=_MONEY,
)
_NET_COUNTED = (*COUNTED, Order.Status.REFUNDED)


def scene_net_sales(*, scene: Scene) -> Decimal:
    row = OrderAttribution.objects.filter(scene=scene, order__status__in=_NET_COUNTED).aggregate(
        sales=Coalesce(Sum(_NET), Value(ZERO), output_field=_MONEY)
    )
    return row["sales"]


def scene_get_for_storefront(*, retailer: Retailer, code: str) -> Scene | None:
    """The scene if it is this storefront's, else None: another storefront's code
    answers exactly like an unknown one (issue 30 item 11: no probing which codes exist)."""
    return (
        Scene.objects.filter(code=(code or "").upper()[:8], retailer=retailer)
        .select_related("retailer")
        .first()
    )


def share_link_get_for_storefront(*, retailer: Retailer, code: str) -> ShareLink:
    link = (
        ShareLink.objects.filter(code=(code or "").upper()[:8], retailer=retailer)
        .select_related("product__category", "scene")
        .first()
    )
    if link is None:
        raise Http404("No such link")
    return link


# --- hardening: the host link (issue 30 item 8) ------------------------------------
HOST_LINK_SALT = "scenes.host-page.v2"
# The host page keeps working this long after the scene's last day (the reward).
HOST_LINK_DAYS_AFTER_CLOSE = 60


def host_token(scene: Scene) -> str:
    """The host page's secret: an HMAC (SECRET_KEY) of the scene and its host's email.

    The host email is the per-scene secret part: changing it rotates the token, so the
    link sent to a previous address stops working (a new one is sent).
    """
    from shopsocial.mail.addresses import email_normalise

    value = f"{scene.pk}:{email_normalise(scene.host_email)}"
    return salted_hmac(HOST_LINK_SALT, value, algorithm="sha256").hexdigest()[:40]


def scene_from_host_token(*, scene: Scene, token: str) -> bool:
    """The token is this scene's current one, and the link has not expired."""
    if not isinstance(token, str) or not constant_time_compare(token, host_token(scene)):
        return False
    last_day = scene.closes_on + timedelta(days=HOST_LINK_DAYS_AFTER_CLOSE)
    return timezone.localdate() <= last_day


# --- end hardening


def _attributed_sales() -> dict:
    """`orders` and `sales` (merchandise after discount) of the counted orders attributed to
    a scene or a share link: one definition for both listings."""
    counted = Q(attributions__order__status__in=COUNTED)
    return {
        "orders": Count("attributions", filter=counted),
        "sales": Coalesce(
            Sum(
                F("attributions__order__subtotal") - F("attributions__order__discount"),
                filter=counted,
            ),
            Value(ZERO),
            output_field=_MONEY,
        ),
    }


def scenes_for_retailer(*, retailer: Retailer) -> QuerySet[Scene]:
    return (
        Scene.objects.filter(retailer=retailer)
        .annotate(**_attributed_sales())
        .select_related("reward")
        .order_by("-date", "-pk")
    )


def scene_get_for_retailer(*, retailer: Retailer, scene_id: int) -> Scene:
    scene = scenes_for_retailer(retailer=retailer).filter(pk=scene_id).first()
    if scene is None:
        raise Http404("No such scene")
    return scene


@dataclass(frozen=True)
class Guest:
    first_name: str  # "" unless the guest agreed
    status: str
    sales: Decimal
    order_number: str


def scene_guests(*, scene: Scene, with_orders: bool) -> list[Guest]:
    """Guests of a scene. The host sees first names only where the guest agreed."""
    rows = (
        OrderAttribution.objects.filter(scene=scene, order__status__in=COUNTED)
        .select_related("order")
        .order_by("order__created_at")
    )
    return [
        Guest(
            first_name=(a.order.full_name.split() or [""])[0] if a.show_first_name_to_host else "",
            status=a.order.get_status_display(),
            sales=a.order.subtotal - a.order.discount,
            order_number=a.order.number if with_orders else "",
        )
        for a in rows
    ]


@dataclass(frozen=True)
class TierProgress:
    tiers: list[RewardTier]
    reached: RewardTier | None
    next_tier: RewardTier | None
    to_next: Decimal


def tier_progress(*, sales: Decimal) -> TierProgress:
    tiers = list(RewardTier.objects.filter(active=True).order_by("min_sales"))
    reached = None
    next_tier = None
    for tier in tiers:
        if tier.min_sales <= sales:
            reached = tier
        elif next_tier is None:
            next_tier = tier
    to_next = (next_tier.min_sales - sales) if next_tier else ZERO
    return TierProgress(tiers, reached, next_tier, to_next)


def share_links_for_retailer(*, retailer: Retailer) -> QuerySet[ShareLink]:
    """Links with their sales: orders only (no visit counting, no tracking)."""
    return (
        ShareLink.objects.filter(retailer=retailer)
        .select_related("product", "scene")
        .annotate(**_attributed_sales())
        .order_by("-created_at")
    )


def share_link_get_for_retailer(*, retailer: Retailer, link_id: int) -> ShareLink:
    link = ShareLink.objects.filter(retailer=retailer, pk=link_id).first()
    if link is None:
        raise Http404("No such link")
    return link


@dataclass(frozen=True)
class Via:
    """A checked "s:CODE,l:CODE" value from a form: this storefront's open scene / link."""

    scene: Scene | None = None
    link: ShareLink | None = None

    @property
    def scene_code(self) -> str:
        return self.scene.code if self.scene else ""

    @property
    def link_code(self) -> str:
        return self.link.code if self.link else ""

    @property
    def value(self) -> str:
        parts = [f"s:{self.scene_code}"] if self.scene else []
        return ",".join(parts + ([f"l:{self.link_code}"] if self.link else []))

    @property
    def prefix(self) -> str:
        if self.link:
            return f"/l/{self.link.code}"
        return f"/s/{self.scene.code}" if self.scene else ""

    @property
    def context(self) -> dict:
        if self.scene is None:
            return {}
        return {"scene": self.scene}


def attribution_parse(*, retailer: Retailer, value: object) -> Via:
    """Parse what an add-to-cart form carried; anything unknown or foreign is ignored."""
    codes = {}
    for part in str(value or "")[:40].split(","):
        kind, _, code = part.partition(":")
        if kind in ("s", "l") and code.isalnum() and code.isascii() and len(code) == 8:
            codes[kind] = code.upper()
    scene = link = None
    if "s" in codes:
        scene = Scene.objects.filter(
            code=codes["s"], retailer=retailer, status=Scene.Status.OPEN
        ).first()
    if "l" in codes:
        link = ShareLink.objects.filter(code=codes["l"], retailer=retailer).first()
    return Via(scene=scene, link=link)


def scene_for_cart(*, retailer: Retailer, attribution: dict[str, str]) -> Scene | None:
    """The open scene the cart is attached to (for the banner and checkout)."""
    code = attribution.get("scene")
    if not code:
        return None
    return Scene.objects.filter(code=code, retailer=retailer, status=Scene.Status.OPEN).first()
