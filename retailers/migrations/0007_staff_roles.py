"""The staff roles a direct-selling company runs, each with exactly what its job needs.

This migration is the one definition of the roles (the README's "Staff roles" table
mirrors it): every group's permission set is *set*, not added to, so it replaces
what retailers.0003 and privacy.0003 granted earlier.

- Support: tickets and live chat (the console, canned replies); orders with the
  customer's contact data, revoking a leaked
  order-status link; retailer records (contact changes by phone); reads the catalog.
- Fulfilment: orders and lines, ship-to name and address only, marks orders shipped;
  cannot refund, cannot see email, phone or billing.
- Finance: orders, refunds, gateway webhook log, shipping methods and tax rates, discount
  codes read-only; retailer records read-only;
  commission plans and rates, the commission ledger (read), customer protection,
  payouts, the year-end (1099) report.
- Marketing: campaigns (create, edit, test, start, schedule, pause), discount codes,
  subscribers, consent, suppression, survey results, scene reward tiers (scenes and
  share links read-only); no superuser needed.
- Catalog: products, images and categories (add and edit; products are retired,
  never deleted).
- Compliance: breach incidents and notices, policy versions, the retailer audit trail,
  SSN/EIN reveal (audited), suspension, erasure records, outbound email and sign-in
  logs, orders read-only; the ledger, payouts and the year-end report with its audited
  tax-ID reveal.

Nobody in a group can delete retailers, orders or ledger entries, or manage users and
groups; Finance may delete a rate row of a commission plan (plan configuration).
"""

from django.db import migrations

ROLES = {
    "Support": [
        "privacy.view_ticket",
        "privacy.change_ticket",
        "privacy.view_ticketmessage",
        "privacy.view_policyversion",
        "orders.view_order",
        "orders.view_orderline",
        "orders.view_orderevent",
        "orders.view_customer_contact",
        "orders.revoke_status_links",
        "chat.answer_chat",
        "chat.view_chat",
        "chat.view_cannedreply",
        "chat.add_cannedreply",
        "chat.change_cannedreply",
        "retailers.view_retailer",
        "retailers.change_retailer",
        "retailers.view_domain",
        "storefront.view_product",
        "storefront.view_category",
    ],
    "Fulfilment": [
        "orders.view_order",
        "orders.change_order",
        "orders.view_orderline",
        "orders.view_orderevent",
        "orders.view_shipping_address",
        "orders.view_shippingmethod",
        "storefront.view_product",
        "storefront.view_category",
    ],
    "Finance": [
        "orders.view_order",
        "orders.view_orderline",
        "orders.view_orderevent",
        "orders.refund_order",
        "orders.view_webhookevent",
        "orders.view_shippingmethod",
        "orders.add_shippingmethod",
        "orders.change_shippingmethod",
        "tax.view_taxrate",
        "tax.add_taxrate",
        "tax.change_taxrate",
        "tax.view_taxrateoverride",
        "tax.add_taxrateoverride",
        "tax.change_taxrateoverride",
        "discounts.view_discountcode",
        "discounts.view_discountredemption",
        "scenes.view_rewardtier",
        "scenes.add_rewardtier",
        "scenes.change_rewardtier",
        "scenes.view_scene",
        "scenes.view_scenereward",
        "scenes.view_sharelink",
        "retailers.view_retailer",
        "earnings.view_commissionplan",
        "earnings.add_commissionplan",
        "earnings.change_commissionplan",
        "earnings.view_levelrate",
        "earnings.add_levelrate",
        "earnings.change_levelrate",
        "earnings.delete_levelrate",
        "earnings.view_categoryrate",
        "earnings.add_categoryrate",
        "earnings.change_categoryrate",
        "earnings.delete_categoryrate",
        "earnings.view_commissionentry",
        "earnings.view_customerprotection",
        "earnings.change_customerprotection",
        "earnings.view_protectionreassignment",
        "earnings.view_payoutbatch",
        "earnings.run_payouts",
        "earnings.year_end_report",
        "storefront.view_category",
    ],
    "Marketing": [
        "marketing.view_campaign",
        "marketing.add_campaign",
        "marketing.change_campaign",
        "marketing.view_subscriber",
        "marketing.view_consentrecord",
        "marketing.view_suppression",
        "marketing.view_trackingevent",
        "marketing.view_surveyresponse",
        "discounts.view_discountcode",
        "discounts.add_discountcode",
        "discounts.change_discountcode",
        "discounts.view_discountredemption",
        "retailers.view_retailer",
    ],
    "Catalog": [
        "storefront.view_product",
        "storefront.add_product",
        "storefront.change_product",
        "storefront.view_productimage",
        "storefront.add_productimage",
        "storefront.change_productimage",
        "storefront.view_category",
        "storefront.add_category",
        "storefront.change_category",
    ],
    "Compliance": [
        "privacy.view_breachincident",
        "privacy.add_breachincident",
        "privacy.change_breachincident",
        "privacy.view_breachnotification",
        "privacy.view_policyversion",
        "privacy.add_policyversion",
        "privacy.change_policyversion",
        "privacy.view_dataerasure",
        "privacy.view_ticket",
        "retailers.view_retailer",
        "retailers.view_domain",
        "retailers.suspend_retailer",
        "retailers.reveal_tax_id",
        "retailers.view_retailerauditevent",
        "orders.view_order",
        "mail.view_outboundemail",
        "axes.view_accessattempt",
        "axes.view_accessfailurelog",
        "axes.view_accesslog",
        "earnings.view_commissionentry",
        "earnings.view_payoutbatch",
        "earnings.view_protectionreassignment",
        "earnings.year_end_report",
        "earnings.year_end_reveal_tax_ids",
    ],
}


def roles_define(apps, schema_editor):
    if getattr(schema_editor.connection, "schema_name", "public") != "public":
        return
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)


def roles_remove(apps, schema_editor):
    # Back to the groups of retailers.0003 / privacy.0003: drop the roles they did not have.
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Finance", "Marketing", "Catalog"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("retailers", "0006_retailer_reveal_tax_id_permission"),
        ("earnings", "0002_ledger_append_only_and_roles"),
        ("privacy", "0003_staff_group_permissions"),
        ("orders", "0008_order_role_permissions"),
        ("scenes", "0002_seed_reward_tiers"),
        ("chat", "0002_support_group_answers_chat"),
        ("storefront", "0005_product_image_renditions_and_alt_text"),
        ("marketing", "0001_initial"),
        ("mail", "0001_initial"),
        ("discounts", "0001_discount_codes"),
        ("tax", "0002_seed_state_base_rates"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(roles_define, roles_remove)]
