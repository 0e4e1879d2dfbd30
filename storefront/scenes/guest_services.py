"""Party guest list writes: add a guest (one invitation), RSVP, "don't contact me".

Kept beside `services.py` rather than in it: the host-page token and reward settlement
there change at the same time (issue 28); this module only reads the host token check.

"Don't contact me about parties" is recorded in the one global suppression list
(privacy.marketing): it is checked before any guest is added or invited, and every
marketing send checks it too, so it is honoured everywhere.
"""

from __future__ import annotations

from django.core.signing import BadSignature, Signer
from django.db import IntegrityError, transaction
from django.utils import timezone

from privacy.marketing.models import Suppression
from privacy.marketing.selectors import email_is_suppressed
from privacy.marketing.services.subscriptions import suppression_add
from shopsocial.mail.addresses import email_normalise
from shopsocial.mail.models import OutboundEmail
from shopsocial.mail.services import email_enqueue

from .models import Scene, SceneGuest
from .services import SceneError

GUEST_SALT = "scenes.guest"
OPT_OUT_SOURCE = "parties-one-click"


def guest_token(guest: SceneGuest) -> str:
    """The guest's own links (RSVP, don't contact me): signed, no expiry (CAN-SPAM: 30+ days)."""
    return Signer(salt=GUEST_SALT).sign(str(guest.pk)).replace(":", "-")


def guest_from_token(*, scene: Scene, token: str) -> SceneGuest | None:
    try:
        pk = Signer(salt=GUEST_SALT).unsign(str(token).replace("-", ":", 1))
    except BadSignature:
        return None
    return SceneGuest.objects.filter(pk=int(pk), scene=scene).first() if pk.isdigit() else None


def guest_urls(guest: SceneGuest) -> dict[str, str]:
    scene = guest.scene
    token = guest_token(guest)
    return {
        "scene_url": scene.retailer.storefront_url(scene.path),
        "rsvp_url": scene.retailer.storefront_url(f"/s/{scene.code}/rsvp/{token}/"),
        "opt_out_url": scene.retailer.storefront_url(f"/s/{scene.code}/no-parties/{token}/"),
    }


@transaction.atomic
def scene_guest_add(*, scene: Scene, name: str, email: str, added_by: str) -> SceneGuest:
    """Add a guest and queue their one invitation. SceneError when refused (nothing saved)."""
    if not scene.is_open:
        raise SceneError("This party is closed; guests can no longer be added.")
    address = email_normalise(email)
    name = " ".join(str(name).split())[:80]
    if not name or not address:
        raise SceneError("Enter the guest's name and email address.")
    if email_is_suppressed(address):
        raise SceneError(
            "This address does not receive party invitations: its owner asked us not to "
            "contact them."
        )
    try:
        with transaction.atomic():
            guest = SceneGuest.objects.create(
                scene=scene, name=name, email=address, added_by=added_by
            )
    except IntegrityError as exc:
        raise SceneError(f"{name.split()[0]} is already on the guest list.") from exc
    urls = guest_urls(guest)
    email_enqueue(
        kind=OutboundEmail.Kind.TRANSACTIONAL,
        to=address,
        template="scene_invitation",
        context={
            "first_name": guest.first_name,
            "host_name": scene.host_name,
            "title": scene.title,
            "date": scene.date.isoformat(),
            "retailer_name": scene.retailer.display_name,
            "privacy_url": scene.retailer.storefront_url("/privacy/"),
            **urls,
        },
        dedupe_key=f"scene:{scene.pk}:invitation:{address}",
        headers={
            "List-Unsubscribe": f"<{urls['opt_out_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    SceneGuest.objects.filter(pk=guest.pk).update(invited_at=timezone.now())
    return guest


@transaction.atomic
def scene_guest_rsvp(*, guest: SceneGuest, answer: str) -> SceneGuest:
    if answer not in (SceneGuest.Rsvp.YES, SceneGuest.Rsvp.MAYBE, SceneGuest.Rsvp.NO):
        raise SceneError("Answer yes, maybe or no.")
    if not guest.scene.is_open:
        raise SceneError("This party is over.")
    guest.rsvp = answer
    guest.rsvp_at = timezone.now()
    guest.save(update_fields=["rsvp", "rsvp_at"])
    return guest


@transaction.atomic
def scene_guest_opt_out(*, guest: SceneGuest) -> Suppression:
    """One click: never contacted about parties again (by anyone), nor by marketing."""
    return suppression_add(
        email=guest.email, reason=Suppression.Reason.UNSUBSCRIBED, source=OPT_OUT_SOURCE
    )


# --- "My data": a person's places on guest lists, matched by their proved address ------
def scene_guests_export(user, emails: set[str]) -> list[dict]:
    return [
        {"party": g.scene.title, "date": g.scene.date, "name": g.name, "rsvp": g.rsvp}
        for g in SceneGuest.objects.filter(email__in=emails).select_related("scene")
    ]


def scene_guests_forget(user, emails: set[str]) -> int:
    deleted, _ = SceneGuest.objects.filter(email__in=emails).delete()
    return deleted
