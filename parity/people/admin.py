"""Registry records in the admin: read-only, masked, restricted to the user's subtree.

Registration, edits, moves and departures go through ``parity.people.actions`` (web forms
and the API), which validate ID numbers and residence rules and write the audit trail.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.views.main import SEARCH_VAR, ChangeList
from django.utils.translation import gettext_lazy as _

from parity.core import crypto
from parity.core.admin import READ_ONLY_NOTE, ReadOnlyRegistryAdmin
from parity.core.search import PARAM as SEARCH_KEY
from parity.core.search import search_data, search_redirect
from parity.people import idnumber
from parity.people.models import Employment, Household, HouseholdMember, Person, Residence


class _KeyedSearchChangeList(ChangeList):
    """The changelist searching for the text kept under the key ``s`` (a ``q`` in the URL
    is ignored), and not taking ``s`` for a field lookup."""

    def get_filters_params(self, params=None):
        params = super().get_filters_params(params)
        params.pop(SEARCH_KEY, None)
        return params

    def get_queryset(self, request, exclude_parameters=None):
        self.query = search_data(request, text_field=SEARCH_VAR).get(SEARCH_VAR, "")
        return super().get_queryset(request, exclude_parameters)


@admin.register(Person)
class PersonAdmin(ReadOnlyRegistryAdmin):
    list_display = ["name", "id_masked", "sex", "birth_date", "status", "grid", "phone_masked"]
    list_filter = ["status", "sex"]
    search_fields = ["name"]
    search_help_text = _("按姓名或完整身份证号码查找")
    list_select_related = ["grid"]
    fieldsets = (
        (
            _("身份"),
            {
                "description": READ_ONLY_NOTE,
                "fields": ("id_masked", "name", "sex", "birth_date", "ethnicity"),
            },
        ),
        (
            _("户籍与类别"),
            {
                "fields": (
                    "hukou_code",
                    "hukou_type",
                    "status",
                    "outflow_region_code",
                    "outflow_since",
                )
            },
        ),
        (
            _("其他"),
            {"fields": ("education", "marital_status", "phone_masked", "area_code", "grid")},
        ),
    )

    # The search box may hold an ID or phone number: it posts (templates/admin/people/
    # person/search_form.html) and the changelist's URLs carry only the key it is kept under.
    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and SEARCH_VAR in request.POST and "action" not in request.POST:
            fields = [
                name for name in request.POST if name not in (SEARCH_VAR, "csrfmiddlewaretoken")
            ]
            return search_redirect(request, request.path, text_field=SEARCH_VAR, fields=fields)
        return super().changelist_view(request, extra_context)

    def get_changelist(self, request, **kwargs):
        return _KeyedSearchChangeList

    def get_search_results(self, request, queryset, search_term):
        # A full ID number is found by its blind index; the ciphertext is never searched.
        compact = idnumber.normalize(search_term)
        if len(compact) in (15, 18) and compact[:17].isdigit():
            try:
                number = idnumber.parse(compact).number
            except idnumber.IDNumberError:
                return queryset.none(), False
            return queryset.filter(id_hash=crypto.blind_index(number)), False
        return super().get_search_results(request, queryset, search_term)


class HouseholdMemberInline(admin.TabularInline):
    model = HouseholdMember
    fields = ("person", "relation")
    readonly_fields = ("person", "relation")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return True  # the parent admin has already checked scope for the household

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")


@admin.register(Household)
class HouseholdAdmin(ReadOnlyRegistryAdmin):
    list_display = ["id", "head", "address", "area_code"]
    search_fields = ["address", "head__name"]
    list_select_related = ["head"]
    fields = ["head", "address", "area_code"]
    inlines = [HouseholdMemberInline]


@admin.register(Residence)
class ResidenceAdmin(ReadOnlyRegistryAdmin):
    list_display = [
        "person",
        "grid",
        "address",
        "arrived_on",
        "departed_on",
        "housing_type",
        "move_reason",
    ]
    list_filter = ["housing_type", "move_reason"]
    search_fields = ["person__name", "address"]
    list_select_related = ["person", "grid"]
    date_hierarchy = "arrived_on"


@admin.register(Employment)
class EmploymentAdmin(ReadOnlyRegistryAdmin):
    list_display = ["person", "industry", "occupation", "employer", "started_on", "ended_on"]
    list_filter = ["industry"]
    search_fields = ["person__name", "employer", "occupation"]
    list_select_related = ["person"]
