"""Seed the first privacy policy version (published). Contact details come from settings.COMPANY."""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

POLICY_TEXT = """Shop Social Scenes sells home décor and gifts through independent retailers. Each retailer has a storefront on our site, and every storefront runs on the same system, so this policy covers the company site and every storefront. It explains, in plain words, what we collect, why, and what you can do about it.

1. What we collect, and when

You can browse every page without telling us anything. Browsing sets no cookie until you do something that needs one, such as filling a cart or signing in.

When you order, we collect your name, email address, phone number, shipping address and, if different, billing address, plus what you bought. We use them to take payment, ship your order and send you email about it.

When you register as a retailer, we collect your name, address, email address, phone number and your Social Security number or EIN (needed for tax reporting and commission payments), and the username you choose. Your SSN or EIN is encrypted when we store it, shown only masked, and every time staff look at it we record who did.

When you answer a survey, sign up for our newsletter, or fill in a form (for example the contact form), we collect what you type into it. For the newsletter and for accounts we also ask your year of birth, only to check your age; we do not keep the answer.

If you create a shopper account, we keep your name, email address and your order history with it.

2. How we use it, and who we share it with

We use your information to run the shop: to take and ship orders, credit each order to the retailer whose storefront took it, answer your questions, keep the site secure and meet our legal duties.

The retailer whose storefront you ordered from sees your order and the contact details they need to look after you. We share information with the companies that help us run the shop (payment, shipping, email delivery and hosting) only so they can do that work for us. We do not sell your information, and we do not share it for other companies' advertising. We may disclose information when the law requires it.

3. Card payments

Card payments are handled entirely by our payment provider on its own secure payment page. Your card number never reaches our systems: we keep only the provider's reference for your payment.

4. Do Not Track and Global Privacy Control

If your browser sends a Do Not Track signal or a Global Privacy Control signal, we honour it on every page: no analytics, no advertising, and no cookie that is not needed for something you asked for.

5. Cookies and analytics

We use a few cookies that the site needs to work: one to remember your cart, one to keep you signed in, and, if you turn analytics off, one that remembers that choice. We set none of them just because you visit a page.

We use Google Analytics to count visits and see which pages are useful, with its advertising features turned off. You can turn analytics off at any time on our Analytics page (/privacy/analytics/); browsers sending Do Not Track or Global Privacy Control never get it at all.

6. No third-party tracking

We do not allow advertising networks or any other third party to track what you do on our site or across other sites. We load no third-party advertising tags, social widgets or tracking pixels.

7. Children

Our shop is not meant for children under 13. We do not knowingly collect personal information from them, and we never send them marketing. If someone tells us they are under 13 when signing up, we store nothing and do not sign them up. If you believe a child has given us information, contact us and we will delete it.

8. If there is a data breach

If your personal information is involved in a security breach, we will tell you by email and with a notice on our site when you sign in, within 7 business days of discovering it (unless law enforcement asks us to wait). The notice explains what happened, what information was involved, and what you can do. We send it even if you have unsubscribed from marketing email.

9. Marketing email and unsubscribing

We send marketing email only if you asked for it. Every marketing email says it is advertising, shows our postal address, and ends with an unsubscribe link that works with one click, with no login and no fee. We honour an unsubscribe at once, and it stops all our email except what the law requires us to send, such as messages about your orders.

10. Seeing, changing or deleting your information

You can ask to change your information, get a copy of it, or have it deleted, in any of three ways: call us, write to us through our contact form (/contact/), which opens a ticket with a private link where you can chat with our staff, or, if you have an account, use the My data page (/privacy/my-data/) to edit your details, download your data or delete it. When we delete your data we keep only what the law requires for your past orders (the items, amounts, dates, and the state and ZIP code for sales tax), without your name or contact details.

11. Changes to this policy

When we change this policy we publish the new version here with the date it takes effect and a summary of what changed, keep earlier versions listed below, and show a notice on our pages for 30 days.

12. Contact us

{company_block}"""

SUMMARY = "First published version of our privacy policy."


def seed(apps, schema_editor):
    if getattr(schema_editor.connection, "schema_name", "public") != "public":
        return  # a public-schema table: seed it once, not per retailer schema
    PolicyVersion = apps.get_model("privacy", "PolicyVersion")
    if PolicyVersion.objects.exists():
        return
    company = settings.COMPANY
    block = "\n".join(
        [
            company["name"],
            *company["address_lines"],
            f"Phone: {company['phone']} ({company['phone_hours']})",
            f"Email: {company['email']}",
        ]
    )
    PolicyVersion.objects.create(
        version="1.0",
        effective_date=timezone.localdate(),
        text=POLICY_TEXT.replace("{company_block}", block),
        summary_of_changes=SUMMARY,
        published=True,
        published_at=timezone.now(),
    )


def unseed(apps, schema_editor):
    apps.get_model("privacy", "PolicyVersion").objects.filter(version="1.0").delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
