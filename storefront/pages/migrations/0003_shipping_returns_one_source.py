"""Issue 28: the seeded Shipping and Returns text, where staff have not changed it.

- Shipping promised "3 to 7 business days" while checkout said 5–7: the page now lists the
  shipping methods' own delivery times (templates/pages/detail.html), so its text points
  there instead of naming days; it also names every place the state list offers.
- Returns mentioned gift cards, which the shop may not sell: the text is neutral.
"""

from django.db import migrations

REPLACEMENTS = {
    "shipping": [
        (
            "We ship to all 50 states, Washington D.C. and APO/FPO addresses.",
            "We ship to all 50 states, Washington D.C., Puerto Rico, Guam, the US Virgin "
            "Islands, American Samoa, the Northern Mariana Islands and APO/FPO/DPO addresses, "
            "all by USPS at the same prices. No sales tax is charged on orders to the "
            "territories or to military and diplomatic addresses.",
        ),
        (
            "- Standard shipping (3 to 7 business days after dispatch): a flat rate shown at "
            "checkout, free on larger orders when the checkout says so.",
            "- Prices and delivery times: see \u201cShipping methods\u201d below, the same as at "
            "checkout; free on larger orders when the checkout says so.",
        ),
    ],
    "returns": [
        (
            "Personalised items and gift cards cannot be returned unless they arrive damaged.",
            "Personalized items cannot be returned unless they arrive damaged.",
        ),
    ],
}


def forwards(apps, schema_editor):
    ShopPage = apps.get_model("storefront_pages", "ShopPage")
    for slug, pairs in REPLACEMENTS.items():
        page = ShopPage.objects.filter(slug=slug).first()
        if page is None:
            continue
        body = page.body
        for old, new in pairs:
            body = body.replace(old, new)
        if body != page.body:
            ShopPage.objects.filter(pk=page.pk).update(body=body)


class Migration(migrations.Migration):
    dependencies = [("storefront_pages", "0002_seed_shipping_returns_terms")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
