from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from parity.accounts.choices import DepartmentKind, Role
from parity.core.models import RestrictedQuerySet


class Department(models.Model):
    """An organisation that delivers services or manages an area: a health centre, a
    family-planning office, a school, a street office. It sits on a node of the area tree."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=32, choices=DepartmentKind.choices)
    area = models.ForeignKey("areas.Area", verbose_name=_("所属区划"), on_delete=models.PROTECT)

    objects = RestrictedQuerySet.as_manager()
    area_code_field = "area__code"

    class Meta:
        verbose_name = _("部门/机构")
        verbose_name_plural = _("部门/机构")
        ordering = ["area__code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "name"], name="%(app_label)s_%(class)s_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A Parity user: a role, an optional department, and an access area (a subtree)."""

    role = models.CharField(
        _("角色"), max_length=32, choices=Role.choices, default=Role.GRID_WORKER
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门/机构"), null=True, blank=True, on_delete=models.SET_NULL
    )
    area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("管辖区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("用户只能查看和修改该区域及其下级区域的记录"),
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    @property
    def area_code(self) -> str | None:
        return self.area.code if self.area is not None else None
