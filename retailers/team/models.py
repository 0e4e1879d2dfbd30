"""Teams (public schema): who sponsored whom, the plan by effective month, monthly standings.

The genealogy is one row per retailer (`TeamMember`) with its sponsor and an `ltree`
path of retailer ids from the top of the tree down to the retailer (`12.40.907`). The
database keeps the path: a trigger sets it from the sponsor's path on insert and on a
change of sponsor, and moves the whole downline with the member in the same statement;
it refuses a sponsor inside the member's own downline (a cycle). Check constraints
make the path end in the member's own id and be one label long exactly for members
placed under the company (no sponsor).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.indexes import GistIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from shopsocial.invalidation import InvalidatingQuerySet

from ..levels import Level
from .fields import LtreeField

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
MONEY = {"max_digits": 12, "decimal_places": 2, "default": Decimal("0.00")}


class TeamMember(models.Model):
    """A retailer's place in the genealogy. `sponsor` empty = placed under the company."""

    retailer = models.OneToOneField(
        "retailers.Retailer", primary_key=True, on_delete=models.PROTECT, related_name="team"
    )
    sponsor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="recruits"
    )
    # Written by the database trigger only (team_member_path_set).
    path = LtreeField(editable=False, default="0")
    enrolled_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = InvalidatingQuerySet.as_manager()  # writes: shopsocial/invalidation.py

    class Meta:
        ordering = ["path"]
        indexes = [
            GistIndex(fields=["path"], name="team_member_path_gist"),
            # A downline is one range of the btree (`path > P AND path < P || '0'`: the
            # labels are retailer ids, digits): counts and pages of "My team" read it in
            # path order, index-only for the counts.
            models.Index(
                fields=["path"],
                name="team_member_path_btree",
                include=["enrolled_at", "sponsor_id", "retailer_id"],
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(sponsor=F("retailer")), name="team_member_not_own_sponsor"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.retailer_id} (sponsor {self.sponsor_id or 'company'})"

    @property
    def depth(self) -> int:
        """1 for a member placed under the company."""
        return self.path.count(".") + 1


class TeamCount(models.Model):
    """How many members a retailer's downline holds, kept by the database.

    Written only by the `team_member_counts` triggers (migration 0005): every member adds
    one to each ancestor in its path (and to `frontline` of its sponsor), and a move,
    delete or change of enrolment date takes it back from the old line. So no write,
    from any client, leaves the counts behind, and "My team" reads one row instead of
    counting a downline of any size. A member without downline may have no row (0).
    """

    member = models.OneToOneField(
        TeamMember,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,  # a leaf's row (zeros) may outlive it; nothing reads it then
        related_name="+",
    )
    team_size = models.IntegerField(default=0, db_default=0)
    frontline = models.IntegerField(default=0, db_default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(team_size__gte=0)
                & Q(frontline__gte=0)
                & Q(frontline__lte=F("team_size")),
                name="team_count_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.team_size} in the team, {self.frontline} sponsored"


class TeamEnrolmentMonth(models.Model):
    """Members who joined a retailer's downline in one month (the shop's time zone),
    kept by the same triggers as `TeamCount`."""

    member = models.ForeignKey(
        TeamMember, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    month = models.DateField()
    joined = models.IntegerField(default=0, db_default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="team_enrolment_month_once"),
            models.CheckConstraint(condition=Q(joined__gte=0), name="team_enrolment_month_sane"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.joined} joined in {self.month:%Y-%m}"


class SponsorChange(models.Model):
    """Compliance moved a retailer to another sponsor: who, from, to, why, when.

    Nothing already in the ledger is recalculated: the move counts from the next close.
    """

    member = models.ForeignKey(TeamMember, on_delete=models.PROTECT, related_name="moves")
    from_sponsor = models.ForeignKey(
        TeamMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_sponsor = models.ForeignKey(
        TeamMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("move_sponsor", "Can move a retailer to another sponsor (audited)")]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="team_move_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.from_sponsor_id} → {self.to_sponsor_id}"


class TeamPlan(models.Model):
    """The team plan in force from `effective_month` (first of a month) until the next one.

    Zero generation rates = a single-level plan (no overrides).
    """

    name = models.CharField(max_length=80)
    effective_month = models.DateField(unique=True, help_text="The first day of a month.")
    active_volume = models.DecimalField(
        "active: personal volume at least",
        **MONEY,
        help_text="A retailer below this personal volume in a month is inactive that month.",
    )
    compression = models.BooleanField(
        default=True,
        help_text="Inactive retailers are skipped: the generation passes to the next one up.",
    )
    rank_kept_months = models.PositiveSmallIntegerField(
        default=0, help_text="A rank once earned is paid for this many further months."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InvalidatingQuerySet.as_manager()  # writes: shopsocial/invalidation.py

    class Meta:
        ordering = ["-effective_month"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_month__day=1), name="team_plan_month_start"
            ),
            models.CheckConstraint(condition=Q(active_volume__gte=0), name="team_plan_active"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (from {self.effective_month})"


class Rank(models.Model):
    """One rank of a plan, with the rules that earn it and what it pays."""

    plan = models.ForeignKey(TeamPlan, on_delete=models.CASCADE, related_name="ranks")
    order = models.PositiveSmallIntegerField(help_text="0 = the entry rank; higher = above.")
    name = models.CharField(max_length=40)
    # Personal commission: the rank sets the earnings level whose rate the ledger pays
    # on the retailer's own sales (retailers.earnings' plan keeps the rates).
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.RETAILER)
    personal_volume = models.DecimalField("personal volume at least", **MONEY)
    group_volume = models.DecimalField("group volume at least", **MONEY)
    qualified_legs = models.PositiveSmallIntegerField(
        default=0, help_text="Frontline retailers who are active this month."
    )
    titled_legs = models.PositiveSmallIntegerField(
        default=0, help_text="Legs with someone at `titled_rank` or above (optional)."
    )
    titled_rank = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Rank order that makes a leg titled."
    )
    paid_generations = models.PositiveSmallIntegerField(
        default=0, help_text="Override generations this rank is paid on."
    )

    objects = InvalidatingQuerySet.as_manager()  # writes: shopsocial/invalidation.py

    class Meta:
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "order"], name="team_rank_order_once"),
            models.UniqueConstraint(fields=["plan", "name"], name="team_rank_name_once"),
            models.CheckConstraint(
                condition=Q(titled_legs=0) | Q(titled_rank__isnull=False),
                name="team_rank_titled_needs_rank",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class GenerationRate(models.Model):
    plan = models.ForeignKey(TeamPlan, on_delete=models.CASCADE, related_name="generations")
    generation = models.PositiveSmallIntegerField()
    rate = models.DecimalField("override (%)", max_digits=5, decimal_places=2, validators=PERCENT)

    objects = InvalidatingQuerySet.as_manager()  # writes: shopsocial/invalidation.py

    class Meta:
        ordering = ["plan", "generation"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "generation"], name="team_generation_once"),
            models.CheckConstraint(condition=Q(generation__gte=1), name="team_generation_pos"),
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lte=100), name="team_generation_rate"
            ),
        ]

    def __str__(self) -> str:
        return f"Generation {self.generation}: {self.rate} %"


