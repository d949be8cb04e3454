from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from parity.core import crypto
from parity.core.models import RestrictedQuerySet, TimeStamped, area_code_index
from parity.people.choices import HousingType, LandlordKind


class Dwelling(TimeStamped):
    """A registered address in a grid, with its landlord and whether it is let.

    Who lives there (the tenancy) is the set of open residences pointing at it.
    """

    address = models.CharField(_("地址"), max_length=200)
    grid = models.ForeignKey(
        "areas.Area",
        verbose_name=_("网格"),
        on_delete=models.PROTECT,
        related_name="dwellings",
        db_index=False,  # the index "housing_dwelling_unique_address" leads with it
    )
    area_code = models.CharField(_("区划代码"), max_length=20)
    dwelling_type = models.CharField(_("房屋类型"), max_length=16, choices=HousingType.choices)
    is_let = models.BooleanField(_("是否出租"), default=False)
    landlord_kind = models.CharField(
        _("房东类型"), max_length=16, choices=LandlordKind.choices, blank=True
    )
    landlord_person = models.ForeignKey(
        "people.Person",
        verbose_name=_("房东(个人)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dwellings_owned",
    )
    landlord_name = models.CharField(_("房东/单位名称"), max_length=100, blank=True)
    landlord_phone_enc = models.TextField(_("房东电话(密文)"), blank=True)
    landlord_phone_masked = models.CharField(_("房东电话"), max_length=20, blank=True)

    objects = RestrictedQuerySet.as_manager()
    area_code_field = "area_code"

    class Meta:
        verbose_name = _("房屋")
        verbose_name_plural = _("房屋")
        ordering = ["area_code", "address"]
        indexes = [
            area_code_index("housing_dwelling_area"),
            # The list's order, and its ``?sort=area`` / ``?sort=address`` (either way):
            # a page is 50 rows of an index, not a sort of every dwelling of the scope.
            models.Index(fields=["area_code", "address", "id"], name="housing_dwelling_list"),
            models.Index(fields=["address", "id"], name="housing_dwelling_address"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "address"], name="%(app_label)s_%(class)s_unique_address"
            ),
        ]

    def __str__(self) -> str:
        return self.address

    def set_landlord_phone(self, phone: str) -> None:
        self.landlord_phone_enc = crypto.encrypt(phone) if phone else ""
        self.landlord_phone_masked = crypto.mask_phone(phone) if phone else ""

    @property
    def landlord_phone(self) -> str:
        return crypto.decrypt(self.landlord_phone_enc) if self.landlord_phone_enc else ""
