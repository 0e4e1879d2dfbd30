"""Team writes: enrolment under a sponsor, Compliance moves, plan seeding.

The month close (volumes, ranks, overrides) lives in `close.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ..models import Retailer
from .models import GenerationRate, Rank, SponsorChange, TeamMember, TeamPlan


class TeamError(ValidationError):
    """A refused team action; the message is for staff or the retailer."""


def sponsor_for_number(number: str) -> Retailer | None:
    """An active retailer (not the company) with this Retailer ID, in the genealogy."""
    number = (number or "").strip().upper()[:16]
    if not number:
        return None
    return (
        Retailer.objects.filter(
            retailer_number=number,
            kind=Retailer.Kind.RETAILER,
            status=Retailer.Status.ACTIVE,
        )
        .select_related("team")
        .first()
    )


@transaction.atomic
def team_member_enrol(*, retailer: Retailer, sponsor: Retailer | None) -> TeamMember:
    """Place a new retailer under `sponsor` (None = under the company). Once only."""
    if retailer.is_company:
        raise TeamError("The company is not a team member.")
    sponsor_member = None
    if sponsor is not None:
        if sponsor.pk == retailer.pk or sponsor.is_company:
            raise TeamError("A retailer cannot sponsor themselves.")
        sponsor_member = team_member_ensure(retailer=sponsor)
    member = TeamMember(retailer=retailer, sponsor=sponsor_member)
    member.save(force_insert=True)
    member.refresh_from_db(fields=["path"])
    return member


def team_member_ensure(*, retailer: Retailer) -> TeamMember:
    """The retailer's place; retailers from before teams existed sit under the company."""
    member, _ = TeamMember.objects.get_or_create(retailer=retailer)
    if not member.path or member.path == "0":
        member.refresh_from_db(fields=["path"])
    return member


@transaction.atomic
def team_member_move(
    *, member: TeamMember, to_sponsor: Retailer | None, reason: str, actor
) -> TeamMember:
    """Compliance moves a retailer (and their whole downline) to another sponsor.

    Audited with the reason. Nothing already in the ledger changes: closes from now on
    follow the new line (the database moves the downline's paths in the same statement).
    """
    reason = (reason or "").strip()
    if not reason:
        raise TeamError("Give a reason for the move.")
    if actor is None or not actor.has_perm("team.move_sponsor"):
        raise TeamError("Only Compliance can move a retailer to another sponsor.")
    member = TeamMember.objects.select_for_update().get(pk=member.pk)
    target = None
    if to_sponsor is not None:
        if to_sponsor.is_company:
            to_sponsor = None
        else:
            target = team_member_ensure(retailer=to_sponsor)
    if target is not None and target.pk == member.pk:
        raise TeamError("A retailer cannot sponsor themselves.")
    if (target.pk if target else None) == member.sponsor_id:
        raise TeamError("That is already the sponsor.")
    if target is not None and (target.path + ".").startswith(member.path + "."):
        raise TeamError("The new sponsor is in this retailer's own downline.")
    change = SponsorChange(
        member=member, from_sponsor_id=member.sponsor_id, to_sponsor=target, reason=reason
    )
    change.actor = actor
    member.sponsor = target
    try:
        with transaction.atomic():
            member.save(update_fields=["sponsor"])
    except IntegrityError as exc:  # the trigger's cycle check, under a race
        raise TeamError("The new sponsor is in this retailer's own downline.") from exc
    change.save()
    member.refresh_from_db(fields=["path"])
    return member


# --- The demo plan (shopsocial/demo.py seeds it) ------------------------------------

DEMO_RANKS = (
    # order, name, level, PV, GV, qualified legs, titled legs, titled rank, generations
    (0, "Retailer", "retailer", "0", "0", 0, 0, None, 1),
    (1, "Senior", "senior", "500", "1500", 2, 0, None, 2),
    (2, "Director", "director", "500", "5000", 3, 1, 1, 3),
)
DEMO_GENERATIONS = (("1", "5"), ("2", "3"), ("3", "2"))


@transaction.atomic
def team_plan_seed_demo(*, effective_month: date = date(2020, 1, 1)) -> TeamPlan:
    """The plan shipped as demo data: three ranks, overrides 5 / 3 / 2 % on 3 generations."""
    plan, created = TeamPlan.objects.get_or_create(
        effective_month=effective_month,
        defaults={
            "name": "Team plan",
            # No activity minimum in the demo: a sponsor's first override needs no sales.
            "active_volume": Decimal("0.00"),
            "compression": True,
            "rank_kept_months": 2,
        },
    )
    if not created:
        return plan
    for order, name, level, pv, gv, legs, titled, titled_rank, gens in DEMO_RANKS:
        Rank.objects.create(
            plan=plan,
            order=order,
            name=name,
            level=level,
            personal_volume=Decimal(pv),
            group_volume=Decimal(gv),
            qualified_legs=legs,
            titled_legs=titled,
            titled_rank=titled_rank,
            paid_generations=gens,
        )
    for generation, rate in DEMO_GENERATIONS:
        GenerationRate.objects.create(plan=plan, generation=int(generation), rate=Decimal(rate))
    return plan


# --- The sponsor finder on the registration page ------------------------------------


@dataclass
class SponsorChoice:
    """What the registration page shows: the sponsor chosen (from a "Join my team" link
    or ticked in the finder), and finder results to choose from."""

    chosen: Retailer | None = None
    options: list = field(default_factory=list)  # retailers.finder.Found
    search: str = ""
    searched: bool = False


def sponsor_choice_resolve(
    *, chosen: Retailer | None, search: str = "", searched: bool = False
) -> SponsorChoice:
    from retailers.finder import retailer_find

    choice = SponsorChoice(chosen=chosen, search=search.strip()[:100], searched=searched)
    if searched and choice.search:
        choice.options = [
            f
            for f in retailer_find(text=choice.search).found[:10]
            if chosen is None or f.retailer.pk != chosen.pk
        ]
    return choice


# --- The starter kit ------------------------------------------------------------------


@transaction.atomic
def starter_kit_seed_demo() -> list[str]:
    """The demo starter kit: a product in the starter-kit category, 0 % commission there.

    The kit is sold at cost during registration ("buy your starter kit" on the welcome
    page); its category earns no personal commission (the earnings plan's category rate)
    and the team close counts it in no one's volume (settings.TEAM_STARTER_KIT_CATEGORY).
    """
    from django.conf import settings

    from storefront.models import Category, Product, ProductVariant

    from ..earnings.models import CategoryRate, CommissionPlan

    created = []
    category, new = Category.objects.get_or_create(
        slug=settings.TEAM_STARTER_KIT_CATEGORY,
        defaults={"name": "Starter kits", "position": 99},
    )
    if new:
        created.append("category starter-kits")
    if not Product.objects.filter(sku="KIT-START").exists():
        Product.objects.create(
            sku="KIT-START",
            name="Retailer starter kit",
            slug="retailer-starter-kit",
            category=category,
            price=Decimal("49.00"),
            stock=1000,
            description="Samples, catalogs and order forms for new retailers, sold at cost.",
        )
        created.append("product KIT-START")
    kit = Product.objects.get(sku="KIT-START")
    if not kit.variants.exists():  # every product sells through a (default) variant
        ProductVariant.objects.create(product=kit, sku=kit.sku, price=kit.price, stock=kit.stock)
    for plan in CommissionPlan.objects.all():
        CategoryRate.objects.get_or_create(
            plan=plan, category=category, defaults={"rate": Decimal("0")}
        )
    return created
