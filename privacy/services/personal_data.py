"""A signed-in person's own data: edit it, download it (JSON), erase it.

Other apps extend the export and the erasure by registering a section
(`personal_data_section`): e.g. the marketing app adds its subscriber rows. Until
it does, a fallback exports/erases `marketing.Subscriber` rows by email when
that model exists.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.crypto import salted_hmac

from privacy.models import BreachNotification, DataErasure, Ticket, TicketMessage
from shopsocial.mail.addresses import email_normalise

logger = logging.getLogger(__name__)

# Fields never exported (secrets, not personal data).
_SECRET_FIELD_WORDS = ("token", "secret", "password", "salt", "hash")


@dataclass(frozen=True)
class PersonalDataSection:
    name: str
    export: Callable[[AbstractBaseUser, set[str]], Any]
    erase: Callable[[AbstractBaseUser, set[str]], int] | None = None


_SECTIONS: dict[str, PersonalDataSection] = {}


def personal_data_section(
    name: str,
    *,
    export: Callable[[AbstractBaseUser, set[str]], Any],
    erase: Callable[[AbstractBaseUser, set[str]], int] | None = None,
) -> None:
    """Register (or replace) a section of the export and, optionally, its erasure."""
    _SECTIONS[name] = PersonalDataSection(name=name, export=export, erase=erase)


def _emails(user: AbstractBaseUser) -> set[str]:
    """The matching rule: records are matched to an account by email address only once the
    account has proved that address (orders/accounts: verified email)."""
    from orders.accounts.selectors import emails_verified_for_user

    return emails_verified_for_user(user=user)


def _email_q(field: str, emails: set[str]) -> models.Q:
    q = models.Q(pk__in=[])
    for email in emails:
        q |= models.Q(**{f"{field}__iexact": email})
    return q


def _row(obj: models.Model, *, exclude: tuple[str, ...] = ()) -> dict:
    data = model_to_dict(obj, fields=[f.name for f in obj._meta.concrete_fields])
    data["id"] = obj.pk
    for key in list(data):
        if key in exclude or any(word in key for word in _SECRET_FIELD_WORDS):
            data.pop(key)
    return data


# --- Built-in sections ----------------------------------------------------------
def _orders_qs(user: AbstractBaseUser, emails: set[str]):
    from orders.models import Order

    # Only orders placed while signed in: an address on an account is not verified,
    # so matching guest orders by email would hand them to whoever typed that address.
    return Order.objects.filter(customer=user)


def _export_orders(user: AbstractBaseUser, emails: set[str]) -> list[dict]:
    rows = []
    for order in _orders_qs(user, emails).prefetch_related("lines").order_by("created_at"):
        row = _row(order, exclude=("checkout_session_id", "payment_intent_id"))
        row["retailer"] = order.retailer.display_name if order.retailer_id else None
        row["lines"] = [_row(line, exclude=("order",)) for line in order.lines.all()]
        rows.append(row)
    return rows


def _tickets_qs(user: AbstractBaseUser, emails: set[str]):
    # Tickets opened while signed in, for the same reason as orders.
    return Ticket.objects.filter(user=user)


def _export_tickets(user: AbstractBaseUser, emails: set[str]) -> list[dict]:
    rows = []
    for ticket in _tickets_qs(user, emails).prefetch_related("messages"):
        row = _row(ticket, exclude=("assignee", "opened_on", "user"))
        row["messages"] = [
            {"from": m.author, "body": m.body, "at": m.created_at} for m in ticket.messages.all()
        ]
        rows.append(row)
    return rows


def _export_breach_notices(user: AbstractBaseUser, emails: set[str]) -> list[dict]:
    return [
        {
            "incident": n.incident.title,
            "email": n.email,
            "created_at": n.created_at,
            "acknowledged_at": n.acknowledged_at,
        }
        for n in BreachNotification.objects.filter(email__in=emails).select_related("incident")
    ]


def _marketing_model(name: str):
    try:
        return apps.get_model("marketing", name)
    except LookupError:
        return None


def _export_marketing(user: AbstractBaseUser, emails: set[str]) -> dict:
    """Fallback until the marketing app registers its own section: newsletter sign-ups
    with their consent records, the suppression entry, survey answers on the orders."""
    data: dict[str, list] = {"subscribers": [], "suppressed": [], "survey_answers": []}
    subscriber = _marketing_model("Subscriber")
    if subscriber is not None:
        for row in subscriber.objects.filter(_email_q("email", emails)):
            item = _row(row)
            for relation in ("subscriptions", "consents"):
                manager = getattr(row, relation, None)
                if manager is not None:
                    item[relation] = [_row(r, exclude=("subscriber",)) for r in manager.all()]
            data["subscribers"].append(item)
    suppression = _marketing_model("Suppression")
    if suppression is not None:
        data["suppressed"] = [
            _row(r) for r in suppression.objects.filter(_email_q("email", emails))
        ]
    survey = _marketing_model("SurveyResponse")
    if survey is not None and "order" in {f.name for f in survey._meta.concrete_fields}:
        data["survey_answers"] = [
            _row(r, exclude=("order_digest",))
            for r in survey.objects.filter(order__in=_orders_qs(user, emails))
        ]
    return data


def _erase_marketing(user: AbstractBaseUser, emails: set[str]) -> int:
    """Fallback eraser: drop newsletter sign-ups (with their consent records) and unlink
    survey answers from the orders. The suppression entry stays: an opt-out must
    outlive the account, or a re-import could mail the person again."""
    erased = 0
    subscriber = _marketing_model("Subscriber")
    if subscriber is not None:
        erased, _ = subscriber.objects.filter(_email_q("email", emails)).delete()
    survey = _marketing_model("SurveyResponse")
    if survey is not None and "order" in {f.name for f in survey._meta.concrete_fields}:
        erased += survey.objects.filter(order__in=_orders_qs(user, emails)).update(
            order=None, comment=""
        )
    return erased


def _ensure_default_sections() -> None:
    _SECTIONS.setdefault(
        "marketing", PersonalDataSection("marketing", _export_marketing, _erase_marketing)
    )


# --- Export ---------------------------------------------------------------------
def personal_data_export(*, user: AbstractBaseUser) -> dict:
    """Everything we hold about this person, as JSON-ready data (DjangoJSONEncoder)."""
    _ensure_default_sections()
    emails = _emails(user)
    account = {
        "username": user.get_username(),
        "first_name": getattr(user, "first_name", ""),
        "last_name": getattr(user, "last_name", ""),
        "email": user.email,
        "date_joined": getattr(user, "date_joined", None),
        "last_login": user.last_login,
    }
    data: dict[str, Any] = {
        "generated_at": timezone.now(),
        "account": account,
        "orders": _export_orders(user, emails),
        "tickets": _export_tickets(user, emails),
        "breach_notices": _export_breach_notices(user, emails),
    }
    # Reverse one-to-one: a user without a shop raises an AttributeError subclass.
    retailer = getattr(user, "retailer", None)
    if retailer is not None:
        data["retailer"] = {
            field: getattr(retailer, field)
            for field in ("retailer_number", "display_name", *retailer.CONTACT_FIELDS)
        }
    for section in _SECTIONS.values():
        data[section.name] = section.export(user, emails)
    return data


# --- Edit -----------------------------------------------------------------------
@transaction.atomic
def personal_details_update(
    *, user: AbstractBaseUser, first_name: str, last_name: str, email: str
) -> AbstractBaseUser:
    user_model = get_user_model()
    email = email.strip()
    if not (first_name.strip() or last_name.strip()):
        # Orders and email address people by name (issue 30 item 11).
        raise ValidationError({"first_name": "Enter your name."})
    if user_model.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise ValidationError({"email": "Another account already uses this email address."})
    user = user_model.objects.select_for_update().get(pk=user.pk)
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.email = email
    user.full_clean(exclude=["password"])
    user.save(update_fields=["first_name", "last_name", "email"])
    return user


# --- Erase ----------------------------------------------------------------------
ERASED = "[erased]"


def email_pseudonym(email: str) -> str:
    """A stand-in for an erased address in records we must keep (who was notified of a
    breach, which email went where): keyed with SECRET_KEY, so it cannot be reversed
    by guessing addresses, yet the same address always gives the same stand-in, and
    staff who are handed the address can still find its records."""
    digest = salted_hmac(
        "privacy.erasure.email", email_normalise(email), algorithm="sha256"
    ).hexdigest()[:24]
    return f"erased-{digest}@erased.invalid"


def _outbound_keys(user: AbstractBaseUser, emails: set[str], orders, ticket_ids: list[int]):
    """The dedupe keys of every email we wrote about this account's own records."""
    from privacy.marketing.models import ConsentRecord

    # Account mail (verification, password reset or change, email changed): orders/accounts.
    keys = models.Q(dedupe_key__startswith=f"account:{user.pk}:")
    for order_id in orders.values_list("pk", flat=True):
        keys |= models.Q(dedupe_key__startswith=f"order:{order_id}:")
    keys |= models.Q(dedupe_key__in=[f"ticket-opened:{pk}" for pk in ticket_ids])
    replies = TicketMessage.objects.filter(ticket_id__in=ticket_ids).values_list("pk", flat=True)
    keys |= models.Q(dedupe_key__in=[f"ticket-reply:{pk}" for pk in replies])
    notices = BreachNotification.objects.filter(email__in=emails).values_list("pk", flat=True)
    keys |= models.Q(dedupe_key__in=[f"breach-notice:{pk}" for pk in notices])
    consents = ConsentRecord.objects.filter(_email_q("subscriber__email", emails))
    keys |= models.Q(
        dedupe_key__in=[f"newsletter-confirm:{pk}" for pk in consents.values_list("pk", flat=True)]
    )
    return keys


