"""Retailer writes: company tenant, provisioning, registration, contact data, storefront.

Every function here is the one place its rule lives; views and admin actions call them.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables
from django_tenants.utils import tenant_context

from shopsocial.mail.services import email_enqueue

from . import crypto
from .middleware import retailer_cache_invalidate
from .models import Domain, Retailer, RetailerAuditEvent
from .validators import retailer_number_format, tax_id_format

User = get_user_model()


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
    retailer_cache_invalidate(hostnames=[hostname])
    return retailer


@sensitive_variables("digits")
def _tax_id_fields(*, kind: str, digits: str) -> dict:
    return {
        "tax_id_kind": kind,
        "tax_id_encrypted": crypto.encrypt(digits),
        "tax_id_last4": digits[-4:],
    }


@sensitive_variables("tax_id_digits", "password")
@transaction.atomic
def retailer_register(
    *,
    legal_name: str,
    address_line1: str,
    address_line2: str,
    city: str,
    state: str,
    postal_code: str,
    email: str,
    phone: str,
    tax_id_kind: str,
    tax_id_digits: str,
    username: str,
    password: str,
    slug: str,
    display_name: str,
) -> Retailer:
    """Register a retailer: login, Retailer ID, storefront schema and domain, welcome email.

    One transaction; the welcome email is a row written in it and sent after commit.
    The SSN/EIN is stored encrypted and appears nowhere else (not in the email).
    """
    if Retailer.objects.filter(slug__iexact=slug).exists():
        raise ValidationError({"slug": "That web address is already taken."})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "That username is already taken."})
    if Retailer.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "A retailer with this email address already exists."})
    user = User(username=username, email=email)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    now = timezone.now()
    retailer = retailer_provision(
        slug=slug,
        display_name=display_name,
        user=user,
        legal_name=legal_name,
        address_line1=address_line1,
        address_line2=address_line2,
        city=city,
        state=state,
        postal_code=postal_code,
        email=email,
        phone=phone,
        terms_accepted_at=now,
        privacy_accepted_at=now,
        **_tax_id_fields(kind=tax_id_kind, digits=tax_id_digits),
    )
    retailer_welcome_email_enqueue(retailer=retailer)
    return retailer


def retailer_welcome_email_enqueue(*, retailer: Retailer):
    from shopsocial.urls_util import company_url

    return email_enqueue(
        kind="transactional",
        to=retailer.email,
        template="retailer_welcome",
        context={
            "legal_name": retailer.legal_name,
            "display_name": retailer.display_name,
            "retailer_number": retailer.retailer_number,
            "username": retailer.user.username if retailer.user else "",
            "storefront_url": retailer.storefront_url(),
            "backoffice_url": company_url("/backoffice/"),
        },
        dedupe_key=f"retailer-welcome-{retailer.pk}",
    )


def audit_record(
    *, retailer: Retailer, actor: AbstractBaseUser | None, action: str, detail: str = ""
) -> RetailerAuditEvent:
    return RetailerAuditEvent.objects.create(
        retailer=retailer, actor=actor, action=action, detail=detail[:255]
    )


@sensitive_variables("password", "digits")
@transaction.atomic
def retailer_tax_id_reveal(*, retailer: Retailer, actor: AbstractBaseUser, password: str) -> str:
    """The full SSN/EIN, formatted, after the actor re-enters their password. Audited."""
    if not password or not actor.check_password(password):
        raise PermissionDenied("The password is not correct.")
    if not retailer.tax_id_encrypted:
        return ""
    digits = crypto.decrypt(retailer.tax_id_encrypted)
    audit_record(retailer=retailer, actor=actor, action=RetailerAuditEvent.Action.TAX_ID_REVEALED)
    return tax_id_format(retailer.tax_id_kind, digits)


CONTACT_FIELDS = (
    "legal_name",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "postal_code",
    "email",
    "phone",
)


@transaction.atomic
def retailer_contact_update(
    *, retailer: Retailer, actor: AbstractBaseUser, **changes: str
) -> Retailer:
    """Edit contact information; records which fields changed (never their values)."""
    unknown = set(changes) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"not contact fields: {sorted(unknown)}")
    retailer = Retailer.objects.select_for_update().get(pk=retailer.pk)
    if (
        "email" in changes
        and Retailer.objects.filter(email__iexact=changes["email"]).exclude(pk=retailer.pk).exists()
    ):
        raise ValidationError({"email": "A retailer with this email address already exists."})
    changed = [name for name, value in changes.items() if getattr(retailer, name) != value]
    if not changed:
        return retailer
    for name in changed:
        setattr(retailer, name, changes[name])
    retailer.full_clean(exclude=["schema_name", "user"])
    retailer.save(update_fields=[*changed, "updated_at"])
    if "email" in changed and retailer.user_id:
        User.objects.filter(pk=retailer.user_id).update(email=retailer.email)
    audit_record(
        retailer=retailer,
        actor=actor,
        action=RetailerAuditEvent.Action.CONTACT_UPDATED,
        detail=", ".join(changed),
    )
    retailer_cache_invalidate(hostnames=retailer_hostnames(retailer))
    return retailer


@transaction.atomic
def retailer_status_set(
    *, retailer: Retailer, status: str, actor: AbstractBaseUser | None
) -> Retailer:
    """Suspend or reactivate; the storefront host cache is dropped so it shows at once."""
    if retailer.is_company:
        raise ValidationError("The company site cannot be suspended.")
    updated = (
        Retailer.objects.filter(pk=retailer.pk)
        .exclude(status=status)
        .update(status=status, updated_at=timezone.now())
    )
    retailer.refresh_from_db()
    if updated:
        action = (
            RetailerAuditEvent.Action.SUSPENDED
            if status == Retailer.Status.SUSPENDED
            else RetailerAuditEvent.Action.REACTIVATED
        )
        audit_record(retailer=retailer, actor=actor, action=action)
    hostnames = retailer_hostnames(retailer)
    transaction.on_commit(lambda: retailer_cache_invalidate(hostnames=hostnames))
    retailer_cache_invalidate(hostnames=hostnames)
    return retailer


def retailer_suspend(*, retailer: Retailer, actor: AbstractBaseUser | None) -> Retailer:
    return retailer_status_set(retailer=retailer, status=Retailer.Status.SUSPENDED, actor=actor)


def retailer_reactivate(*, retailer: Retailer, actor: AbstractBaseUser | None) -> Retailer:
    return retailer_status_set(retailer=retailer, status=Retailer.Status.ACTIVE, actor=actor)


# --- Storefront content (tenant schema) ---------------------------------------------

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000
PHOTO_MAX_SIDE = 1200
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def photo_reencode(upload: UploadedFile) -> ContentFile:
    """Check type and size, then re-encode as a fresh JPEG (drops metadata and payloads)."""
    from PIL import Image, UnidentifiedImageError

    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError("The photo is larger than 5 MB. Please choose a smaller one.")
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            fmt = probe.format
            width, height = probe.size
            probe.verify()
        if fmt not in PHOTO_FORMATS:
            raise ValidationError("Upload a JPEG, PNG, WebP or GIF photo.")
        if width * height > PHOTO_MAX_PIXELS:
            raise ValidationError("The photo has too many pixels. Please choose a smaller one.")
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            image = image.convert("RGB")
            image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=85, optimize=True)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            "This file is not a photo we can read. Upload a JPEG or PNG."
        ) from exc
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


@transaction.atomic
def storefront_update(
    *,
    retailer: Retailer,
    actor: AbstractBaseUser,
    display_name: str,
    about: str,
    photo: UploadedFile | None = None,
    photo_alt: str = "",
    remove_photo: bool = False,
    featured_product_ids: Iterable[int] = (),
) -> Retailer:
    """Update the storefront: display name (public), about, photo, featured products (tenant)."""
    from storefront.content.models import FeaturedProduct, StorefrontProfile
    from storefront.models import Product

    encoded = photo_reencode(photo) if photo else None
    wanted = list(dict.fromkeys(int(pk) for pk in featured_product_ids))
    active = set(Product.objects.filter(pk__in=wanted, active=True).values_list("pk", flat=True))
    if set(wanted) - active:
        raise ValidationError({"featured": "Choose products from the current catalog."})
    changed = []
    retailer = Retailer.objects.select_for_update().get(pk=retailer.pk)
    if retailer.display_name != display_name:
        retailer.display_name = display_name
        retailer.full_clean(exclude=["schema_name", "user"])
        retailer.save(update_fields=["display_name", "updated_at"])
        changed.append("display_name")
    with tenant_context(retailer):
        profile = StorefrontProfile.objects.order_by("pk").first() or StorefrontProfile()
        old_photo = profile.photo.name if profile.photo else ""
        if profile.about != about:
            profile.about = about
            changed.append("about")
        if encoded is not None:
            profile.photo.save(f"{retailer.schema_name}/{encoded.name}", encoded, save=False)
            changed.append("photo")
        elif remove_photo and old_photo:
            profile.photo = ""
            changed.append("photo")
        if profile.photo_alt != photo_alt:
            profile.photo_alt = photo_alt
            changed.append("photo_alt")
        profile.full_clean()
        profile.save()
        current = list(FeaturedProduct.objects.values_list("product_id", flat=True))
        if current != wanted:
            FeaturedProduct.objects.all().delete()
            FeaturedProduct.objects.bulk_create(
                FeaturedProduct(product_id=pk, position=i) for i, pk in enumerate(wanted)
            )
            changed.append("featured_products")
    if changed:
        audit_record(
            retailer=retailer,
            actor=actor,
            action=RetailerAuditEvent.Action.STOREFRONT_UPDATED,
            detail=", ".join(changed),
        )
    hostnames = retailer_hostnames(retailer)
    retailer_cache_invalidate(hostnames=hostnames)
    transaction.on_commit(lambda: retailer_cache_invalidate(hostnames=hostnames))
    if old_photo and "photo" in changed:
        storage = StorefrontProfile._meta.get_field("photo").storage
        transaction.on_commit(lambda: storage.delete(old_photo))
    return retailer


# --- Sign-in security -------------------------------------------------------------


@transaction.atomic
def retailer_password_change(
    *, retailer: Retailer, user: AbstractBaseUser, new_password: str
) -> AbstractBaseUser:
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit_record(retailer=retailer, actor=user, action=RetailerAuditEvent.Action.PASSWORD_CHANGED)
    return user


@transaction.atomic
def totp_device_start(*, user: AbstractBaseUser):
    """A new unconfirmed TOTP device (replacing any unconfirmed one)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, retailer: Retailer, user: AbstractBaseUser, token: str):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(token):
        raise ValidationError("That code is not right. Enter the 6-digit code your app shows now.")
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(retailer=retailer, actor=user, action=RetailerAuditEvent.Action.TWO_FACTOR_ENABLED)
    return device


@transaction.atomic
def totp_device_remove(*, retailer: Retailer, user: AbstractBaseUser, password: str) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not user.check_password(password or ""):
        raise PermissionDenied("The password is not correct.")
    TOTPDevice.objects.filter(user=user).delete()
    audit_record(
        retailer=retailer, actor=user, action=RetailerAuditEvent.Action.TWO_FACTOR_DISABLED
    )


def retailer_tax_ids_rotate() -> int:
    """Re-encrypt every stored SSN/EIN under the newest key. Returns the number of rows."""
    count = 0
    pks = list(Retailer.objects.exclude(tax_id_encrypted="").values_list("pk", flat=True))
    for pk in pks:
        with transaction.atomic():
            retailer = Retailer.objects.select_for_update().get(pk=pk)
            rotated = crypto.rotate(retailer.tax_id_encrypted)
            if rotated != retailer.tax_id_encrypted:
                Retailer.objects.filter(pk=pk).update(tax_id_encrypted=rotated)
                count += 1
    return count


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
        **_tax_id_fields(kind=Retailer.TaxIdKind.SSN, digits="123456789"),
    )
    retailer.refresh_from_db()
    return retailer
