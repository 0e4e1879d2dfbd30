"""Scenes and share links (public schema), attributed to orders from order data only.

A guest's visit sets nothing: the scene or link is attached to the cart when the guest
adds something (the add-to-cart form carries it), and to the order at checkout.
Codes are made by the system (random, unique by constraint) and never edited.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from shopsocial.invalidation import InvalidatingQuerySet

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U
CODE_RE = r"^[A-HJKMNP-TV-Z2-9]{8}$"


class Scene(models.Model):
    class Delivery(models.TextChoices):
        GUEST = "guest", "To each guest"
        HOST = "host", "Together to the host"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    retailer = models.ForeignKey(
        "retailers.Retailer", on_delete=models.PROTECT, related_name="scenes"
    )
    code = models.CharField(max_length=8, unique=True, editable=False)
    title = models.CharField(max_length=80)
    host_name = models.CharField(max_length=80)
    host_email = models.EmailField()
    # Used only when delivery is to the host; never shown to guests.
    host_line1 = models.CharField("host street address", max_length=120, blank=True)
    host_line2 = models.CharField("apartment, suite", max_length=120, blank=True)
    host_city = models.CharField(max_length=80, blank=True)
    host_state = models.CharField(max_length=2, blank=True)
    host_postal_code = models.CharField(max_length=10, blank=True)
    date = models.DateField("scene date")
    closes_on = models.DateField("orders close on")
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.GUEST)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InvalidatingQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("date")), name="scene_closes_after_date"
            ),
            models.CheckConstraint(condition=~Q(host_email=""), name="scene_host_email"),
            models.CheckConstraint(condition=Q(code__regex=CODE_RE), name="scene_code_shape"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"

    def clean(self) -> None:
        if self.date and self.closes_on and self.closes_on < self.date:
            raise ValidationError({"closes_on": "Orders cannot close before the scene's date."})
        if self.delivery == self.Delivery.HOST and not (
            self.host_line1 and self.host_city and self.host_state and self.host_postal_code
        ):
            raise ValidationError(
                {"host_line1": "Delivery to the host needs the host's full address."}
            )

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def path(self) -> str:
        return f"/s/{self.code}/"


class RewardTier(models.Model):
    """Scene sales from `min_sales` earn the host `credit_percent` of them as a code."""

    min_sales = models.DecimalField(
        "scene sales from (USD)",
        max_digits=10,
        decimal_places=2,
        unique=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    credit_percent = models.DecimalField(
        "host credit (% of scene sales)",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    active = models.BooleanField(default=True)
    # The half-price tier (issue 27): the host may buy this many items at half price, once.
    half_price_items = models.PositiveSmallIntegerField(
        "half-price items for the host",
        db_default=0,
        default=0,
        validators=[MaxValueValidator(10)],
        help_text="How many items the host may buy at half price, once (0: none).",
    )

    class Meta:
        ordering = ["min_sales"]
        constraints = [
            models.CheckConstraint(
                condition=Q(credit_percent__gt=0) & Q(credit_percent__lte=100),
                name="rewardtier_percent_range",
            ),
            models.CheckConstraint(condition=Q(min_sales__gt=0), name="rewardtier_min_positive"),
        ]

    def __str__(self) -> str:
        return f"from ${self.min_sales}: {self.credit_percent.normalize():f} % credit"


class SceneReward(models.Model):
    """The host's reward, computed once when the scene closes (one per scene, by constraint)."""

    scene = models.OneToOneField(Scene, on_delete=models.PROTECT, related_name="reward")
    sales = models.DecimalField(max_digits=12, decimal_places=2)
    credit_percent = models.DecimalField(max_digits=5, decimal_places=2)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    code = models.CharField(max_length=40, blank=True)
    issued_at = models.DateTimeField(auto_now_add=True)
    # When the return window of the scene's orders closes and the code starts to work;
    # refunds before then reduce the reward (issue 30 item 9). Empty: settled (older rows).
    settles_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="scenereward_amount_nonneg")
        ]

    def __str__(self) -> str:
        return f"{self.scene.code}: {self.amount} ({self.code or 'no code'})"


