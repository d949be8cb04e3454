from __future__ import annotations

from django.contrib import admin

from parity.core.admin import ReadOnlyRegistryAdmin
from parity.housing.models import Dwelling


@admin.register(Dwelling)
class DwellingAdmin(ReadOnlyRegistryAdmin):
    """Dwellings are registered and edited through ``parity.housing.actions`` (web, API)."""

    list_display = [
        "address",
        "grid",
        "dwelling_type",
        "is_let",
        "landlord_kind",
        "landlord_name",
        "landlord_phone_masked",
    ]
    list_filter = ["dwelling_type", "is_let", "landlord_kind"]
    search_fields = ["address", "landlord_name"]
    list_select_related = ["grid"]
