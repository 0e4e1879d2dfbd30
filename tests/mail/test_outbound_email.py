"""Outbound email rows: sent once, and a failed attempt is recorded, not rolled back."""

import pytest

from shopsocial.mail import services
from shopsocial.mail.models import OutboundEmail
from shopsocial.mail.services import EmailSendError, email_enqueue, email_send

pytestmark = pytest.mark.django_db


def _row(**overrides) -> OutboundEmail:
    fields = {
        "kind": OutboundEmail.Kind.TRANSACTIONAL,
        "to": "shopper@example.com",
        "template": "order_confirmation",
        "context": {},
        "dedupe_key": "test:1",
    }
    fields.update(overrides)
    return OutboundEmail.objects.create(**fields)


def test_enqueue_twice_with_the_same_key_writes_one_row(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = email_enqueue(
            kind="transactional", to="a@example.com", template="x", context={}, dedupe_key="k"
        )
        second = email_enqueue(
            kind="transactional", to="a@example.com", template="x", context={}, dedupe_key="k"
        )
    assert first.pk == second.pk
    assert OutboundEmail.objects.count() == 1
    assert len(callbacks) == 1


def test_failed_attempt_is_recorded_and_marketing_gives_up_after_the_last(monkeypatch, mailoutbox):
    email = _row(kind=OutboundEmail.Kind.MARKETING)

    def broken_render(*, email):
        raise ConnectionError("provider down")

    monkeypatch.setattr(services, "email_render", broken_render)
    with pytest.raises(EmailSendError):
        email_send(email_id=email.pk)
    email.refresh_from_db()
    assert (email.attempts, email.status, email.last_error) == (
        1,
        OutboundEmail.Status.PENDING,
        "ConnectionError",
    )

    OutboundEmail.objects.filter(pk=email.pk).update(attempts=services.MAX_ATTEMPTS - 1)
    with pytest.raises(EmailSendError):
        email_send(email_id=email.pk)
    email.refresh_from_db()
    assert (email.attempts, email.status) == (services.MAX_ATTEMPTS, OutboundEmail.Status.FAILED)
    assert mailoutbox == []
    # A failed row is never picked up again.
    assert email_send(email_id=email.pk) is None


@pytest.mark.parametrize("kind", [OutboundEmail.Kind.TRANSACTIONAL, OutboundEmail.Kind.LEGAL])
def test_order_mail_and_breach_notices_never_give_up(monkeypatch, kind):
    email = _row(kind=kind, attempts=services.MAX_ATTEMPTS + 3)

    def broken_render(*, email):
        raise ConnectionError("provider down")

    monkeypatch.setattr(services, "email_render", broken_render)
    with pytest.raises(EmailSendError):
        email_send(email_id=email.pk)
    email.refresh_from_db()
    assert (email.attempts, email.status) == (
        services.MAX_ATTEMPTS + 4,
        OutboundEmail.Status.PENDING,
    )
