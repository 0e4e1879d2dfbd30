from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html, format_html_join

from . import selectors, services
from .forms import BreachIncidentAdminForm
from .models import (
    BreachIncident,
    BreachNotification,
    DataErasure,
    PolicyVersion,
    Ticket,
)


# --- Policy versions ------------------------------------------------------------
@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ["version", "effective_date", "published", "published_at"]
    list_filter = ["published"]
    actions = ["publish"]
    fields = ["version", "effective_date", "summary_of_changes", "text", "published_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.published:  # a published version is a record: frozen
            return self.fields
        return ["published_at"]

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.published

    @admin.action(description="Publish the selected versions")
    def publish(self, request, queryset):
        for version in queryset.order_by("effective_date"):
            try:
                services.policy_version_publish(version=version)
            except ValidationError as exc:
                self.message_user(request, f"{version.version}: {exc.messages[0]}", messages.ERROR)
            else:
                self.message_user(request, f"Published version {version.version}.")


# --- Tickets --------------------------------------------------------------------
class TicketAdminForm(forms.ModelForm):
    reply = forms.CharField(
        label="Reply to the customer",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Added to the thread and emailed to the customer with their private link.",
    )

    class Meta:
        model = Ticket
        fields = ["status", "assignee"]


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    form = TicketAdminForm
    list_display = ["reference", "topic", "status", "assignee", "created_at", "updated_at"]
    list_filter = ["status", "topic", "assignee"]
    search_fields = ["reference", "email", "order_number"]
    readonly_fields = [
        "reference",
        "topic",
        "name",
        "email",
        "phone",
        "order_number",
        "user",
        "opened_on",
        "created_at",
        "thread",
    ]
    fields = [*readonly_fields, "status", "assignee", "reply"]

    @admin.display(description="Messages")
    def thread(self, obj):
        return format_html_join(
            "",
            "<p><strong>{}</strong> · {}</p><blockquote>{}</blockquote>",
            (
                (
                    m.get_author_display(),
                    m.created_at.strftime("%Y-%m-%d %H:%M"),
                    linebreaksbr(m.body),
                )
                for m in obj.messages.all()
            ),
        )

    def has_add_permission(self, request):
        return False  # tickets are opened by customers (or by staff on the phone, at /contact/)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.ticket_update(
            ticket=obj, status=form.cleaned_data["status"], assignee=form.cleaned_data["assignee"]
        )
        reply = form.cleaned_data.get("reply", "").strip()
        if reply:
            services.ticket_reply_staff(ticket=obj, staff_user=request.user, body=reply)

    def save_related(self, request, form, formsets, change):
        return None  # saved by the services in save_model


# --- Breach incidents -----------------------------------------------------------
@admin.register(BreachIncident)
class BreachIncidentAdmin(admin.ModelAdmin):
    form = BreachIncidentAdminForm
    list_display = [
        "title",
        "discovered_at",
        "deadline",
        "business_days_left",
        "affected",
        "notified",
        "failed",
        "acknowledged",
        "law_enforcement_hold",
    ]
    list_filter = ["scope", "law_enforcement_hold"]
    filter_horizontal = ["selected_retailers"]
    actions = ["notify"]
    readonly_fields = [
        "notify_started_at",
        "deadline",
        "business_days_left",
        "affected",
        "notified",
        "failed",
        "acknowledged",
    ]
    fieldsets = [
        (None, {"fields": ["title", "discovered_at", "description", "data_involved"]}),
        (
            "Who is affected",
            {
                "fields": [
                    "scope",
                    "selected_retailers",
                    "orders_from",
                    "orders_to",
                    "email_list",
                ]
            },
        ),
        ("Law enforcement", {"fields": ["law_enforcement_hold", "law_enforcement_note"]}),
        (
            "Progress (deadline: 7 business days after discovery)",
            {
                "fields": [
                    "deadline",
                    "business_days_left",
                    "notify_started_at",
                    "affected",
                    "notified",
                    "failed",
                    "acknowledged",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        # Affected people and progress are computed by PostgreSQL in the list's one query.
        return selectors.breach_incidents_for_admin(
            super().get_queryset(request).prefetch_related("selected_retailers")
        )

    def _deadline(self, obj):
        if not hasattr(obj, "_deadline_cache"):
            obj._deadline_cache = selectors.breach_deadline(incident=obj)
        return obj._deadline_cache

    def _progress(self, obj):
        if not hasattr(obj, "_progress_cache"):
            obj._progress_cache = selectors.breach_progress_of_row(obj)
        return obj._progress_cache

    def _overdue(self, obj) -> bool:
        deadline = self._deadline(obj)
        if deadline.business_days_left >= 0:
            return False
        return obj.notify_started_at is None or self._progress(obj).unnotified > 0

    @admin.display(description="Deadline")
    def deadline(self, obj):
        if obj.pk is None:
            return "-"
        value = self._deadline(obj).deadline.strftime("%a %b %d, %Y")
        if self._overdue(obj):
            return format_html('<strong class="errornote">OVERDUE · {}</strong>', value)
        return value

    @admin.display(description="Business days left")
    def business_days_left(self, obj):
        if obj.pk is None:
            return "-"
        left = self._deadline(obj).business_days_left
        if self._overdue(obj):
            return format_html("<strong>{} (overdue)</strong>", left)
        return left

    @admin.display(description="Affected people")
    def affected(self, obj):
        if obj.pk is None:
            return "-"
        count = getattr(obj, "affected_count", None)
        if count is None:  # an uploaded list, not yet notified: the file is counted
            return services.breach_list_affected_count(incident=obj)
        return count

    @admin.display(description="Notified by email")
    def notified(self, obj):
        return self._progress(obj).notified if obj.pk else "-"

    @admin.display(description="Email failed")
    def failed(self, obj):
        return self._progress(obj).failed if obj.pk else "-"

    @admin.display(description="Saw the in-site notice")
    def acknowledged(self, obj):
        return self._progress(obj).acknowledged if obj.pk else "-"

    @admin.action(
        description="Notify the affected people (email and in-site notice)",
        permissions=["change"],
    )
    def notify(self, request, queryset):
        for incident in queryset:
            try:
                created = services.breach_incident_notify(incident=incident)
            except ValidationError as exc:
                self.message_user(request, f"{incident}: {exc.messages[0]}", messages.ERROR)
            else:
                self.message_user(
                    request, f"{incident}: {created} notices created; sending in batches."
                )

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.notify_started_at is None


@admin.register(BreachNotification)
class BreachNotificationAdmin(admin.ModelAdmin):
    list_display = ["pk", "incident", "email", "email_status", "failed_attempts", "acknowledged_at"]
    list_filter = ["incident", "email_message__status"]
    search_fields = ["email"]
    list_select_related = ["incident", "email_message"]
    readonly_fields = [f.name for f in BreachNotification._meta.fields]

    @admin.display(description="Email")
    def email_status(self, obj):
        return obj.email_message.get_status_display() if obj.email_message else "not queued yet"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DataErasure)
class DataErasureAdmin(admin.ModelAdmin):
    list_display = ["user_id", "orders_anonymised", "tickets_erased", "created_at"]
    readonly_fields = [f.name for f in DataErasure._meta.fields]

    def has_add_permission(self, request):
        return False
