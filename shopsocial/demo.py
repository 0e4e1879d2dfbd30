"""The demo data set used by `seed_demo` and `serve`."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from retailers.models import Retailer
from retailers.services import company_tenant_ensure, retailer_provision
from storefront.models import Category, Product

DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_PASSWORD = "shopsocial-demo"

DEMO_RETAILERS = [
    {
        "slug": "demo",
        "display_name": "Demo Home Studio",
        "city": "San Juan Capistrano",
        "state": "CA",
        "postal_code": "92675",
    },
    {
        "slug": "kristannaloken",
        "display_name": "Kristanna's Cozy Corner",
        "city": "Austin",
        "state": "TX",
        "postal_code": "78701",
    },
    {
        "slug": "maplelane",
        "display_name": "Maple Lane Decor",
        "city": "Portland",
        "state": "OR",
        "postal_code": "97205",
    },
]

DEMO_CATALOG = {
    ("Candles", "candles"): [
        ("CAN-001", "Vanilla Bean Jar Candle", "19.95"),
        ("CAN-002", "Cedar & Sage Pillar Candle", "24.00"),
        ("CAN-003", "Citrus Grove Tealights (12)", "12.50"),
    ],
    ("Kitchen", "kitchen"): [
        ("KIT-001", "Stoneware Serving Bowl", "34.00"),
        ("KIT-002", "Olive Wood Spoon Set", "28.00"),
        ("KIT-003", "Linen Tea Towels (2)", "18.00"),
    ],
    ("Wall Decor", "wall-decor"): [
        ("WAL-001", "Botanical Print Set", "45.00"),
        ("WAL-002", "Rustic Mirror", "89.00"),
    ],
}


@transaction.atomic
def demo_seed() -> list[str]:
    created: list[str] = []
    company_tenant_ensure()
    user_model = get_user_model()
    if not user_model.objects.filter(username=DEMO_ADMIN_USERNAME).exists():
        user_model.objects.create_superuser(
            DEMO_ADMIN_USERNAME, "admin@example.com", DEMO_ADMIN_PASSWORD
        )
        created.append("admin user")
    for position, ((cat_name, cat_slug), products) in enumerate(DEMO_CATALOG.items()):
        category, _ = Category.objects.get_or_create(
            slug=cat_slug, defaults={"name": cat_name, "position": position}
        )
        for sku, name, price in products:
            _, made = Product.objects.get_or_create(
                sku=sku,
                defaults={
                    "name": name,
                    "slug": name.lower()
                    .replace(" & ", "-")
                    .replace(" ", "-")
                    .replace("(", "")
                    .replace(")", ""),
                    "category": category,
                    "price": Decimal(price),
                    "stock": 25,
                    "description": f"{name}, chosen by our design team.",
                },
            )
            if made:
                created.append(f"product {sku}")
    for spec in DEMO_RETAILERS:
        if not Retailer.objects.filter(slug=spec["slug"]).exists():
            retailer_provision(**spec)
            created.append(f"retailer {spec['slug']}")
    return created
