from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RestrictedQuerySet(models.QuerySet):
    """A queryset with the one permission gate, ``.restrict(user, action)``.

    A model using it names the path to its area code in ``area_code_field``; the user's
    scope is a code prefix (see ``parity.accounts.permissions``).
    """

    def restrict(self, user, action: str = "view") -> RestrictedQuerySet:
        from parity.accounts.permissions import scope_code

        code = scope_code(user, action)
        if code is None:
            return self.none()
        if code == "":
            return self
        field = self.model.area_code_field  # type: ignore[attr-defined]
        return self.filter(**{f"{field}__startswith": code})

    def in_area(self, code: str) -> RestrictedQuerySet:
        field = self.model.area_code_field  # type: ignore[attr-defined]
        return self.filter(**{f"{field}__startswith": code})

    def in_code_range(self, code: str) -> RestrictedQuerySet:
        """The same rows as ``in_area`` (codes are digits: those starting with ``code`` sort
        between it and ``code + ":"``), said as a range, which a plain btree index on
        (area_code, …) reads in order. A list whose order starts with the area code adds
        it to the scope's ``LIKE``, so that a page of a community is the community's
        stretch of the list index, not a walk from the city's first code."""
        if not code:
            return self
        field = self.model.area_code_field  # type: ignore[attr-defined]
        return self.filter(**{f"{field}__gte": code, f"{field}__lt": f"{code}:"})


def area_code_index(name: str, *fields: str) -> models.Index:
    """An index for ``area_code__startswith`` (the scope filter). On PostgreSQL it uses
    ``varchar_pattern_ops`` so that ``LIKE 'prefix%'`` is an index range scan whatever the
    database collation; other databases ignore the operator class."""
    columns = (*fields, "area_code")
    return models.Index(
        fields=list(columns), name=name, opclasses=["varchar_pattern_ops"] * len(columns)
    )


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One write or one reveal of a masked value: who, what, when, and before/after.

    Sensitive values never appear here in clear: before/after hold masked forms.
    """

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=64)
    object_type = models.CharField(_("对象类型"), max_length=64)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    area_code = models.CharField(_("区划代码"), max_length=20, blank=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=255, blank=True)

    objects = RestrictedQuerySet.as_manager()
    area_code_field = "area_code"

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="core_audit_object"),
            models.Index(fields=["action", "at"], name="core_audit_action_at"),
            area_code_index("core_audit_area"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"


def audit(
    *,
    acting_user,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    area_code: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AuditEvent.objects.create(
        actor=acting_user if getattr(acting_user, "pk", None) else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        area_code=area_code or "",
        before=before,
        after=after,
        note=note[:255],
    )
