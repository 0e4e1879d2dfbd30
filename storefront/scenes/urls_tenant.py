from django.urls import path

from . import guest_views, views
from .throttle import scene_lookup_limited as limited

app_name = "scenes"

# Every lookup by scene or share code is throttled per client (issue 30 item 11).
urlpatterns = [
    path("s/<str:code>/", limited(views.scene_landing), name="scene"),
    path("s/<str:code>/p/<slug:slug>/", limited(views.scene_product), name="scene-product"),
    path("s/<str:code>/host/<str:token>/", limited(views.host_page), name="host"),
    # party guest list (issue 27): a guest's own links, no account
    path("s/<str:code>/rsvp/<str:token>/", limited(guest_views.guest_rsvp), name="guest-rsvp"),
    path(
        "s/<str:code>/host/<str:token>/guests/",
        limited(guest_views.host_guest_add),
        name="host-guests",
    ),
    path(
        "s/<str:code>/host/<str:token>/half-price/",
        limited(guest_views.host_half_price),
        name="host-half-price",
    ),
    path(
        "s/<str:code>/no-parties/<str:token>/",
        limited(guest_views.guest_opt_out),
        name="guest-opt-out",
    ),
    path("l/<str:code>/", limited(views.share_landing), name="share"),
    path("l/<str:code>/p/<slug:slug>/", limited(views.share_product), name="share-product"),
]
