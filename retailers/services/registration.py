"""Registration: login, retailer, storefront and welcome email in one transaction."""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from shopsocial.mail.services import email_enqueue
from shopsocial.urls_util import company_reverse

from ..hooks import retailer_registered_hooks_run
from ..models import Retailer
from .provision import retailer_provision, tax_id_fields

User = get_user_model()


@sensitive_variables("tax_id_digits", "password")
@transaction.atomic
def retailer_register(
    *,
    contact: Mapping[str, str],
    tax_id_kind: str,
    tax_id_digits: str,
    username: str,
    password: str,
    slug: str,
    display_name: str,
    sponsor: Retailer | None = None,
) -> Retailer:
    """Register a retailer: login, Retailer ID, storefront schema and domain, welcome email.

    One transaction; the welcome email is a row written in it and sent after commit.
    The SSN/EIN is stored encrypted and appears nowhere else (not in the email).
    `contact` holds `Retailer.CONTACT_FIELDS`, cleaned.
    """
    if set(contact) != set(Retailer.CONTACT_FIELDS):
        raise ValueError(f"contact must hold exactly {Retailer.CONTACT_FIELDS}")
    email = contact["email"]
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
        **contact,
        terms_accepted_at=now,
        privacy_accepted_at=now,
        **tax_id_fields(kind=tax_id_kind, digits=tax_id_digits),
    )
    # The genealogy: under the sponsor of the "Join my team" link or the finder, else
    # under the company (retailers/team registers this hook).
    retailer_registered_hooks_run(retailer=retailer, sponsor=sponsor)
    retailer_welcome_email_enqueue(retailer=retailer)
    return retailer


def retailer_welcome_email_enqueue(*, retailer: Retailer):

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
            "backoffice_url": company_reverse("retailers:backoffice-dashboard"),
        },
        dedupe_key=f"retailer-welcome-{retailer.pk}",
    )
