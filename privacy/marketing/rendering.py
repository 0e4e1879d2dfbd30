"""Campaign messages: the staff-written body wrapped in the parts the law requires.

The system adds, never staff: the "Advertisement" label, the company's postal
address, the unsubscribe link at the bottom, and the RFC 8058 headers. The
compliance gate checks the *rendered* message, so a template change that drops a
part stops every send.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.utils import formataddr

from django.conf import settings
from django.template import Context, Template, TemplateSyntaxError
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe

from shopsocial.mail.services import EmailMessage, render_text
from shopsocial.urls_util import company_reverse

from . import tokens
from .models import Campaign

ADVERTISEMENT_LABEL = "Advertisement"
ONE_CLICK = "List-Unsubscribe=One-Click"
_TOKEN = "__SS_UNSUBSCRIBE_TOKEN__"
_BODY_END = "<!-- campaign-body-end -->"
_TEXT_BODY_END = "\n-- \n"


def marketing_from_email() -> str:
    return formataddr((settings.COMPANY["name"], settings.MARKETING_FROM_EMAIL))


def _unsubscribe_url(token: str) -> str:
    return company_reverse("marketing:unsubscribe", token)


def _preferences_url(token: str) -> str:
    return company_reverse("marketing:newsletter-preferences", token)


@dataclass
class RenderedMessage:
    to: str
    subject: str
    from_email: str
    text: str
    html: str
    unsubscribe_url: str
    headers: dict[str, str] = field(default_factory=dict)

    def as_email(self, *, campaign_id: int | None = None) -> EmailMessage:
        message = EmailMessage(
            subject=self.subject,
            body=self.text,
            from_email=self.from_email,
            to=[self.to],
            reply_to=[settings.EMAIL_REPLY_TO],
            headers=dict(self.headers),
        )
        message.attach_alternative(self.html, "text/html")
        # anymail: a tag and a non-personal id only (some ESPs expose metadata as headers).
        message.tags = ["marketing"]
        if campaign_id is not None:
            message.metadata = {"campaign": str(campaign_id)}
        return message


def message_compliance_problems(message: RenderedMessage) -> list[str]:
    """What a rendered marketing message lacks; empty when it may be sent."""
    problems: list[str] = []
    company = settings.COMPANY
    if not message.subject.strip():
        problems.append("The subject is empty.")
    if company["name"] not in message.from_email:
        problems.append("The From name is not the company's name.")
    for part, body, esc in (("text", message.text, str), ("HTML", message.html, escape)):
        if ADVERTISEMENT_LABEL not in body:
            problems.append(f"The {part} part lacks the “{ADVERTISEMENT_LABEL}” label.")
        for line in company["address_lines"]:
            if esc(line) not in body:
                problems.append(f"The {part} part lacks the postal address line “{line}”.")
        url = esc(message.unsubscribe_url)
        end = _BODY_END if part == "HTML" else _TEXT_BODY_END
        if url not in body:
            problems.append(f"The {part} part lacks the unsubscribe link.")
        elif end not in body or body.rfind(url) < body.rfind(end):
            problems.append(f"The {part} part's unsubscribe link is not at the bottom.")
    if message.headers.get("List-Unsubscribe") != f"<{message.unsubscribe_url}>":
        problems.append("The List-Unsubscribe header is missing or wrong.")
    if message.headers.get("List-Unsubscribe-Post") != ONE_CLICK:
        problems.append("The List-Unsubscribe-Post header is missing or wrong.")
    return problems


class CampaignRenderer:
    """Renders one campaign for many recipients: the body once per retailer, then the
    recipient's signed token is put in. Raises TemplateSyntaxError on a bad body."""

    def __init__(self, campaign: Campaign):
        self.campaign = campaign
        self._html = Template(campaign.body_html)
        self._text = Template(campaign.body_text)
        self._subject = Template(campaign.subject)
        self._from = marketing_from_email()
        self._parts: dict[str, tuple[str, str, str]] = {}

    def _parts_for(self, retailer_name: str) -> tuple[str, str, str]:
        parts = self._parts.get(retailer_name)
        if parts is None:
            data = {"retailer_name": retailer_name, "company": settings.COMPANY}
            body_html = self._html.render(Context(data))
            body_text = self._text.render(Context(data, autoescape=False))
            # The subject is a template like the bodies ("... from {{ retailer_name }}"),
            # plain text, on one line (a header never carries a line break).
            subject = " ".join(self._subject.render(Context(data, autoescape=False)).split())
            ctx = {
                "label": ADVERTISEMENT_LABEL,
                "company": settings.COMPANY,
                "retailer_name": retailer_name,
                "unsubscribe_url": _unsubscribe_url(_TOKEN),
                "preferences_url": _preferences_url(_TOKEN),
                "body_end": mark_safe(_BODY_END),  # noqa: S308 - a constant HTML comment
            }
            html = render_to_string(
                "email/marketing_campaign.html",
                {**ctx, "body": mark_safe(body_html)},  # noqa: S308
            )
            text = render_text(
                "email/marketing_campaign.txt",
                {**ctx, "body": body_text.strip(), "text_body_end": _TEXT_BODY_END},
            )
            parts = self._parts[retailer_name] = (subject, text, html)
        return parts

    def render(self, *, to: str, subscriber_id: int, retailer_name: str) -> RenderedMessage:
        subject, text, html = self._parts_for(retailer_name)
        token = tokens.unsubscribe_token_make(subscriber_id)
        url = _unsubscribe_url(token)
        return RenderedMessage(
            to=to,
            subject=subject,
            from_email=self._from,
            text=text.replace(_TOKEN, token),
            html=html.replace(_TOKEN, token),
            unsubscribe_url=url,
            headers={"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": ONE_CLICK},
        )


def campaign_compliance_problems(campaign: Campaign) -> list[str]:
    """The gate: render a sample message and list what it lacks (plus template errors)."""
    if not campaign.body_html.strip() or not campaign.body_text.strip():
        return ["Both the HTML and the plain-text body are required."]
    try:
        renderer = CampaignRenderer(campaign)
        sample = renderer.render(
            to="preview@example.invalid", subscriber_id=0, retailer_name="Sample Retailer"
        )
    except TemplateSyntaxError as exc:
        return [f"The body template has an error: {exc}"]
    return message_compliance_problems(sample)
