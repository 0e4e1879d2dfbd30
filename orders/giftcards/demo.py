"""Demo data for gift cards: one gift-card product ($25 and $50 variants, no sales tax)."""

from __future__ import annotations

from decimal import Decimal

from storefront.models import Category, Product, ProductVariant

from .models import GiftCardProduct

DEMO_GIFT_CARD_SKU = "GIFT-CARD"
DEMO_GIFT_CARD_AMOUNTS = ("25.00", "50.00")


def giftcard_demo_seed() -> list[str]:
    """The demo's gift-card product (idempotent): one variant per amount."""
    created: list[str] = []
    category, new = Category.objects.get_or_create(
        slug="gift-cards", defaults={"name": "Gift cards", "position": 98}
    )
    if new:
        created.append("category gift-cards")
    product = Product.objects.filter(sku=DEMO_GIFT_CARD_SKU).first()
    if product is None:
        product = Product.objects.create(
            sku=DEMO_GIFT_CARD_SKU,
            name="Shop Social gift card",
            slug="shop-social-gift-card",
            category=category,
            price=Decimal(DEMO_GIFT_CARD_AMOUNTS[0]),
            stock=100000,
            tax_category=Product.TaxCategory.EXEMPT,  # a gift card is money, not goods
            description="Emailed to the person you choose, with a code to spend in this shop.",
            option1_name="Amount",
        )
        created.append(f"product {DEMO_GIFT_CARD_SKU}")
    if not product.variants.exists():
        for position, amount in enumerate(DEMO_GIFT_CARD_AMOUNTS):
            ProductVariant.objects.create(
                product=product,
                sku=f"{DEMO_GIFT_CARD_SKU}-{amount.split('.')[0]}",
                price=Decimal(amount),
                stock=product.stock,
                position=position,
                option1=f"${amount.split('.')[0]}",
            )
    if not GiftCardProduct.objects.filter(product=product).exists():
        GiftCardProduct.objects.create(product=product)
    return created