def _erase_traces(
    *, user: AbstractBaseUser, emails: set[str], usernames: set[str], outbound_keys: models.Q
) -> None:
    """What the site wrote about the person outside its own records: outbound email
    rows (kept as a send log, pseudonymised and emptied), sign-in logs (deleted),
    admin history (renamed), breach notices (pseudonymised: proof we notified)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from shopsocial.mail.models import OutboundEmail

    def pseudonymise(rows) -> None:
        rows.filter(status=OutboundEmail.Status.PENDING).update(
            status=OutboundEmail.Status.FAILED, last_error="recipient erased"
        )
        for to in set(rows.values_list("to", flat=True)):
            rows.filter(to=to).update(to=email_pseudonym(to), context={}, headers={})

    # Mail about the account's own records (whatever address it went to, proved or not),
    # then mail to the addresses the account has proved.
    pseudonymise(OutboundEmail.objects.filter(outbound_keys))
    for email in emails:
        pseudonymise(OutboundEmail.objects.filter(to__iexact=email))
        BreachNotification.objects.filter(email=email).update(email=email_pseudonym(email))
    names = {n for n in usernames | emails if n}
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__in=names).delete()
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(user), object_id=str(user.pk)
    ).update(object_repr=f"erased-{user.pk}")


@transaction.atomic
def personal_data_erase(*, user: AbstractBaseUser) -> DataErasure:
    """Erase the person's data; keep orders with the minimum needed for tax and refunds.

    Refused for retailer accounts (tax records: they call us) and while an order
    is still being paid for or shipped (we need the address to deliver it).
    """
    from orders.models import Order

    _ensure_default_sections()
    user_model = get_user_model()
    user = user_model.objects.select_for_update().get(pk=user.pk)
    if getattr(user, "retailer", None) is not None:
        raise ValidationError(
            "Retailer accounts hold tax records, so we erase them by hand: please call us "
            "or open a ticket and we will take care of it."
        )
    if user.is_staff:
        raise ValidationError("Staff accounts are closed by an administrator.")
    emails = _emails(user)
    orders = _orders_qs(user, emails)
    open_statuses = [Order.Status.PENDING_PAYMENT, Order.Status.PAID]
    if orders.filter(status__in=open_statuses).exists():
        raise ValidationError(
            "You have an order that has not shipped yet. We need your address to deliver it: "
            "please ask again once it has shipped, or call us to cancel it."
        )
    tickets = _tickets_qs(user, emails)
    ticket_ids = list(tickets.values_list("pk", flat=True))
    outbound_keys = _outbound_keys(user, emails, orders, ticket_ids)
    usernames = {user.get_username()}
    # Other apps first, while the orders still point at the person.
    for section in _SECTIONS.values():
        if section.erase is not None:
            section.erase(user, emails)
    # Orders stay for accounting: amounts, dates, items and the state and ZIP code
    # (sales tax). Everything that identifies the person goes.
    orders_anonymised = orders.update(
        customer=None,
        email="",
        full_name=ERASED,
        phone="",
        ship_line1=ERASED,
        ship_line2="",
        ship_city=ERASED,
        bill_line1="",
        bill_line2="",
        bill_city="",
        note="",
    )
    TicketMessage.objects.filter(ticket_id__in=ticket_ids).update(body=ERASED)
    tickets_erased = Ticket.objects.filter(pk__in=ticket_ids).update(
        name=ERASED, email="", phone="", user=None, status=Ticket.Status.CLOSED
    )
    BreachNotification.objects.filter(email__in=emails).update(acknowledged_by=None)
    _erase_traces(user=user, emails=emails, usernames=usernames, outbound_keys=outbound_keys)
    user.username = f"erased-{user.pk}"
    user.first_name = ""
    user.last_name = ""
    user.email = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    erasure = DataErasure.objects.create(
        user_id=user.pk, orders_anonymised=orders_anonymised, tickets_erased=tickets_erased
    )
    logger.info("account %s erased", user.pk)
    return erasure