class ShareLink(models.Model):
    class Target(models.TextChoices):
        STOREFRONT = "storefront", "My storefront"
        PRODUCT = "product", "A product"
        SCENE = "scene", "A scene"

    retailer = models.ForeignKey(
        "retailers.Retailer", on_delete=models.PROTECT, related_name="share_links"
    )
    code = models.CharField(max_length=8, unique=True, editable=False)
    target = models.CharField(max_length=12, choices=Target.choices)
    product = models.ForeignKey(
        "storefront.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scene = models.ForeignKey(
        Scene, null=True, blank=True, on_delete=models.PROTECT, related_name="share_links"
    )
    label = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InvalidatingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=CODE_RE), name="sharelink_code_shape"),
            models.CheckConstraint(
                condition=(
                    Q(target="storefront", product__isnull=True, scene__isnull=True)
                    | Q(target="product", product__isnull=False, scene__isnull=True)
                    | Q(target="scene", product__isnull=True, scene__isnull=False)
                ),
                name="sharelink_target_matches",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} → {self.get_target_display()}"

    @property
    def path(self) -> str:
        return f"/l/{self.code}/"


class OrderAttribution(models.Model):
    """Which scene and/or share link an order came through (set once, at checkout)."""

    order = models.OneToOneField(
        "orders.Order", on_delete=models.CASCADE, related_name="attribution"
    )
    scene = models.ForeignKey(
        Scene, null=True, blank=True, on_delete=models.PROTECT, related_name="attributions"
    )
    share_link = models.ForeignKey(
        ShareLink, null=True, blank=True, on_delete=models.PROTECT, related_name="attributions"
    )
    # The guest agreed at checkout to show their first name to the host (off by default).
    show_first_name_to_host = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(scene__isnull=False) | Q(share_link__isnull=False),
                name="attribution_has_source",
            )
        ]

    def __str__(self) -> str:
        return f"order {self.order_id}"


class SceneGuest(models.Model):
    """A guest on a party's list (added by the retailer or the host), and their RSVP.

    The address is kept only to send the one invitation and to recognise the guest; the
    host and the retailer are shown first names and counts, never the address.
    """

    class Rsvp(models.TextChoices):
        NONE = "", "No answer yet"
        YES = "yes", "Yes"
        MAYBE = "maybe", "Maybe"
        NO = "no", "No"

    class AddedBy(models.TextChoices):
        RETAILER = "retailer", "The retailer"
        HOST = "host", "The host"

    scene = models.ForeignKey(Scene, on_delete=models.CASCADE, related_name="guest_list")
    name = models.CharField(max_length=80)
    email = models.EmailField(help_text="Normalised: trimmed, lowercase.")
    added_by = models.CharField(max_length=10, choices=AddedBy.choices)
    rsvp = models.CharField(max_length=5, choices=Rsvp.choices, default=Rsvp.NONE, blank=True)
    rsvp_at = models.DateTimeField(null=True, blank=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["scene", "email"], name="sceneguest_once_per_scene"),
            models.CheckConstraint(
                condition=Q(rsvp__in=["", "yes", "maybe", "no"]), name="sceneguest_rsvp_choice"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} ({self.scene_id})"

    @property
    def first_name(self) -> str:
        return (self.name.split() or [""])[0]


class HostHalfPriceRedemption(models.Model):
    """The host's half-price items, redeemed once per scene (by constraint) as one order.

    If that order is never paid (canceled), the host may pick again: the row is replaced.
    """

    scene = models.OneToOneField(Scene, on_delete=models.CASCADE, related_name="half_price")
    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="+")
    items = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(items__gte=1), name="halfprice_items_positive")
        ]

    def __str__(self) -> str:
        return f"{self.scene_id}: {self.items} items"
