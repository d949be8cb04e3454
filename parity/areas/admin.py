from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from parity.accounts.permissions import CHANGE
from parity.areas.choices import Level
from parity.areas.models import Area
from parity.core.admin import RestrictedAdmin
from parity.core.error_codes import ErrorCode


class AreaAddForm(forms.ModelForm):
    """A new node under a parent: its code extends the parent's and its level follows."""

    class Meta:
        model = Area
        fields = ["parent", "code", "name"]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        parent = data.get("parent")
        if parent is not None and parent.level >= Level.GRID:
            raise ValidationError(
                {"parent": _("网格之下不能再设下级")}, code=ErrorCode.AREA_NOT_GRID
            )
        # The model's clean() checks the code against the level (parity.areas.rules).
        self.instance.level = Level.CITY if parent is None else parent.level + 1
        return data


@admin.register(Area)
class AreaAdmin(RestrictedAdmin):
    """Areas: administrators add nodes and rename them. Codes, levels and parents are fixed
    once created, since every record's scope is a prefix of its area code."""

    admins_only = True
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    ordering = ["code"]

    def area_code_of(self, obj):
        return obj.code

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = AreaAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["parent", "code", "name"] if obj is None else ["code", "name", "level", "parent"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["code", "level", "parent"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = Area.objects.restrict(request.user, CHANGE).exclude(
                level=Level.GRID
            )
            # Only the whole-city scope may add a root; the tree file normally does that.
            kwargs["required"] = not request.user.is_superuser
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
