"""The retailer is the tenant: one PostgreSQL schema per storefront.

The company itself is the public tenant (schema "public", kind COMPANY) so that
django-tenants can route the bare domain and www to the company site.
"""

from django.conf import settings
from django.db import models
from django_tenants.models import DomainMixin, TenantMixin


class Retailer(TenantMixin):
    class Kind(models.TextChoices):
        COMPANY = "company", "Company site"
        RETAILER = "retailer", "Retailer"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.RETAILER)
    # The subdomain label: <slug>.<SHOP_DOMAIN>.
    slug = models.SlugField(max_length=30, unique=True)
    display_name = models.CharField(max_length=80)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # Human-friendly Retailer ID with a check digit; never reused.
    retailer_number = models.CharField(max_length=16, unique=True, null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="retailer",
    )
    # Contact information (shown masked or not at all outside the back office).
    legal_name = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    address_line1 = models.CharField(max_length=120, blank=True)
    address_line2 = models.CharField(max_length=120, blank=True)
    city = models.CharField(max_length=80, blank=True)
    state = models.CharField(max_length=2, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    auto_create_schema = True
    auto_drop_schema = True

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.slug})"

    @property
    def is_company(self) -> bool:
        return self.kind == self.Kind.COMPANY

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def storefront_url(self, path: str = "/") -> str:
        from shopsocial.urls_util import storefront_url

        return storefront_url(self.slug, path)


class Domain(DomainMixin):
    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain
