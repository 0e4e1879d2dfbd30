"""Company site: the person's chat, Retailer Services in the back office, the staff console."""

from django.urls import path

from . import views
from .urls import urlpatterns as shared

urlpatterns = [
    *shared,
    path("backoffice/chat/", views.backoffice_chat_page, name="backoffice-chat"),
    path("backoffice/chat/start/", views.backoffice_chat_start, name="backoffice-chat-start"),
    path("support/chat/", views.console_page, name="chat-console"),
]
