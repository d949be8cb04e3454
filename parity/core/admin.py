"""The admin's share of the one permission gate, and the audit log (read-only).

``RestrictedAdmin`` gives every registered model the same rule as pages and the API: rows
come from ``.restrict(user, action)``, writes need the role's "change" inside the user's
subtree, and sealed columns (``*_enc``, ``*_hash``) are never shown or edited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from parity.accounts.choices import Role
from parity.accounts.permissions import AUDIT, CHANGE, VIEW, allows, in_scope
from parity.core.actions import changed, snapshot
from parity.core.models import AuditEvent, ImportAlias, ImportMapping, ImportValueSynonym, audit

admin.site.site_header = _("Parity 后台管理")
admin.site.site_title = _("Parity 后台管理")
admin.site.index_title = _("基础数据维护")

SECRET_SUFFIXES = ("_enc", "_hash")
# Registry records change only through actions (validation, residence rules, audit).
READ_ONLY_NOTE = _("此处仅供查阅。登记、修改、迁居和离开请使用业务页面或接口,以便统一校验并留痕。")


def is_secret(name: str) -> bool:
    return name.endswith(SECRET_SUFFIXES)


def is_administrator(user) -> bool:
    return bool(user.is_active and (user.is_superuser or user.role == Role.ADMIN))


def admin_snapshot(obj) -> dict[str, Any]:
    data = snapshot(obj)
    data.pop("password", None)
    return data


class RestrictedAdmin(admin.ModelAdmin):
    """A ModelAdmin behind ``.restrict()``: see the module docstring."""

    view_action = VIEW
    # Registry records: viewable in scope, never written from the admin.
    read_only = False
    # Back-office data (areas, departments, users): administrators only.
    admins_only = False
    deletable = False

    def restrict(self, queryset, user):
        return queryset.restrict(user, self.view_action)

    def get_queryset(self, request):
        return self.restrict(super().get_queryset(request), request.user)

    def area_code_of(self, obj) -> str | None:
        value = obj
        for part in self.model.area_code_field.split("__"):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value

    def _allowed(self, request, action: str, obj=None) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff and allows(user, action)):
            return False
        if self.admins_only and not is_administrator(user):
            return False
        return obj is None or in_scope(user, self.area_code_of(obj), action)

    def has_module_permission(self, request):
        return self._allowed(request, self.view_action)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, self.view_action, obj)

    def has_add_permission(self, request):
        return not self.read_only and self._allowed(request, CHANGE)

    def has_change_permission(self, request, obj=None):
        return not self.read_only and self._allowed(request, CHANGE, obj)

    def has_delete_permission(self, request, obj=None):
        return self.deletable and not self.read_only and self._allowed(request, CHANGE, obj)

    def get_fields(self, request, obj=None):
        return [f for f in super().get_fields(request, obj) if not is_secret(str(f))]

    def get_exclude(self, request, obj=None):
        secrets = [f.name for f in self.model._meta.concrete_fields if is_secret(f.name)]
        return [*(super().get_exclude(request, obj) or []), *secrets]

    def save_model(self, request, obj, form, change):
        before = admin_snapshot(type(obj).objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        old, new = changed(before, admin_snapshot(obj))
        if new:
            audit(
                acting_user=request.user,
                action=f"{obj._meta.model_name}.admin_{'change' if change else 'add'}",
                obj=obj,
                area_code=self.area_code_of(obj) or "",
                before=old or None,
                after=new,
            )

    def delete_model(self, request, obj):
        audit(
            acting_user=request.user,
            action=f"{obj._meta.model_name}.admin_delete",
            obj=obj,
            area_code=self.area_code_of(obj) or "",
            before=admin_snapshot(obj),
        )
        super().delete_model(request, obj)


class ReadOnlyRegistryAdmin(RestrictedAdmin):
    read_only = True
    actions = None

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "subtitle": READ_ONLY_NOTE}
        return super().changelist_view(request, extra_context)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyRegistryAdmin):
    view_action = AUDIT
    list_display = ["at", "actor", "action", "object_type", "object_id", "area_code", "note"]
    list_filter = ["action", "object_type"]
    search_fields = ["action", "object_type", "object_id", "area_code"]
    list_select_related = ["actor"]
    date_hierarchy = "at"


class ImportTableAdmin(RestrictedAdmin):
    """The import alias and synonym tables: city-wide data, kept by administrators."""

    admins_only = True
    deletable = True
    list_filter = ["kind"]

    def restrict(self, queryset, user):
        return queryset

    def area_code_of(self, obj) -> str | None:
        return ""


@admin.register(ImportAlias)
class ImportAliasAdmin(ImportTableAdmin):
    list_display = ["alias", "header", "kind"]
    search_fields = ["alias", "header"]


@admin.register(ImportValueSynonym)
class ImportValueSynonymAdmin(ImportTableAdmin):
    list_display = ["value", "means", "header", "kind"]
    search_fields = ["value", "means", "header"]


@admin.register(ImportMapping)
class ImportMappingAdmin(RestrictedAdmin):
    """Mappings users confirmed on the import page, in their own area."""

    deletable = True
    list_display = ["name", "kind", "area_code", "header_row", "saved_by", "updated_at"]
    list_filter = ["kind"]
    readonly_fields = ["signature", "headers", "saved_by", "updated_at"]
