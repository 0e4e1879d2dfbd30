"""Staff screens for earnings: plan (Finance), ledger (read-only), payouts, year-end.

The ledger cannot be edited or deleted here (nor in the database: a trigger refuses
it); reassignments ask for a reason and are audited.
"""

from __future__ import annotations

from datetime import date

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters

from ..services import staff_password_reconfirm
from . import ach, connect, form1099, reports, selectors, services
from .forms import PayoutPrepareForm, ReassignForm, YearForm
from .models import (
    CategoryRate,
    CommissionEntry,
    CommissionPlan,
    CustomerProtection,
    Form1099Export,
    LevelRate,
    PayoutAccount,
    PayoutBatch,
    PayoutLine,
    ProtectionReassignment,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class LevelRateInline(admin.TabularInline):
    model = LevelRate
    extra = 0


class CategoryRateInline(admin.TabularInline):
    model = CategoryRate
    extra = 0
    autocomplete_fields = ["category"]


@admin.register(CommissionPlan)
class CommissionPlanAdmin(admin.ModelAdmin):
    list_display = ["name", "effective_from", "effective_to"]
    inlines = [LevelRateInline, CategoryRateInline]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


def _reassign_form(admin_obj, request, queryset, *, title, action, apply):
    if queryset.count() != 1:
        admin_obj.message_user(request, "Select exactly one row.", messages.ERROR)
        return None
    obj = queryset.first()
    form = ReassignForm(
        request.POST if "apply" in request.POST else None,
        initial={"_selected_action": [obj.pk]},
    )
    if form.is_valid():
        try:
            apply(obj, form.cleaned_data["to_retailer"], form.cleaned_data["reason"])
        except ValidationError as exc:
            admin_obj.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            admin_obj.message_user(request, "Reassigned; the reason is in the audit trail.")
        return None
    return TemplateResponse(
        request,
        "earnings/admin/action_form.html",
        {
            **admin_obj.admin_site.each_context(request),
            "title": title,
            "form": form,
            "action": action,
            "opts": admin_obj.model._meta,
            "submit_label": "Reassign",
        },
    )


@admin.register(CommissionEntry)
class CommissionEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "retailer", "order", "kind", "base", "amount", "status"]
    list_filter = ["status", "kind", "created_at"]
    search_fields = ["order__number", "retailer__retailer_number", "retailer__display_name"]
    list_select_related = ["retailer", "order"]
    actions = ["reassign_order"]

    def has_reassign_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("earnings.run_payouts")

    @admin.action(description="Reassign this order's commission…", permissions=["reassign"])
    def reassign_order(self, request: HttpRequest, queryset):
        return _reassign_form(
            self,
            request,
            queryset,
            title="Reassign an order's commission",
            action="reassign_order",
            apply=lambda entry, to, reason: services.commission_reassign(
                order=entry.order, to_retailer=to, reason=reason, actor=request.user
            ),
        )


@admin.register(CustomerProtection)
class CustomerProtectionAdmin(ReadOnlyAdmin):
    list_display = ["pk", "retailer", "started_at", "last_order_at", "expires_at"]
    list_filter = ["expires_at"]
    search_fields = ["retailer__retailer_number", "retailer__display_name"]
    list_select_related = ["retailer"]
    fields = ["retailer", "first_order", "started_at", "last_order_at", "expires_at"]
    actions = ["reassign_customer"]

    def has_reassign_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("earnings.change_customerprotection")

    @admin.action(
        description="Reassign this customer to another retailer…", permissions=["reassign"]
    )
    def reassign_customer(self, request: HttpRequest, queryset):
        return _reassign_form(
            self,
            request,
            queryset,
            title="Reassign a protected customer",
            action="reassign_customer",
            apply=lambda protection, to, reason: services.protection_reassign(
                protection=protection, to_retailer=to, reason=reason, actor=request.user
            ),
        )


@admin.register(ProtectionReassignment)
class ProtectionReassignmentAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "from_retailer", "to_retailer", "order", "reason", "actor"]


class PayoutLineInline(admin.TabularInline):
    model = PayoutLine
    extra = 0
    can_delete = False
    fields = [
        "retailer",
        "amount",
        "held",
        "below_minimum",
        "hold_reason",
        "transfer_id",
        "transfer_status",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PayoutBatch)
