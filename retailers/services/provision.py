"""Provisioning: the company tenant, Retailer IDs, storefront schema and domain."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from .. import crypto
from ..models import Domain, Retailer
from ..validators import retailer_number_format

User = get_user_model()


@sensitive_variables("digits")
def tax_id_fields(*, kind: str, digits: str) -> dict:
    return {
        "tax_id_kind": kind,
        "tax_id_encrypted": crypto.encrypt(digits),
        "tax_id_last4": digits[-4:],
    }


def company_tenant_ensure() -> Retailer:
    """The public tenant serving the bare domain and www (idempotent)."""
    company, _ = Retailer.objects.get_or_create(
        schema_name="public",
        defaults={
            "kind": Retailer.Kind.COMPANY,
            "slug": "www",
            "display_name": "Shop Social Scenes",
        },
    )
    Domain.objects.get_or_create(
        domain=settings.SHOP_DOMAIN, defaults={"tenant": company, "is_primary": True}
    )
    return company


def retailer_schema_name(slug: str) -> str:
    return f"r_{slug.replace('-', '_')}"


def retailer_number_next() -> str:
    """A new Retailer ID: sequence value + Luhn check digit. A drawn number is never reused."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('public.retailers_retailer_number_seq')")
        (value,) = cursor.fetchone()
    return retailer_number_format(value)


def retailer_hostnames(retailer: Retailer) -> list[str]:
    return list(retailer.domains.values_list("domain", flat=True))


@transaction.atomic
def retailer_provision(*, slug: str, display_name: str, **fields) -> Retailer:
    """Create the retailer, its Retailer ID, its schema and its storefront domain, atomically.

    The schema is cloned from the migrated template (retailers/provisioning.py);
    PostgreSQL DDL is transactional, so a failure anywhere leaves no schema behind.
    """
    connection.set_schema_to_public()
    fields.setdefault("retailer_number", retailer_number_next())
    retailer = Retailer(
        schema_name=retailer_schema_name(slug), slug=slug, display_name=display_name, **fields
    )
    retailer.full_clean(exclude=["schema_name"])
    retailer.save(verbosity=0)
    hostname = f"{slug}.{settings.SHOP_DOMAIN}"
    Domain.objects.create(domain=hostname, tenant=retailer, is_primary=True)
    return retailer


@transaction.atomic
def retailer_demo_login_ensure(*, slug: str, username: str, password: str) -> Retailer | None:
    """Give the demo storefront a back-office login and sample contact data (idempotent)."""
    retailer = Retailer.objects.filter(slug=slug, kind=Retailer.Kind.RETAILER).first()
    if retailer is None or retailer.user_id or User.objects.filter(username=username).exists():
        return retailer
    user = User.objects.create_user(username, f"{username}@example.com", password)
    Retailer.objects.filter(pk=retailer.pk).update(
        user=user,
        legal_name="Dana Demo",
        email=f"{username}@example.com",
        phone="+19495550100",
        address_line1="1 Demo Way",
        terms_accepted_at=timezone.now(),
        privacy_accepted_at=timezone.now(),
        **tax_id_fields(kind=Retailer.TaxIdKind.SSN, digits="123456789"),
    )
    retailer.refresh_from_db()
    return retailer
