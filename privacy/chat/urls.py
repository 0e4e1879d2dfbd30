"""The person's chat: the same on the company site and every storefront."""

from django.urls import path

from . import views

urlpatterns = [
    path("contact/chat/", views.chat_page, name="chat"),
    path("contact/chat/start/", views.chat_start, name="chat-start"),
]
