"""Request ids, JSON logs without personal data, and the per-request metrics hook.

`RequestIdMiddleware` runs outermost: it takes the proxy's `X-Request-ID` when it is a
plain token (else makes one), keeps it in a context variable for every log line of the
request, answers it back in `X-Request-ID`, times the request for Prometheus
(`shopsocial.metrics`) and writes one access line. The access line names the URL
*pattern* (`/account/reset/<uidb64>/<token>/`), never the raw path or query string:
paths carry tokens and query strings carry email addresses.

`JsonFormatter` writes one JSON object per line. `PiiRedactingFilter` masks anything
shaped like an email address, a US SSN/EIN or a card number in every record, as a last
line of defence behind the rule that code never logs personal data.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

access_logger = logging.getLogger("shopsocial.access")

_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_id_current() -> str:
    return request_id_var.get()


def route_of(request: HttpRequest) -> str:
    """The matched URL pattern ("/p/<slug>/"), or "<unmatched>": never the raw path."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "<unmatched>"
    return "/" + (match.route or "")


def view_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "<unmatched>"
    return match.view_name or match._func_path


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from shopsocial import metrics

        # From META, not request.headers: that builds a dict of every header (~10 µs).
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        request.request_id = request_id
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            elapsed = time.perf_counter() - started
            response["X-Request-ID"] = request_id
            view = view_of(request)
            metrics.request_observe(
                view=view, method=request.method, status=response.status_code, seconds=elapsed
            )
            access_logger.info(
                "request",
                extra={
                    "method": request.method,
                    "route": route_of(request),
                    "view": view,
                    "status": response.status_code,
                    "duration_ms": round(elapsed * 1000, 2),
                    "schema": getattr(getattr(request, "tenant", None), "schema_name", "-"),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_SSN = re.compile(r"\b\d{3}-\d{2}-\d{4}\b|\b\d{2}-\d{7}\b")
_CARD = re.compile(r"\b(?:\d[ -]?){13,19}\b")


def pii_redact(text: str) -> str:
    text = _EMAIL.sub("[email]", text)
    text = _SSN.sub("[tax-id]", text)
    return _CARD.sub("[number]", text)


class PiiRedactingFilter(logging.Filter):
    """Masks email addresses, SSN/EIN and card-like numbers in the message and its args."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if request is not None and isinstance(record.args, tuple):
            # django.request's "Not Found: <path>": paths carry tokens; name the route.
            raw = {getattr(request, "path", None), getattr(request, "path_info", None)}
            record.args = tuple(route_of(request) if a in raw else a for a in record.args)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string is still logged
            message = str(record.msg)
        redacted = pii_redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


# Attributes every LogRecord has; anything else was passed in `extra=` and is written out.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
    "taskName",
    "request",  # Django's request object: its repr holds the raw path
}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = (
                    value
                    if isinstance(value, int | float | bool | None)
                    else pii_redact(str(value))
                )
        if record.exc_info:
            entry["exc"] = pii_redact(self.formatException(record.exc_info))
        return json.dumps(entry, default=str)
