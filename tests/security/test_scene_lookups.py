"""Scene and share-link lookups (issue 30 item 11).

Throttled per client address (SCENE_LOOKUP_RATE) with a clear, uncached 429 page; and
another storefront's scene code answers exactly like an unknown one.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from storefront.scenes.models import Scene
from tests.conftest import ALICE_HOST

pytestmark = pytest.mark.django_db


@pytest.fixture
def bobs_scene(bob) -> Scene:
    today = timezone.localdate()
    return Scene.objects.create(
        retailer=bob,
        code="BBBHRTY2",
        title="Bob's barn party",
        host_name="Hal Host",
        host_email="hal@example.com",
        date=today,
        closes_on=today + timedelta(days=3),
    )


@pytest.mark.parametrize("path", ["/s/{code}/", "/l/{code}/", "/s/{code}/p/anything/"])
def test_lookups_beyond_the_rate_get_a_clear_429_that_is_never_cached(
    client, alice, settings, path
):
    settings.SCENE_LOOKUP_RATE = "3/m"
    for n in range(3):
        response = client.get(path.format(code=f"NOPE{n}"), HTTP_HOST=ALICE_HOST)
        assert response.status_code in (200, 404)
    limited = client.get(path.format(code="NOPE9"), HTTP_HOST=ALICE_HOST)
    assert limited.status_code == 429
    assert "Too many party links opened" in limited.text and "3/m" in limited.text
    assert limited["Retry-After"] == "60"
    assert "no-store" in limited["Cache-Control"]
    # Another client is not affected.
    other = client.get(path.format(code="NOPE9"), HTTP_HOST=ALICE_HOST, REMOTE_ADDR="10.9.9.9")
    assert other.status_code in (200, 404)


def test_the_default_rate_is_documented_and_lets_a_party_guest_browse(client, alice, settings):
    assert settings.SCENE_LOOKUP_RATE == "60/m"
    for _ in range(20):
        assert client.get("/s/NOPE/", HTTP_HOST=ALICE_HOST).status_code == 200


def test_another_storefronts_scene_code_answers_like_an_unknown_one(client, alice, bobs_scene):
    foreign = client.get(f"/s/{bobs_scene.code}/", HTTP_HOST=ALICE_HOST)
    unknown = client.get("/s/NOSUCHPT/", HTTP_HOST=ALICE_HOST)
    assert foreign.status_code == unknown.status_code == 200
    assert "find that scene" in foreign.text
    assert bobs_scene.title not in foreign.text
    assert foreign.text.replace(bobs_scene.code, "X") == unknown.text.replace("NOSUCHPT", "X")
