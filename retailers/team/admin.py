"""Staff screens for teams: the plan (Finance), genealogy and moves (Compliance), standings.

A sponsor move is added here as a `SponsorChange` (member, new sponsor, reason): the
admin calls `team_member_move`, which checks the Compliance permission, audits and
moves the downline; nothing in the ledger is recalculated.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from ..models import Retailer
from .disclosure import income_disclosure, income_disclosure_csv
from .models import GenerationRate, MonthClose, Rank, SponsorChange, Standing, TeamMember, TeamPlan
from .services import TeamError, sponsor_for_number, team_member_move


class RankInline(admin.TabularInline):
    model = Rank
    extra = 0


class GenerationInline(admin.TabularInline):
    model = GenerationRate
    extra = 0


@admin.register(TeamPlan)
class TeamPlanAdmin(admin.ModelAdmin):
    list_display = ("name", "effective_month", "active_volume", "compression", "rank_kept_months")
    inlines = [RankInline, GenerationInline]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(TeamMember)
class TeamMemberAdmin(ReadOnly):
    list_display = ("retailer", "sponsor", "path", "enrolled_at")
    search_fields = ("retailer__display_name", "retailer__retailer_number")
    list_select_related = ("retailer", "sponsor__retailer")


@admin.register(Standing)
class StandingAdmin(ReadOnly):
    list_display = (
        "retailer",
        "month",
        "personal_volume",
        "group_volume",
        "qualified_legs",
        "active",
        "rank_name",
    )
    list_filter = ("month", "rank_name", "active")
    search_fields = ("retailer__display_name", "retailer__retailer_number")
    list_select_related = ("retailer",)


@admin.register(MonthClose)
class MonthCloseAdmin(ReadOnly):
    list_display = ("month", "plan", "closed_at", "override_total", "reversal_total")

    def get_urls(self):
        return [
            path(
                "income-disclosure/",
                self.admin_site.admin_view(self.income_disclosure_view),
                name="team_income_disclosure",
            ),
            *super().get_urls(),
        ]

    def income_disclosure_view(self, request: HttpRequest) -> HttpResponse:
        """Compliance (and Finance): the yearly income disclosure, as a page or CSV."""
        if not request.user.has_perm("team.view_standing"):
            raise PermissionDenied
        raw = request.GET.get("year", "")
        year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2999 else None
        year = year or timezone.localdate().year - 1
        rows = income_disclosure(year=year)
        if request.GET.get("format") == "csv":
            response = HttpResponse(
                income_disclosure_csv(rows=rows, year=year), content_type="text/csv"
            )
            response["Content-Disposition"] = f'attachment; filename="income-disclosure-{year}.csv"'
            return response
        return TemplateResponse(
            request,
            "team/admin/income_disclosure.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Income disclosure, {year}",
                "year": year,
                "rows": rows,
                "opts": self.model._meta,
            },
        )


class SponsorMoveForm(forms.ModelForm):
    retailer_number = forms.CharField(label="Retailer ID of the retailer to move", max_length=16)
    new_sponsor_number = forms.CharField(
        label="Retailer ID of the new sponsor",
        max_length=16,
        required=False,
        help_text="Empty: place under the company.",
    )

    class Meta:
        model = SponsorChange
        fields = ("reason",)

    def clean(self):
        data = super().clean()
        number = (data.get("retailer_number") or "").strip().upper()
        retailer = Retailer.objects.filter(
            retailer_number=number, kind=Retailer.Kind.RETAILER
        ).first()
        if retailer is None:
            raise ValidationError("No retailer has that Retailer ID.")
        data["retailer"] = retailer
        sponsor_number = (data.get("new_sponsor_number") or "").strip()
        data["sponsor"] = sponsor_for_number(sponsor_number) if sponsor_number else None
        if sponsor_number and data["sponsor"] is None:
            raise ValidationError("No active retailer has the new sponsor's Retailer ID.")
        member = TeamMember.objects.filter(pk=retailer.pk).first()
        target = getattr(data["sponsor"], "team", None) if data["sponsor"] else None
        if member and target and (target.path + ".").startswith(member.path + "."):
            raise ValidationError("The new sponsor is in this retailer's own downline.")
        if data["sponsor"] and data["sponsor"].pk == retailer.pk:
            raise ValidationError("A retailer cannot sponsor themselves.")
        return data


@admin.register(SponsorChange)
class SponsorChangeAdmin(admin.ModelAdmin):
    list_display = ("created_at", "member", "from_sponsor", "to_sponsor", "reason", "actor")
    readonly_fields = ("member", "from_sponsor", "to_sponsor", "reason", "actor", "created_at")
    form = SponsorMoveForm

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else ()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("team.move_sponsor")

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm("team.view_sponsorchange")

    def save_model(self, request, obj, form, change):
        from .services import team_member_ensure

        data = form.cleaned_data
        member = team_member_ensure(retailer=data["retailer"])
        try:
            team_member_move(
                member=member, to_sponsor=data["sponsor"], reason=data["reason"], actor=request.user
            )
        except TeamError as exc:
            raise ValidationError(exc.messages) from exc
        latest = SponsorChange.objects.filter(member=member).first()
        obj.pk = latest.pk if latest else None
