from django.urls import path

from . import guest_views, views

app_name = "scenes"

urlpatterns = [
    path("s/<str:code>/", views.scene_landing, name="scene"),
    path("s/<str:code>/p/<slug:slug>/", views.scene_product, name="scene-product"),
    path("s/<str:code>/host/<str:token>/", views.host_page, name="host"),
    # party guest list (issue 27): a guest's own links, no account
    path("s/<str:code>/rsvp/<str:token>/", guest_views.guest_rsvp, name="guest-rsvp"),
    path("s/<str:code>/host/<str:token>/guests/", guest_views.host_guest_add, name="host-guests"),
    path(
        "s/<str:code>/host/<str:token>/half-price/",
        guest_views.host_half_price,
        name="host-half-price",
    ),
    path("s/<str:code>/no-parties/<str:token>/", guest_views.guest_opt_out, name="guest-opt-out"),
    path("l/<str:code>/", views.share_landing, name="share"),
    path("l/<str:code>/p/<slug:slug>/", views.share_product, name="share-product"),
]
