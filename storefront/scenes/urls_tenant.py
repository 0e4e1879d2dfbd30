from django.urls import path

from . import views

app_name = "scenes"

urlpatterns = [
    path("s/<str:code>/", views.scene_landing, name="scene"),
    path("s/<str:code>/p/<slug:slug>/", views.scene_product, name="scene-product"),
    path("s/<str:code>/host/<str:token>/", views.host_page, name="host"),
    path("l/<str:code>/", views.share_landing, name="share"),
    path("l/<str:code>/p/<slug:slug>/", views.share_product, name="share-product"),
]
