"""Closing a party: the summary on screen (back office, host page) and by email, once."""

from __future__ import annotations

import pytest

from retailers.models import Retailer
from storefront.scenes.closing import scene_summaries_send_recent
from storefront.scenes.guest_services import guest_token, scene_guest_add
from storefront.scenes.services import host_token
from tests.catalog import variant_of
from tests.conftest import ALICE_HOST, COMPANY_HOST
from tests.retailers.conftest import sign_in

from .conftest import PASSWORD
from .test_backoffice import post
from .test_guest_orders import GUEST

pytestmark = pytest.mark.django_db


def test_closing_shows_and_emails_the_summary_once(
    client, owner, scene, candle, mailoutbox, django_capture_on_commit_callbacks
):
    Retailer.objects.filter(pk=owner.pk).update(email="alice@example.com")
    assert sign_in(client, owner, PASSWORD).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        ana = scene_guest_add(scene=scene, name="Ana", email="ana@example.com", added_by="retailer")
        client.post(
            f"/s/{scene.code}/rsvp/{guest_token(ana)}/", {"answer": "yes"}, HTTP_HOST=ALICE_HOST
        )
        post(
            client,
            f"/backoffice/scenes/{scene.pk}/guest-orders/",
            {**GUEST, "variant_1": variant_of(candle).pk},
        )
    from orders.models import Order

    order = Order.objects.get()
    link = f"/offline-gateway/pay/{order.checkout_session_id}/submit/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link, {"decision": "pay"}, HTTP_HOST=COMPANY_HOST)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, f"/backoffice/scenes/{scene.pk}/close/", {})
    assert response.status_code == 302
    summaries = [m for m in mailoutbox if "is closed" in m.subject]
    assert sorted(m.to[0] for m in summaries) == ["alice@example.com", "emma@example.com"]
    text = summaries[0].body
    assert "Sales: $40.00 in 1 orders" in text
    assert "Guests who ordered: 1\n" in text  # Dana did not agree to show her name
    assert "Invited: 1, said yes: 1" in text
    assert "Privacy Policy" in text and summaries[0].alternatives
    page = client.get(f"/backoffice/scenes/{scene.pk}/", HTTP_HOST=COMPANY_HOST).content.decode()
    assert "Party summary" in page and "$40.00" in page
    host = client.get(f"/s/{scene.code}/host/{host_token(scene)}/", HTTP_HOST=ALICE_HOST)
    assert "Party summary" in host.content.decode()
    # The beat task's pass sends nothing again.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        scene_summaries_send_recent()
    assert mailoutbox == []


def test_an_open_party_has_no_summary(client, scene):
    host = client.get(f"/s/{scene.code}/host/{host_token(scene)}/", HTTP_HOST=ALICE_HOST)
    assert "Party summary" not in host.content.decode()
