"""The retailer is the tenant: one PostgreSQL schema per storefront.

The company itself is the public tenant (schema "public", kind COMPANY) so that
django-tenants can route the bare domain and www to the company site.
"""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django_tenants.models import DomainMixin, TenantMixin

from shopsocial.contact import AddressNames, phone_display
from shopsocial.invalidation import InvalidatingQuerySet

from .levels import Level


class Retailer(TenantMixin):
    class Kind(models.TextChoices):
        COMPANY = "company", "Company site"
        RETAILER = "retailer", "Retailer"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"

    class TaxIdKind(models.TextChoices):
        SSN = "ssn", "Social Security number"
        EIN = "ein", "Employer Identification Number"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.RETAILER)
    # The subdomain label: <slug>.<SHOP_DOMAIN>.
    slug = models.SlugField(max_length=30, unique=True)
    display_name = models.CharField(max_length=80)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # Compensation-plan level: picks the commission rate (retailers.earnings).
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.RETAILER)
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
    ADDRESS = AddressNames("address_line1", "address_line2", "city", "state", "postal_code")
    # What the retailer may change in the back office (and staff in the admin).
    CONTACT_FIELDS = ("legal_name", *ADDRESS, "email", "phone")
    legal_name = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    address_line1 = models.CharField(max_length=120, blank=True)
    address_line2 = models.CharField(max_length=120, blank=True)
    city = models.CharField(max_length=80, blank=True)
    state = models.CharField(max_length=2, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    # SSN or EIN: ciphertext only (retailers.crypto, MultiFernet), plus the last four
    # digits for masking. Never shown in full but through the audited reveal.
    tax_id_kind = models.CharField(max_length=3, choices=TaxIdKind.choices, blank=True)
    tax_id_encrypted = models.TextField(blank=True, editable=False)
    tax_id_last4 = models.CharField(max_length=4, blank=True, editable=False)
    terms_accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    privacy_accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    auto_create_schema = True
    auto_drop_schema = True

    # Writes delete this row's host-map entries and purge its pages (shopsocial/invalidation.py).
    objects = InvalidatingQuerySet.as_manager()

    class Meta:
        ordering = ["display_name"]
        # The finder's misspelt-name fallback (pg_trgm word similarity, retailers/finder.py).
        indexes = [
            GinIndex(fields=["display_name"], name="retailer_name_trgm", opclasses=["gin_trgm_ops"])
        ]
        permissions = [
            ("suspend_retailer", "Can suspend and reactivate retailers"),
            ("reveal_tax_id", "Can reveal a retailer's full SSN/EIN (audited)"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.slug})"

    @property
    def tax_id_masked(self) -> str:
        from .validators import tax_id_mask

        return tax_id_mask(self.tax_id_kind, self.tax_id_last4)

    @property
    def phone_display(self) -> str:
        return phone_display(self.phone)

    def create_schema(self, check_if_exists=False, sync_schema=True, verbosity=1):
        """Clone the migrated template schema when it is current (fast path), else migrate."""
        from .provisioning import schema_create_from_template

        if sync_schema and schema_create_from_template(
            self.schema_name, check_if_exists=check_if_exists
        ):
            return
        super().create_schema(
            check_if_exists=check_if_exists, sync_schema=sync_schema, verbosity=verbosity
        )

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
    # Writes delete this row's host-map entries and purge its pages (shopsocial/invalidation.py).
    objects = InvalidatingQuerySet.as_manager()

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


class RetailerAuditEvent(models.Model):
    """Who did what to a retailer's sensitive data, and when. Values are never copied here."""

    class Action(models.TextChoices):
        TAX_ID_REVEALED = "tax_id_revealed", "SSN/EIN revealed"
        CONTACT_UPDATED = "contact_updated", "Contact information updated"
        STOREFRONT_UPDATED = "storefront_updated", "Storefront updated"
        PASSWORD_CHANGED = "password_changed", "Password changed"
        TWO_FACTOR_ENABLED = "2fa_enabled", "Two-factor sign-in enabled"
        TWO_FACTOR_DISABLED = "2fa_disabled", "Two-factor sign-in disabled"
        SUSPENDED = "suspended", "Suspended"
        REACTIVATED = "reactivated", "Reactivated"
        # Re-authentication gates (retailers/services/reauth.py); detail names the gate.
        REAUTH_FAILED = "reauth_failed", "Wrong password at a re-authentication gate"
        REAUTH_LOCKED_OUT = "reauth_locked_out", "Re-authentication refused: locked out"

    retailer = models.ForeignKey(Retailer, on_delete=models.PROTECT, related_name="audit_events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(max_length=30, choices=Action.choices)
    # Names of changed fields, never their values.
    detail = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return (
            f"{self.get_action_display()} · {self.retailer_id} · {self.created_at:%Y-%m-%d %H:%M}"
        )


# --- hardening: a retailer's email changes only when the new address confirms (issue 30)
class RetailerEmailChange(models.Model):
    """A requested change of a retailer's email, pending until the new address confirms.

    Whoever asks (the retailer in the back office, or staff in the admin), nothing
    changes until the link sent to the new address is used by the retailer, signed
    in. The old address is told at the request and at the change; for 30 days after
    a change, password changes are mailed to the old address too.
    """

    retailer = models.ForeignKey(Retailer, on_delete=models.CASCADE, related_name="email_changes")
    old_email = models.EmailField()
    new_email = models.EmailField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["retailer", "-requested_at"])]

    def __str__(self) -> str:
        return f"email change #{self.pk} of retailer {self.retailer_id}"


# --- end hardening
