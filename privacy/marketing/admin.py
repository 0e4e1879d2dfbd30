"""Staff: campaigns (preview, test-send, start/schedule, pause/resume, progress),
subscribers and their consent, the suppression list, survey results."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from . import selectors, services
from .models import (
    Campaign,
    ConsentRecord,
    Subscriber,
    Suppression,
    SurveyResponse,
    TrackingEvent,
)
from .rendering import CampaignRenderer, campaign_compliance_problems, marketing_from_email


def _run(request: HttpRequest, queryset, fn, done: str) -> None:
    for campaign in queryset:
        try:
            fn(campaign_id=campaign.pk)
        except services.CampaignComplianceError as exc:
            messages.error(
                request, f"“{campaign}” refused by the compliance gate: {'; '.join(exc.problems)}"
            )
        except services.CampaignStateError as exc:
            messages.error(request, f"“{campaign}”: {exc}")
        else:
            messages.success(request, f"“{campaign}”: {done}")


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "subject", "status", "audience", "send_at", "progress"]
    list_filter = ["status", "audience"]
    search_fields = ["name", "subject"]
    filter_horizontal = ["retailers"]
    readonly_fields = [
        "sender",
        "status",
        "progress",
        "compliance",
        "preview_link",
        "created_at",
        "started_at",
        "finished_at",
    ]
    fieldsets = [
        (None, {"fields": ["name", "sender", "subject", "body_html", "body_text"]}),
        ("Audience and schedule", {"fields": ["audience", "retailers", "send_at"]}),
        (
            "Sending",
            {
                "fields": [
                    "status",
                    "progress",
                    "compliance",
                    "preview_link",
                    "created_at",
                    "started_at",
                    "finished_at",
                ]
            },
        ),
    ]
    actions = ["send_test", "start_now", "schedule", "pause", "resume"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != Campaign.Status.DRAFT:
            fields += ["subject", "body_html", "body_text", "audience", "retailers", "send_at"]
        return fields

    @admin.display(description="From")
    def sender(self, obj: Campaign) -> str:
        return marketing_from_email()

    @admin.display(description="Progress")
    def progress(self, obj: Campaign) -> str:
        if obj.pk is None or obj.status in (Campaign.Status.DRAFT, Campaign.Status.SCHEDULED):
            return "—"
        return str(selectors.campaign_progress(campaign_id=obj.pk))

    @admin.display(description="Compliance gate")
    def compliance(self, obj: Campaign) -> str:
        if obj.pk is None:
            return "Checked when you save."
        problems = campaign_compliance_problems(obj)
        if not problems:
            return "Passes: label, postal address, unsubscribe link and headers are present."
        return "Refused: " + " ".join(problems)

    @admin.display(description="Preview")
    def preview_link(self, obj: Campaign) -> str:
        if obj.pk is None:
            return "—"
        url = reverse("admin:marketing_campaign_preview", args=[obj.pk])
        return format_html('<a href="{}">Preview the message</a>', url)

    def get_urls(self):
        return [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="marketing_campaign_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        campaign = get_object_or_404(Campaign, pk=pk)
        if not self.has_view_permission(request, campaign):
            raise PermissionDenied
        problems = campaign_compliance_problems(campaign)
        rendered = None
        if not any(p.startswith("The body template has an error") for p in problems):
            rendered = CampaignRenderer(campaign).render(
                to="preview@example.invalid", subscriber_id=0, retailer_name="Sample Retailer"
            )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Preview: {campaign}",
            "campaign": campaign,
            "rendered": rendered,
            "problems": problems,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "marketing/admin/campaign_preview.html", context)

    @admin.action(description="Send a test to my own email address", permissions=["change"])
    def send_test(self, request, queryset):
        if not request.user.email:
            messages.error(request, "Your staff account has no email address.")
            return
        _run(
            request,
            queryset,
            lambda campaign_id: services.campaign_test_send(
                campaign_id=campaign_id, to=request.user.email
            ),
            f"test sent to {request.user.email}.",
        )

    @admin.action(description="Start sending now", permissions=["change"])
    def start_now(self, request, queryset):
        _run(request, queryset, services.campaign_start, "sending started.")

    @admin.action(description="Schedule (sends at “Send at”)", permissions=["change"])
    def schedule(self, request, queryset):
        _run(request, queryset, services.campaign_schedule, "scheduled.")

    @admin.action(description="Pause sending", permissions=["change"])
    def pause(self, request, queryset):
        _run(request, queryset, services.campaign_pause, "paused.")

    @admin.action(description="Resume sending", permissions=["change"])
    def resume(self, request, queryset):
        _run(request, queryset, services.campaign_resume, "resumed.")


class ConsentInline(admin.TabularInline):
    model = ConsentRecord
    extra = 0
    can_delete = False
    readonly_fields = ["action", "retailer", "consent_text", "host", "path", "created_at"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "status", "created_at", "confirmed_at", "unsubscribed_at"]
    list_filter = ["status"]
    search_fields = ["email"]
    readonly_fields = ["email", "status", "created_at", "confirmed_at", "unsubscribed_at"]
    inlines = [ConsentInline]

    def has_add_permission(self, request):
        return False


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    list_display = ["email", "reason", "source", "created_at"]
    list_filter = ["reason"]
    search_fields = ["email"]

    def get_readonly_fields(self, request, obj=None):
        return ["email", "reason", "source", "created_at"] if obj else ["created_at"]


@admin.register(TrackingEvent)
class TrackingEventAdmin(admin.ModelAdmin):
    list_display = ["esp", "event_type", "event_id", "suppressed", "created_at"]
    list_filter = ["esp", "event_type", "suppressed"]
    readonly_fields = [f.name for f in TrackingEvent._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(SurveyResponse)
class SurveyResponseAdmin(admin.ModelAdmin):
    list_display = ["answered_on", "rating", "retailer", "may_contact", "order", "short_comment"]
    list_filter = ["rating", "may_contact", "retailer"]
    readonly_fields = [f.name for f in SurveyResponse._meta.fields if f.name != "order_digest"]
    exclude = ["order_digest"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="Comment")
    def short_comment(self, obj: SurveyResponse) -> str:
        return obj.comment[:80]

    def changelist_view(self, request, extra_context=None):
        summary = SurveyResponse.objects.aggregate(n=Count("pk"), average=Avg("rating"))
        extra_context = {**(extra_context or {}), "title": _survey_title(summary)}
        return super().changelist_view(request, extra_context=extra_context)


def _survey_title(summary: dict) -> str:
    if not summary["n"]:
        return "Survey answers (none yet)"
    return f"Survey answers: {summary['n']}, average {summary['average']:.2f} / 5"
