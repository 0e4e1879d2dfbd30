"""Retailer account: audit trail, SSN/EIN reveal, contact data, status, sign-in security."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from .. import crypto
from ..models import Retailer, RetailerAuditEvent
from ..validators import tax_id_format

User = get_user_model()

User = get_user_model()


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


@transaction.atomic
def retailer_contact_update(
    *, retailer: Retailer, actor: AbstractBaseUser, **changes: str
) -> Retailer:
    """Edit contact information; records which fields changed (never their values).

    The email is not changed here: a different address starts a change that takes
    effect only when the new address confirms (retailers/services/email_change.py).
    """
    from .email_change import retailer_email_change_request

    unknown = set(changes) - set(Retailer.CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"not contact fields: {sorted(unknown)}")
    new_email = changes.pop("email", None)
    retailer = Retailer.objects.select_for_update().get(pk=retailer.pk)
    if new_email is not None:
        retailer_email_change_request(retailer=retailer, actor=actor, new_email=new_email)
    changed = [name for name, value in changes.items() if getattr(retailer, name) != value]
    if not changed:
        return retailer
    for name in changed:
        setattr(retailer, name, changes[name])
    retailer.full_clean(exclude=["schema_name", "user"])
    retailer.save(update_fields=[*changed, "updated_at"])
    audit_record(
        retailer=retailer,
        actor=actor,
        action=RetailerAuditEvent.Action.CONTACT_UPDATED,
        detail=", ".join(changed),
    )
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
    return retailer


def retailer_suspend(*, retailer: Retailer, actor: AbstractBaseUser | None) -> Retailer:
    return retailer_status_set(retailer=retailer, status=Retailer.Status.SUSPENDED, actor=actor)


def retailer_reactivate(*, retailer: Retailer, actor: AbstractBaseUser | None) -> Retailer:
    return retailer_status_set(retailer=retailer, status=Retailer.Status.ACTIVE, actor=actor)


# --- Sign-in security -------------------------------------------------------------


@transaction.atomic
def retailer_password_change(
    *, retailer: Retailer, user: AbstractBaseUser, new_password: str
) -> AbstractBaseUser:
    from .email_change import retailer_password_changed_notify

    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit_record(retailer=retailer, actor=user, action=RetailerAuditEvent.Action.PASSWORD_CHANGED)
    retailer_password_changed_notify(retailer=retailer)
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
