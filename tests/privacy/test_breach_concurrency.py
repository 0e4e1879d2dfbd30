"""Two workers at once: a lock held on the incident must not make a worker skip notices."""

import threading

import pytest
from django.db import connection, transaction

from privacy.models import BreachIncident, BreachNotification
from privacy.services.breach import breach_notifications_prepare
from tests.factories import BreachIncidentFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_preparing_a_batch_is_not_blocked_by_a_lock_on_the_incident(company):
    incident = BreachIncidentFactory(title="Concurrent")
    BreachNotification.objects.bulk_create(
        [BreachNotification(incident=incident, email=f"p{n}@example.com") for n in range(3)]
    )
    ids = list(incident.notifications.values_list("pk", flat=True))
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                BreachIncident.objects.select_for_update().get(pk=incident.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(10)
        email_ids = breach_notifications_prepare(notification_ids=ids)
    finally:
        release.set()
        thread.join()
    assert len(email_ids) == 3
    assert incident.notifications.filter(email_message__isnull=True).count() == 0