class PayoutBatchAdmin(admin.ModelAdmin):
    list_display = ["pk", "period_end", "rail", "status", "created_at", "paid_at"]
    readonly_fields = [
        "period_end",
        "rail",
        "minimum",
        "status",
        "created_by",
        "created_at",
        "paid_at",
    ]
    inlines = [PayoutLineInline]
    actions = ["download_csv", "download_ach", "send_transfers", "mark_paid"]
    change_list_template = "earnings/admin/payout_changelist.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_run_payouts_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("earnings.run_payouts")

    def get_urls(self):
        return [
            path(
                "prepare/",
                self.admin_site.admin_view(self.prepare_view),
                name="earnings_payoutbatch_prepare",
            ),
            path(
                "year-end/",
                self.admin_site.admin_view(self.year_end_view),
                name="earnings_payoutbatch_year_end",
            ),
            *super().get_urls(),
        ]

    def prepare_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_run_payouts_permission(request):
            raise PermissionDenied
        form = PayoutPrepareForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                batch = services.payout_batch_create(
                    period_end=form.cleaned_data["period_end"],
                    minimum=form.cleaned_data["minimum"],
                    actor=request.user,
                )
            except services.EarningsError as exc:
                form.add_error(None, str(exc))
            else:
                held = batch.lines.filter(held=True, below_minimum=False).count()
                carried = batch.lines.filter(below_minimum=True).count()
                self.message_user(
                    request,
                    f"Payout #{batch.pk} prepared: {batch.lines.filter(held=False).count()} "
                    f"to pay, {held} held, {carried} under the minimum carried over "
                    "(retailers and Finance emailed). Download the bank file, then mark it paid.",
                )
                return redirect(reverse("admin:earnings_payoutbatch_change", args=[batch.pk]))
        return TemplateResponse(
            request,
            "earnings/admin/simple_form.html",
            {
                **self.admin_site.each_context(request),
                "title": "Prepare a payout",
                "form": form,
                "opts": self.model._meta,
                "submit_label": "Prepare payout",
            },
        )

    @admin.action(description="Download the bank file (CSV)", permissions=["run_payouts"])
    def download_csv(self, request: HttpRequest, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one payout.", messages.ERROR)
            return None
        batch = queryset.first()
        response = HttpResponse(services.payout_csv(batch=batch), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="payout-{batch.pk}.csv"'
        return response

    @admin.action(description="Download the ACH file (NACHA)", permissions=["run_payouts"])
    def download_ach(self, request: HttpRequest, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one payout.", messages.ERROR)
            return None
        batch = queryset.first()
        try:
            body = ach.ach_file_build(batch=batch)
        except ach.AchError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return None
        response = HttpResponse(body, content_type="text/plain; charset=us-ascii")
        response["Content-Disposition"] = f'attachment; filename="payout-{batch.pk}.ach"'
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(
        description="Send the Stripe Connect transfers (marks paid when all are sent)",
        permissions=["run_payouts"],
    )
    def send_transfers(self, request: HttpRequest, queryset):
        for batch in queryset:
            try:
                run = connect.payout_batch_transfers_send(batch=batch, actor=request.user)
            except services.EarningsError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                continue
            level = messages.WARNING if run.failed else messages.SUCCESS
            self.message_user(
                request,
                f"Payout #{batch.pk}: {run.sent} transfers sent, {run.failed} not sent"
                + (" (run it again to retry)." if run.failed else ".")
                + (" Marked paid; statements sent." if run.paid else ""),
                level,
            )

    @admin.action(
        description="Mark sent to the bank and paid (emails each retailer)",
        permissions=["run_payouts"],
    )
    def mark_paid(self, request: HttpRequest, queryset):
        for batch in queryset:
            try:
                services.payout_batch_mark_paid(batch=batch, actor=request.user)
            except services.EarningsError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(request, f"Payout #{batch.pk} marked paid; statements sent.")

    @method_decorator(sensitive_post_parameters("password"))
    def year_end_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("earnings.year_end_report"):
            raise PermissionDenied
        form = YearForm(request.GET or {"year": timezone.localdate().year - 1})
        year = form.cleaned_data["year"] if form.is_valid() else date.today().year - 1
        rows = selectors.form_1099_recipients(year=year)
        fmt = request.POST.get("format") if request.method == "POST" else request.GET.get("format")
        reveal_error = ""
        if fmt in ("csv", "csv-tin", "iris", "fire"):
            reveal = fmt != "csv"
            if reveal and (
                request.method != "POST"
                or not request.user.has_perm("earnings.year_end_reveal_tax_ids")
            ):
                raise PermissionDenied
            if reveal:
                # Every tax ID at once: the password again, throttled like sign-in.
                try:
                    staff_password_reconfirm(
                        request=request, password=request.POST.get("password", "")
                    )
                except PermissionDenied as exc:
                    reveal_error = exc.args[0] if exc.args else "Not allowed."
            if not reveal_error and fmt in ("iris", "fire"):
                try:
                    return self._form_1099_file(request, year=year, fmt=fmt)
                except form1099.Form1099Error as exc:
                    reveal_error = str(exc)
            elif not reveal_error:
                return self._form_1099_download(request, rows=rows, year=year, reveal=reveal)
        response = TemplateResponse(
            request,
            "earnings/admin/year_end.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Form 1099-NEC recipients, {year}",
                "form": form,
                "year": year,
                "threshold": selectors.form_1099_threshold(year),
                "rows": rows,
                "can_reveal": request.user.has_perm("earnings.year_end_reveal_tax_ids"),
                "reveal_error": reveal_error,
                "opts": self.model._meta,
            },
        )
        response.status_code = 403 if reveal_error else 200
        return response

    def _form_1099_file(self, request: HttpRequest, *, year: int, fmt: str) -> HttpResponse:
        """IRIS CSV or FIRE file: made by the export job (audited), never kept."""
        body = form1099.form_1099_export(
            year=year,
            file_format=fmt,
            actor=request.user,
            test_file=request.POST.get("test_file") == "on",
            prior_year=request.POST.get("prior_year") == "on",
        )
        if fmt == "iris":
            response = HttpResponse(body, content_type="text/csv; charset=utf-8")
            name = f"iris-1099-nec-{year}.csv"
        else:
            response = HttpResponse(body, content_type="text/plain; charset=us-ascii")
            name = f"fire-1099-nec-{year}.txt"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response

    def _form_1099_download(self, request: HttpRequest, *, rows, year: int, reveal: bool):
        body = reports.form_1099_csv(
            rows=rows, year=year, reveal_by=request.user if reveal else None
        )
        response = HttpResponse(body, content_type="text/csv")
        name = f"1099-nec-{year}{'-tin' if reveal else ''}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response


@admin.register(PayoutAccount)
class PayoutAccountAdmin(ReadOnlyAdmin):
    """Finance sees bank details masked only; retailers change them in the back office."""

    list_display = [
        "retailer",
        "holder_name",
        "routing",
        "account",
        "account_type",
        "created_at",
        "payable_from",
        "replaced_at",
    ]
    list_filter = ["account_type", "replaced_at"]
    search_fields = ["retailer__retailer_number", "retailer__display_name"]
    list_select_related = ["retailer"]
    fields = [
        "retailer",
        "holder_name",
        "routing",
        "account",
        "account_type",
        "created_at",
        "payable_from",
        "replaced_at",
        "prenote_batch",
    ]
    readonly_fields = fields

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm("earnings.run_payouts")

    @admin.display(description="routing number")
    def routing(self, obj: PayoutAccount) -> str:
        return obj.routing_masked

    @admin.display(description="account number")
    def account(self, obj: PayoutAccount) -> str:
        return obj.account_masked


@admin.register(Form1099Export)
class Form1099ExportAdmin(ReadOnlyAdmin):
    """The audit trail of 1099-NEC exports with full tax IDs (append-only)."""

    list_display = [
        "year",
        "file_format",
        "recipients",
        "total",
        "test_file",
        "created_by",
        "created_at",
    ]
    list_filter = ["year", "file_format"]
    fields = list_display
    readonly_fields = fields

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm("earnings.year_end_report")
