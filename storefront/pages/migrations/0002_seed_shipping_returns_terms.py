"""The first text of the Shipping, Returns and Terms pages (staff edit it in the admin)."""

from django.db import migrations

PAGES = [
    (
        "shipping",
        "Shipping",
        "Every order ships from our warehouse in California, usually within two business days.",
        """## Where we ship
We ship to all 50 states, Washington D.C. and APO/FPO addresses. We do not ship outside the United States yet.

## Cost and speed
- Standard shipping (3 to 7 business days after dispatch): a flat rate shown at checkout, free on larger orders when the checkout says so.
- Orders placed by 12 noon Pacific time on a business day usually leave the warehouse the next business day.
- Candles are packed upright in recyclable paper; glass and ceramics are double-boxed.

## Tracking
When your order leaves the warehouse we send you an email with the carrier and a tracking number. The retailer whose shop you ordered from can see the order's status too, and can help you follow it.

## Delays and damage
If a parcel has not arrived ten business days after the shipping email, or arrives damaged, contact us with your order number and a photo of any damage. We send a replacement or refund the item; you never pay return postage for our mistakes or the carrier's.""",
    ),
    (
        "returns",
        "Returns",
        "Not right? Return it within 30 days of delivery for a refund to your original payment method.",
        """## What you can return
- Unused items in their original packaging, within 30 days of delivery.
- Candles that have not been burned, and wax melts still sealed.
- Damaged or faulty items at any time within 90 days: we cover the postage.

Personalised items and gift cards cannot be returned unless they arrive damaged.

## How to return
Contact us with your order number (it is in your confirmation email) and the items you want to return. We reply within one business day with a prepaid return label or the return address. Pack the items securely; keep the postage receipt until your refund arrives.

## Refunds
We refund the items' price and the sales tax paid on them to the card or payment method you used, within 5 business days of the return reaching us. Original shipping is refunded when the return is our mistake. You will receive an email when the refund is made; your bank may take a few more days to show it.

## Exchanges
The fastest way to exchange is to return the item for a refund and place a new order in your retailer's shop.""",
    ),
    (
        "terms",
        "Terms of sale",
        "The terms on which Shop Social Scenes LLC sells products through its retailers' shops.",
        """## Who sells to you
Products in every Shop Social Scenes storefront are sold and shipped by Shop Social Scenes LLC. Each storefront belongs to an independent retailer, who is credited with your order but does not handle your payment.

## Prices and payment
Prices are in US dollars. Sales tax and shipping are shown at checkout before you pay. You pay on our payment provider's secure page; we never see or store your card number. Your order is confirmed when the payment succeeds and we email you the confirmation.

## Availability
Stock is checked when you place your order. If an item cannot be shipped after all, we tell you by email and refund it in full.

## Returns and refunds
Our Returns page explains what you can return and how refunds are made. These rights are in addition to your rights under the law of your state.

## Privacy
How we handle your personal information is described in our Privacy Policy, linked at the bottom of every page.

## Contact
Shop Social Scenes LLC, PO Box 388, San Juan Capistrano, CA 92693. Questions about an order: use the contact page or call us during business hours.""",
    ),
]


def seed(apps, schema_editor):
    ShopPage = apps.get_model("storefront_pages", "ShopPage")
    for slug, title, summary, body in PAGES:
        ShopPage.objects.get_or_create(
            slug=slug, defaults={"title": title, "summary": summary, "body": body}
        )


class Migration(migrations.Migration):
    dependencies = [("storefront_pages", "0001_shop_pages")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
