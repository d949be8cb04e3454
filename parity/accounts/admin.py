from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from parity.accounts.models import Department, User
from parity.accounts.permissions import CHANGE, VIEW, scope_code
from parity.areas.models import Area
from parity.core.admin import RestrictedAdmin


def _scoped_fk(db_field, request, kwargs) -> None:
    """Offer only areas and departments inside the editor's own subtree."""
    if db_field.name == "area":
        kwargs["queryset"] = Area.objects.restrict(request.user, CHANGE)
        # A user without an area would drop out of the editor's own view.
        kwargs["required"] = not request.user.is_superuser
    elif db_field.name == "department":
        kwargs["queryset"] = Department.objects.restrict(request.user, CHANGE)


@admin.register(Department)
class DepartmentAdmin(RestrictedAdmin):
    admins_only = True
    deletable = True
    list_display = ["name", "kind", "area"]
    list_filter = ["kind"]
    search_fields = ["name", "area__code", "area__name"]
    list_select_related = ["area"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        _scoped_fk(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(User)
class UserAdmin(RestrictedAdmin, DjangoUserAdmin):
    """Users of the editor's subtree. Only a superuser grants superuser status, groups or
    model permissions, or edits a superuser: access in Parity is the role and the area."""

    admins_only = True
    list_display = ["username", "first_name", "role", "area", "department", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["username", "first_name", "last_name", "area__code", "area__name"]
    list_select_related = ["area", "department"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("first_name", "last_name", "email")}),
        (_("角色与管辖区域"), {"fields": ("role", "area", "department")}),
        (
            _("权限"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
        (_("角色与管辖区域"), {"fields": ("role", "area", "department")}),
    )

    def restrict(self, queryset, user):
        code = scope_code(user, VIEW)
        if code is None:
            return queryset.none()
        return queryset.filter(area__code__startswith=code) if code else queryset

    def area_code_of(self, obj):
        return obj.area.code if obj.area_id else None

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = ["last_login", "date_joined"]
        if not request.user.is_superuser:
            fields += ["is_superuser", "groups", "user_permissions"]
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        _scoped_fk(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
