from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from parity.accounts.permissions import scope_code
from parity.core.choices import ExportFormat, ExportStatus, ImportJobStatus, ImportKind


class RestrictedQuerySet(models.QuerySet):
    """A queryset with the one permission gate, ``.restrict(user, action)``.

    A model using it names the path to its area code in ``area_code_field``; the user's
    scope is a code prefix (see ``parity.accounts.permissions``).
    """

    def restrict(self, user, action: str = "view") -> RestrictedQuerySet:
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


class BackgroundJob(models.Model):
    """What every job of the background worker records (an export, an import): who asked
    and as whom (the scope and role the job must still have when it runs), its task, and
    when it was asked for, started and finished."""

    language = models.CharField(_("语言"), max_length=16)
    # Who the user was when asking: the job runs only for the same scope and role.
    area_code = models.CharField(_("区划代码"), max_length=20, blank=True)
    role = models.CharField(_("角色"), max_length=32, blank=True)
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    task_id = models.CharField(_("任务编号"), max_length=64, blank=True)
    error = models.CharField(_("错误代码"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]


class ExportJob(BackgroundJob):
    """An export too large to write inside a request, written by the background worker.

    The job replays the export's own page (``path`` and its query) as the user who asked,
    re-checked when it runs: a user deactivated, or moved to another area or role since,
    gets no file. The query is sealed (a searched name or ID number may be in it). The
    file is the user's alone, 0600 under ``EXPORT_DIR``, and purged with the uploads."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    title = models.CharField(_("名称"), max_length=200)
    path = models.CharField(_("页面路径"), max_length=500)
    query_sealed = models.TextField(_("查询条件(加密)"), blank=True)
    fmt = models.CharField(_("格式"), max_length=8, choices=ExportFormat.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows_done = models.PositiveIntegerField(_("已导出行数"), default=0)
    file_name = models.CharField(_("文件名"), max_length=255, blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        indexes = [
            models.Index(fields=["requested_by", "created_at"], name="core_exportjob_user_created"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED, ExportStatus.REFUSED)

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)


class ImportJob(BackgroundJob):
    """A file import (people, service records, targets) too large to run inside a
    request, run by the background worker (``parity.core.import_jobs``).

    It holds what the mapping step confirmed (the waiting upload's ``token``, the header
    row and each column's field) and who asked, re-checked when it runs: a user
    deactivated, or moved to another area or role since, gets nothing written. The counts
    are plain; the errors and warnings shown on the page (names, ID numbers as typed) are
    sealed, like the error file the user downloads."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.CASCADE,
        related_name="import_jobs",
    )
    kind = models.CharField(_("导入类型"), max_length=20, choices=ImportKind.choices)
    check_only = models.BooleanField(_("仅检查"), default=False)
    # The import page the job came from (its URL name) and whether it imports all or nothing.
    page_url = models.CharField(_("导入页面"), max_length=100)
    all_or_nothing = models.BooleanField(_("整个文件一起导入"), default=False)
    token = models.CharField(_("待导入文件"), max_length=255)
    file_name = models.CharField(_("文件名"), max_length=255, blank=True)
    header_row = models.PositiveIntegerField(_("表头所在行"))
    fields = models.JSONField(_("各列对应模板列"), default=list, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED
    )
    rows_done = models.PositiveIntegerField(_("已读行数"), default=0)
    total_rows = models.PositiveIntegerField(_("数据行"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("未变化"), default=0)
    error_rows = models.PositiveIntegerField(_("有错误的行"), default=0)
    error_file = models.CharField(_("错误清单"), max_length=255, blank=True)
    file_error = models.TextField(_("文件错误"), blank=True)
    details_sealed = models.TextField(_("错误和提醒(加密)"), blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        indexes = [
            models.Index(fields=["requested_by", "created_at"], name="core_importjob_user_created"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (ImportJobStatus.DONE, ImportJobStatus.FAILED)

    @property
    def checked_only(self) -> bool:
        """As ``ImportResult.checked_only``: the result block reads the job as a result."""
        return self.check_only

    @property
    def percent(self) -> int:
        if self.status == ImportJobStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)


class ImportAlias(models.Model):
    """Another name people give a column of an import file (公民身份号码 for 身份证号码):
    ``alias`` (as headers are matched: half-width, no spaces or required marks) reads as
    the template's ``header``. Seeded with the common names; administrators add more."""

    kind = models.CharField(_("导入类型"), max_length=20, choices=ImportKind.choices)
    alias = models.CharField(_("文件中的列名"), max_length=60)
    header = models.CharField(_("对应模板列"), max_length=60)

    class Meta:
        verbose_name = _("导入列名别名")
        verbose_name_plural = _("导入列名别名")
        ordering = ["kind", "header", "alias"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "alias"], name="%(app_label)s_%(class)s_one_header_per_alias"
            )
        ]

    def __str__(self) -> str:
        return f"{self.alias} → {self.header}"


class ImportValueSynonym(models.Model):
    """A short or common form of a choice typed into a column (汉 for 汉族, 租房 for
    出租房屋, 再婚 for 已婚): ``value`` reads as the label ``means``."""

    kind = models.CharField(_("导入类型"), max_length=20, choices=ImportKind.choices)
    header = models.CharField(_("模板列"), max_length=60)
    value = models.CharField(_("文件中的写法"), max_length=60)
    means = models.CharField(_("对应选项"), max_length=60)

    class Meta:
        verbose_name = _("导入取值同义词")
        verbose_name_plural = _("导入取值同义词")
        ordering = ["kind", "header", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "header", "value"],
                name="%(app_label)s_%(class)s_one_meaning_per_value",
            )
        ]

    def __str__(self) -> str:
        return f"{self.header}: {self.value} → {self.means}"


class ImportMapping(models.Model):
    """A column mapping a user confirmed on the import page, kept for the department (the
    user's area) and proposed again for a file with the same headers (``signature``); the
    command line can name it (``--mapping NAME``)."""

    kind = models.CharField(_("导入类型"), max_length=20, choices=ImportKind.choices)
    area_code = models.CharField(_("所属区域代码"), max_length=15, db_index=True)
    signature = models.CharField(_("表头特征"), max_length=64)
    name = models.CharField(_("名称"), max_length=100)
    header_row = models.PositiveIntegerField(_("表头所在行"))
    headers = models.JSONField(_("文件表头"), default=list)
    fields = models.JSONField(_("各列对应模板列"), default=list)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()
    area_code_field = "area_code"

    class Meta:
        verbose_name = _("导入列对应方案")
        verbose_name_plural = _("导入列对应方案")
        ordering = ["kind", "area_code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "area_code", "signature"],
                name="%(app_label)s_%(class)s_one_per_headers",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def mapping(self) -> dict[int, str | None]:
        return {i: (f or None) for i, f in enumerate(self.fields)}
