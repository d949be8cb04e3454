"""The service catalog in the admin: administrators edit service types and their
eligibility rules, and every rule is validated before it is saved."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from parity.core.admin import admin_snapshot, is_administrator
from parity.core.models import audit
from parity.services.details import validate_schema
from parity.services.eligibility import DELIVERED, validate_rule
from parity.services.models import EligibilityRule, ServiceType


class EligibilityRuleForm(forms.ModelForm):
    class Meta:
        model = EligibilityRule
        fields = ["effective_from", "rule", "note"]

    def clean_rule(self):
        return validate_rule(self.cleaned_data["rule"])


class EligibilityRuleInline(admin.TabularInline):
    model = EligibilityRule
    form = EligibilityRuleForm
    extra = 0


class ServiceTypeForm(forms.ModelForm):
    class Meta:
        model = ServiceType
        fields = [
            "code",
            "name",
            "name_en",
            "category",
            "department_kind",
            "description",
            "validity_days",
            "required_count",
            "delivered_by",
            "on_demand",
            "details_schema",
            "is_active",
            "sort_order",
        ]

    def clean_details_schema(self):
        return validate_schema(self.cleaned_data["details_schema"])

    def clean_delivered_by(self):
        value = self.cleaned_data["delivered_by"]
        if value and value not in DELIVERED:
            raise ValidationError(f"{value}: {', '.join(sorted(DELIVERED))}")
        return value


@admin.register(ServiceType)
class ServiceTypeAdmin(admin.ModelAdmin):
    form = ServiceTypeForm
    inlines = [EligibilityRuleInline]
    list_display = ["code", "name", "category", "department_kind", "is_active", "sort_order"]
    list_filter = ["category", "is_active"]
    search_fields = ["code", "name", "name_en"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def _admin(self, request) -> bool:
        return request.user.is_staff and is_administrator(request.user)

    def has_add_permission(self, request):
        return self._admin(request)

    def has_change_permission(self, request, obj=None):
        return self._admin(request)

    def has_delete_permission(self, request, obj=None):
        return False  # events point at service types: deactivate instead

    def save_related(self, request, form, formsets, change):
        before = [admin_snapshot(r) for r in form.instance.rules.all()] if change else []
        super().save_related(request, form, formsets, change)
        after = [admin_snapshot(r) for r in form.instance.rules.all()]
        if change and before == after and not form.changed_data:
            return
        audit(
            acting_user=request.user,
            action=f"servicetype.admin_{'change' if change else 'add'}",
            obj=form.instance,
            before={"rules": before} if change else None,
            after={**admin_snapshot(form.instance), "rules": after},
        )
