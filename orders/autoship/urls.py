"""Autoship URLs: `storefront` on every shop host (account pages), `company` (back office)."""

from django.urls import path

from . import views

storefront = [
    path("account/autoship/", views.autoship_list, name="autoship-list"),
    path("account/autoship/<int:autoship_id>/", views.autoship_detail, name="autoship-detail"),
    path("account/autoship/<int:autoship_id>/card/", views.autoship_card, name="autoship-card"),
    path(
        "account/autoship/<int:autoship_id>/card/done/",
        views.autoship_card_done,
        name="autoship-card-done",
    ),
    path(
        "account/autoship/<int:autoship_id>/<slug:action>/",
        views.autoship_action,
        name="autoship-action",
    ),
]

company = [
    path("backoffice/autoship/", views.backoffice_autoships, name="backoffice-autoship"),
]
