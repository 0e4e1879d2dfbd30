"""Privacy URLs; the same on the company site and on every storefront."""

from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path(".well-known/gpc.json", views.gpc_json, name="gpc-json"),
    path("privacy/", views.policy, name="policy"),
    path("privacy/versions/<str:version>/", views.policy_version, name="policy-version"),
    path("privacy/analytics/", views.analytics, name="analytics"),
    path("privacy/my-data/", views.my_data, name="my-data"),
    path("privacy/my-data/details/", views.my_data_details, name="my-data-details"),
    path("privacy/my-data/download/", views.my_data_download, name="my-data-download"),
    path("privacy/my-data/delete/", views.my_data_delete, name="my-data-delete"),
    path(
        "privacy/notices/<int:notification_id>/acknowledge/",
        views.breach_notice_acknowledge,
        name="notice-acknowledge",
    ),
    path("contact/", views.contact, name="contact"),
    path("contact/sent/", views.contact_sent, name="contact-sent"),
    path(
        "contact/tickets/<str:reference>/<str:token>/",
        views.ticket_detail,
        name="contact-ticket",
    ),
]
