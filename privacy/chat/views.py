"""Chat pages: the person's chat page (every host), the retailer's (back office) and the
staff console (company host). The sockets do the rest (consumers.py).

Nothing chat-related is on other pages but a plain link to `/contact/chat/`: the
script, the socket and the connect-src allowance exist only on these pages, and no
page here sets a cookie (the chat's bearer token lives in the page's sessionStorage).
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.csp import CSP
from django.views.decorators.http import require_POST, require_safe
from django_ratelimit.core import is_ratelimited

from retailers.decorators import backoffice_view

from . import selectors, services
from .forms import ChatStartForm, RetailerChatStartForm

logger = logging.getLogger(__name__)
QUEUE_GROUP = "support.queue"


def _with_socket_csp(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Allow this page, and only it, to open a socket to its own host."""
    scheme = "wss" if request.is_secure() else "ws"
    connect = [CSP.SELF, f"{scheme}://{request.get_host()}"]
    response._csp_config = {**settings.SECURE_CSP, "connect-src": connect}
    add_never_cache_headers(response)
    return response


def _queue_changed() -> None:
    try:
        async_to_sync(get_channel_layer().group_send)(QUEUE_GROUP, {"type": "queue.changed"})
    except Exception:  # layer down: consoles refresh on their next event
        logger.warning("chat: could not tell the consoles about a new chat", exc_info=True)


def _start_refused(availability: selectors.ChatAvailability) -> JsonResponse:
    status = 503 if availability.state == selectors.Availability.UNAVAILABLE else 409
    return JsonResponse({"ok": False, "state": availability.state.value}, status=status)


def _started(chat, token: str) -> JsonResponse:
    transaction.on_commit(_queue_changed)
    response = JsonResponse(
        {"ok": True, "token": token, "reference": chat.ticket.reference, "socket": "/ws/chat/"}
    )
    add_never_cache_headers(response)
    return response


def _limited(request: HttpRequest) -> bool:
    return is_ratelimited(
        request, group="chat-start", key="ip", rate=settings.CHAT_START_RATE, increment=True
    )


# --- The person's chat page ---------------------------------------------------------
@require_safe
def chat_page(request: HttpRequest) -> HttpResponse:
    availability = selectors.chat_availability()
    initial = {}
    if request.user.is_authenticated:
        initial = {"name": request.user.get_full_name(), "email": request.user.email}
    context = {
        "availability": availability.state.value,
        "form": ChatStartForm(initial=initial),
        "start_url": "/contact/chat/start/",
        "max_chars": settings.CHAT_MESSAGE_MAX_CHARS,
    }
    return _with_socket_csp(request, render(request, "chat/chat.html", context))


@require_POST
def chat_start(request: HttpRequest) -> JsonResponse:
    if _limited(request):
        return JsonResponse({"ok": False, "state": "rate_limited"}, status=429)
    form = ChatStartForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"ok": False, "errors": form.errors.get_json_data()}, status=400)
    availability = selectors.chat_availability()
    if not availability.can_chat:
        return _start_refused(availability)
    with transaction.atomic():
        chat, token = services.chat_start(
            **form.cleaned_data,
            storefront=request.tenant,
            user=request.user if request.user.is_authenticated else None,
        )
        return _started(chat, token)


# --- Retailer Services (back office) ---------------------------------------------------
@backoffice_view
@require_safe
def backoffice_chat_page(request: HttpRequest) -> HttpResponse:
    context = {
        "availability": selectors.chat_availability().state.value,
        "form": RetailerChatStartForm(),
        "start_url": "/backoffice/chat/start/",
        "max_chars": settings.CHAT_MESSAGE_MAX_CHARS,
    }
    return _with_socket_csp(request, render(request, "chat/backoffice_chat.html", context))


@backoffice_view
@require_POST
def backoffice_chat_start(request: HttpRequest) -> JsonResponse:
    form = RetailerChatStartForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"ok": False, "errors": form.errors.get_json_data()}, status=400)
    availability = selectors.chat_availability()
    if not availability.can_chat:
        return _start_refused(availability)
    retailer = request.retailer
    with transaction.atomic():
        chat, token = services.chat_start(
            topic=form.cleaned_data["topic"],
            name=retailer.display_name,
            email=retailer.email or request.user.email,
            storefront=request.tenant,
            retailer=retailer,
            user=request.user,
        )
        return _started(chat, token)


# --- Staff console --------------------------------------------------------------------
@require_safe
def console_page(request: HttpRequest) -> HttpResponse:
    if not selectors.staff_may_answer_chat(user=request.user, session=request.session):
        return redirect(f"/admin/login/?next={quote(request.get_full_path())}")
    context = {
        "availability": selectors.chat_availability().state.value,
        "office_hours": settings.CHAT_OFFICE_HOURS,
        "max_chars": settings.CHAT_MESSAGE_MAX_CHARS,
    }
    response = render(request, "chat/console.html", context)
    response["X-Robots-Tag"] = "noindex"
    return _with_socket_csp(request, response)
