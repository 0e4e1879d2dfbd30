"""Account URLs. `shopper` on every host; `storefront` on retailer hosts only; `company`
(back office and staff recovery) on the company host, included before the admin."""

from django.urls import path

from . import views

shopper = [
    path("account/password/", views.ShopperPasswordChangeView.as_view(), name="account-password"),
    path(
        "account/password/reset/",
        views.ShopperPasswordResetView.as_view(),
        name="account-password-reset",
    ),
    path(
        "account/password/reset/sent/",
        views.password_reset_sent,
        name="account-password-reset-sent",
    ),
    path(
        "account/password/reset/complete/",
        views.password_reset_complete,
        name="account-password-reset-complete",
    ),
    path(
        "account/password/reset/<str:uidb64>/<str:token>/",
        views.ShopperPasswordResetConfirmView.as_view(),
        name="account-password-reset-confirm",
    ),
    path("account/email/", views.account_email, name="account-email"),
    path("account/email/resend/", views.account_email_resend, name="account-email-resend"),
    path(
        "account/email/verify/<str:uidb64>/<str:token>/",
        views.account_email_verify_view,
        name="account-email-verify",
    ),
]

storefront = [
    path("orders/status/<str:token>/", views.order_status, name="order-status"),
]

company = [
    # Retailers (back office)
    path(
        "backoffice/password-reset/",
        views.RetailerPasswordResetView.as_view(),
        name="backoffice-password-reset",
    ),
    path(
        "backoffice/password-reset/sent/",
        views.retailer_password_reset_sent,
        name="backoffice-password-reset-sent",
    ),
    path(
        "backoffice/password-reset/complete/",
        views.retailer_password_reset_complete,
        name="backoffice-password-reset-complete",
    ),
    path(
        "backoffice/password-reset/<str:uidb64>/<str:token>/",
        views.RetailerPasswordResetConfirmView.as_view(),
        name="backoffice-password-reset-confirm",
    ),
    path(
        "backoffice/forgot-id/", views.RetailerIdReminderView.as_view(), name="backoffice-forgot-id"
    ),
    path(
        "backoffice/forgot-id/sent/",
        views.retailer_id_reminder_sent,
        name="backoffice-forgot-id-sent",
    ),
    # Staff (the admin's sign-in page links the first one when it is named so).
    path(
        "admin/password_reset/",
        views.StaffPasswordResetView.as_view(),
        name="admin_password_reset",
    ),
    path(
        "admin/password_reset/done/",
        views.StaffPasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "admin/reset/<str:uidb64>/<str:token>/",
        views.StaffPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "admin/reset/done/",
        views.StaffPasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
