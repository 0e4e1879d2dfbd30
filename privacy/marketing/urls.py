"""Routes served on every host (company site and every storefront)."""

from django.urls import path

from . import views

app_name = "marketing"

urlpatterns = [
    path("newsletter/", views.newsletter_signup, name="newsletter-signup"),
    path("newsletter/confirm/<str:token>/", views.newsletter_confirm, name="newsletter-confirm"),
    path("newsletter/preferences/<str:token>/", views.preferences, name="newsletter-preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("survey/<str:token>/", views.survey, name="survey"),
]
