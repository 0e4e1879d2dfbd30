"""Moderation by the Catalog role, and what the product page shows: approved reviews only,
the average and count, paged, and AggregateRating + Review in the product's JSON-LD."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from storefront.reviews.models import Review
from storefront.reviews.services import reviews_moderate
from tests.conftest import ALICE_HOST, COMPANY_HOST
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def _review(product, *, rating=5, title="Lovely", status=Review.Status.APPROVED, name="Rita"):
    line = OrderFactory(lines=[(product, 1)]).lines.get()
    return Review.objects.create(
        product=product,
        order_line=line,
        rating=rating,
        title=title,
        body=f"{title} body",
        display_name=name,
        status=status,
    )


def _staff(role: str) -> Client:
    user = get_user_model().objects.create_user(
        f"staff-{role.lower()}", f"{role.lower()}@staff.example", "Staff-pass-1", is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return client


def test_a_pending_review_is_not_shown_and_an_approved_one_is(client, candle):
    review = _review(candle, status=Review.Status.PENDING, title="Smoky and warm")
    before = client.get("/p/cedar-candle/", HTTP_HOST=ALICE_HOST)
    assert "Smoky and warm" not in before.text
    assert "No reviews yet." in before.text

    reviews_moderate(review_ids=[review.pk], status=Review.Status.APPROVED, actor=None)

    after = client.get("/p/cedar-candle/", HTTP_HOST=ALICE_HOST)
    assert "Smoky and warm" in after.text
    assert "Verified purchase" in after.text
    assert "<strong>5.0</strong> out of 5 · 1 review" in after.text


def test_the_average_and_count_cover_approved_reviews_only(client, candle):
    _review(candle, rating=5)
    _review(candle, rating=4)
    _review(candle, rating=4)
    _review(candle, rating=1, status=Review.Status.REJECTED, title="Rejected one")
    _review(candle, rating=1, status=Review.Status.PENDING, title="Pending one")
    page = client.get("/p/cedar-candle/", HTTP_HOST=COMPANY_HOST).text
    assert "<strong>4.3</strong> out of 5 · 3 reviews" in page
    assert 'aria-label="4.3 out of 5 stars"' in page
    assert "Rejected one" not in page and "Pending one" not in page


def test_the_json_ld_has_aggregate_rating_and_reviews_escaped(client, candle):
    _review(candle, rating=4, title="</script><b>bold</b>", name="Rita & co")
    _review(candle, rating=5)
    page = client.get("/p/cedar-candle/", HTTP_HOST=ALICE_HOST).text
    (raw,) = JSON_LD.findall(page)
    assert "</script>" not in raw
    data = json.loads(raw)
    assert data["aggregateRating"] == {
        "@type": "AggregateRating",
        "ratingValue": "4.5",
        "reviewCount": 2,
        "bestRating": 5,
        "worstRating": 1,
    }
    names = {r["name"]: r for r in data["review"]}
    first = names["</script><b>bold</b>"]
    assert first["reviewRating"] == {"@type": "Rating", "ratingValue": 4, "bestRating": 5}
    assert first["author"] == {"@type": "Person", "name": "Rita & co"}
    assert "<b>bold</b>" not in page.replace(raw, "")  # escaped in the HTML list too


def test_without_reviews_the_json_ld_has_no_rating(client, candle):
    data = json.loads(JSON_LD.findall(client.get("/p/cedar-candle/", HTTP_HOST=ALICE_HOST).text)[0])
    assert "aggregateRating" not in data and "review" not in data


def test_the_product_page_shows_five_and_the_reviews_page_is_paged(client, candle):
    for i in range(12):
        _review(candle, title=f"Review number {i:02d}")
    product_page = client.get("/p/cedar-candle/", HTTP_HOST=ALICE_HOST).text
    assert product_page.count('class="review"') == 5
    assert 'href="/p/cedar-candle/reviews/">All 12 reviews' in product_page
    first = client.get("/p/cedar-candle/reviews/", HTTP_HOST=ALICE_HOST)
    second = client.get("/p/cedar-candle/reviews/?page=2", HTTP_HOST=ALICE_HOST)
    assert first.text.count('class="review"') == 10
    assert second.text.count('class="review"') == 2
    assert "Page 2 of 2" in second.text
    for junk in ("x", "-1", "99999999999999999999"):
        assert (
            client.get(f"/p/cedar-candle/reviews/?page={junk}", HTTP_HOST=ALICE_HOST).status_code
            == 200
        )
    assert client.get("/p/no-such/reviews/", HTTP_HOST=ALICE_HOST).status_code == 404


def test_catalog_staff_approve_in_bulk_and_the_product_page_is_purged(
    candle, monkeypatch, django_capture_on_commit_callbacks
):
    purged: list[frozenset] = []
    monkeypatch.setattr("shopsocial.invalidation._purge_now", purged.append)
    reviews = [_review(candle, status=Review.Status.PENDING, title=f"R{i}") for i in range(3)]
    catalog = _staff("Catalog")
    assert catalog.get("/admin/reviews/review/", HTTP_HOST=COMPANY_HOST).status_code == 200
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = catalog.post(
            "/admin/reviews/review/",
            {"action": "approve", "_selected_action": [r.pk for r in reviews[:2]]},
            HTTP_HOST=COMPANY_HOST,
        )
    assert response.status_code == 302
    statuses = dict(Review.objects.values_list("title", "status"))
    assert statuses == {"R0": "approved", "R1": "approved", "R2": "pending"}
    moderated = Review.objects.get(title="R0")
    assert moderated.moderated_at is not None and moderated.moderated_by.username == "staff-catalog"
    assert any(f"product-{candle.pk}" in keys for keys in purged)


def test_catalog_staff_reject_from_the_change_page(candle):
    review = _review(candle, status=Review.Status.PENDING)
    catalog = _staff("Catalog")
    response = catalog.post(
        f"/admin/reviews/review/{review.pk}/change/", {"status": "rejected"}, HTTP_HOST=COMPANY_HOST
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == "rejected" and review.moderated_at is not None


@pytest.mark.parametrize("role", ["Support", "Fulfilment", "Finance", "Marketing", "Compliance"])
def test_other_roles_cannot_moderate(candle, role):
    review = _review(candle, status=Review.Status.PENDING)
    client = _staff(role)
    assert client.get("/admin/reviews/review/", HTTP_HOST=COMPANY_HOST).status_code == 403
    response = client.post(
        "/admin/reviews/review/",
        {"action": "approve", "_selected_action": [review.pk]},
        HTTP_HOST=COMPANY_HOST,
    )
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.status == "pending"