class MonthClose(models.Model):
    """One row per closed month: the close ran (a rerun finds it and changes nothing)."""

    month = models.DateField(unique=True)
    plan = models.ForeignKey(TeamPlan, null=True, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(auto_now_add=True)
    override_total = models.DecimalField(**MONEY)
    reversal_total = models.DecimalField(**MONEY)

    objects = InvalidatingQuerySet.as_manager()  # writes: shopsocial/invalidation.py

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="team_close_month_start"),
        ]

    def __str__(self) -> str:
        return f"Team close {self.month:%B %Y}"


class Standing(models.Model):
    """A retailer's month, as the close computed it: volumes, legs, rank earned and paid."""

    retailer = models.ForeignKey(
        "retailers.Retailer", on_delete=models.PROTECT, related_name="team_standings"
    )
    month = models.DateField()
    personal_volume = models.DecimalField(**MONEY)
    group_volume = models.DecimalField(**MONEY)
    qualified_legs = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=False)
    earned_rank = models.PositiveSmallIntegerField(default=0)
    paid_rank = models.PositiveSmallIntegerField(default=0)
    rank_name = models.CharField(max_length=40, blank=True)

    objects = InvalidatingQuerySet.as_manager()  # writes: shopsocial/invalidation.py

    class Meta:
        ordering = ["-month", "retailer"]
        constraints = [
            models.UniqueConstraint(fields=["retailer", "month"], name="team_standing_once"),
            models.CheckConstraint(
                condition=Q(paid_rank__gte=F("earned_rank")), name="team_paid_ge"
            ),
        ]
        indexes = [models.Index(fields=["month", "paid_rank"])]

    def __str__(self) -> str:
        return f"{self.retailer_id} {self.month:%Y-%m}: {self.rank_name}"


class OrderVolume(models.Model):
    """What one order counted for its retailer's volume in a closed month (written by the
    close, set-based): the starter kit's share taken out, personal orders capped. Refunds
    after the close reverse the override lines in proportion to it."""

    order = models.OneToOneField(
        "orders.Order", primary_key=True, on_delete=models.PROTECT, related_name="+"
    )
    retailer = models.ForeignKey("retailers.Retailer", on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    volume = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        indexes = [models.Index(fields=["month", "retailer"], name="team_volume_month")]
        constraints = [
            models.CheckConstraint(condition=Q(volume__gte=0), name="team_volume_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.month:%Y-%m}: {self.volume}"
