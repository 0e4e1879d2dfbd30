"""The scene host link (issue 30 item 8): a per-scene secret rotated with the host
email (the new link is sent), and the link expires after the scene."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shopsocial.mail.models import OutboundEmail
from storefront.scenes import services
from storefront.scenes.models import Scene
from storefront.scenes.selectors import HOST_LINK_DAYS_AFTER_CLOSE
from tests.conftest import ALICE_HOST

pytestmark = pytest.mark.django_db


def _host_page(client, scene: Scene, token: str) -> int:
    return client.get(f"/s/{scene.code}/host/{token}/", HTTP_HOST=ALICE_HOST).status_code


def test_changing_the_host_email_kills_the_old_link_and_sends_the_new_one(client, scene):
    old_token = services.host_token(scene)
    assert _host_page(client, scene, old_token) == 200
    scene = services.scene_update(scene=scene, host_email="new-host@example.com")
    new_token = services.host_token(scene)
    assert new_token != old_token
    assert _host_page(client, scene, old_token) == 404
    assert _host_page(client, scene, new_token) == 200
    sent = OutboundEmail.objects.filter(template="scene_host_invite").order_by("pk")
    assert [e.to for e in sent][-1] == "new-host@example.com"
    assert new_token in sent.last().context["host_url"]


def test_an_unchanged_host_email_sends_nothing_new(scene):
    before = OutboundEmail.objects.filter(template="scene_host_invite").count()
    services.scene_update(scene=scene, title="Renamed")
    assert OutboundEmail.objects.filter(template="scene_host_invite").count() == before


def test_the_token_is_per_scene(scene, owner):
    from tests.scenes.conftest import SCENE_FIELDS

    other = services.scene_create(retailer=owner, **SCENE_FIELDS)  # same host email
    assert services.host_token(other) != services.host_token(scene)


def test_the_link_expires_after_the_scene(client, scene):
    token = services.host_token(scene)
    last = timezone.localdate() - timedelta(days=HOST_LINK_DAYS_AFTER_CLOSE)
    Scene.objects.filter(pk=scene.pk).update(date=last - timedelta(days=7), closes_on=last)
    assert _host_page(client, scene, token) == 200
    Scene.objects.filter(pk=scene.pk).update(closes_on=last - timedelta(days=1))
    assert _host_page(client, scene, token) == 404
