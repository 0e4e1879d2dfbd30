"""Company host: registration and the retailer back office."""

from django.urls import path

from storefront.scenes import backoffice as scenes
from storefront.scenes import guest_views as scene_guests

from .earnings import views as earnings
from .team import views as team
from .views import auth, backoffice, registration

app_name = "retailers"

urlpatterns = [
    path("register/", registration.registration_view, name="register"),
    path(
        "register/welcome/<str:token>/",
        registration.registration_welcome_view,
        name="registration-welcome",
    ),
    path("register/terms/", registration.retailer_terms_view, name="terms"),
    path("backoffice/", backoffice.dashboard_view, name="backoffice-dashboard"),
    path("backoffice/signin/", auth.sign_in_view, name="backoffice-signin"),
    path("backoffice/signin/code/", auth.sign_in_code_view, name="backoffice-signin-code"),
    path("backoffice/signout/", auth.sign_out_view, name="backoffice-signout"),
    path("backoffice/orders/", backoffice.order_list_view, name="backoffice-orders"),
    path(
        "backoffice/orders/<int:order_id>/",
        backoffice.order_detail_view,
        name="backoffice-order",
    ),
    path("backoffice/contact/", backoffice.contact_view, name="backoffice-contact"),
    # --- hardening: the link sent to a new email address (issue 30 item 3)
    path(
        "backoffice/email/confirm/<str:token>/",
        backoffice.email_confirm_view,
        name="backoffice-email-confirm",
    ),
    # --- end hardening
    path(
        "backoffice/contact/reveal/",
        backoffice.tax_id_reveal_view,
        name="backoffice-tax-id-reveal",
    ),
    path("backoffice/earnings/", earnings.earnings_view, name="backoffice-earnings"),
    path(
        "backoffice/earnings/statements/<int:year>-<int:month>/",
        earnings.statement_view,
        name="backoffice-statement",
    ),
    path("backoffice/customers/", earnings.customers_view, name="backoffice-customers"),
    # Payouts (issue 26)
    path(
        "backoffice/earnings/payout-account/",
        earnings.payout_account_view,
        name="backoffice-payout-account",
    ),
    # Payouts (issue 26): Stripe Connect onboarding.
    path(
        "backoffice/earnings/payout-account/stripe/",
        earnings.connect_start_view,
        name="backoffice-connect-start",
    ),
    path(
        "backoffice/earnings/payout-account/stripe/return/",
        earnings.connect_return_view,
        name="backoffice-connect-return",
    ),
    # Payouts (issue 26): the retailer's Form 1099-NEC recipient copy.
    path(
        "backoffice/earnings/1099/<int:year>/",
        earnings.form_1099_view,
        name="backoffice-form-1099",
    ),
    path("backoffice/scenes/", scenes.scene_list_view, name="backoffice-scenes"),
    path("backoffice/scenes/<int:scene_id>/", scenes.scene_detail_view, name="backoffice-scene"),
    path(  # party guest list (issue 27)
        "backoffice/scenes/<int:scene_id>/guests/",
        scene_guests.scene_guest_add_view,
        name="backoffice-scene-guests",
    ),
    path(  # orders entered for party guests (issue 27)
        "backoffice/scenes/<int:scene_id>/guest-orders/",
        scene_guests.scene_guest_order_view,
        name="backoffice-scene-guest-order",
    ),
    path(
        "backoffice/scenes/<int:scene_id>/close/",
        scenes.scene_close_view,
        name="backoffice-scene-close",
    ),
    path(
        "backoffice/scenes/<int:scene_id>/qr.<str:fmt>",
        scenes.scene_qr_view,
        name="backoffice-scene-qr",
    ),
    path("backoffice/share/", scenes.share_list_view, name="backoffice-share"),
    path(
        "backoffice/share/<int:link_id>/qr.<str:fmt>",
        scenes.share_qr_view,
        name="backoffice-share-qr",
    ),
    # --- team (issue 25)
    path("backoffice/team/", team.team_view, name="backoffice-team"),
    path(
        "register/welcome/<str:token>/starter-kit/",
        team.starter_kit_checkout_view,
        name="registration-starter-kit",
    ),
    # --- end team
    path("backoffice/storefront/", backoffice.storefront_view, name="backoffice-storefront"),
    path("backoffice/password/", backoffice.password_view, name="backoffice-password"),
    path("backoffice/security/", backoffice.security_view, name="backoffice-security"),
]
