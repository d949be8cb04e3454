from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("正在导出")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
    # The user lost the right to the rows between the request and the run: no file.
    REFUSED = "refused", _("已拒绝")


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "Excel (.xlsx)"
    CSV = "csv", "CSV"


class ImportKind(models.TextChoices):
    """What a file import holds (the alias tables and saved mappings are per kind)."""

    PEOPLE = "people", _("人员信息")
    SERVICES = "services", _("服务记录")
    TARGETS = "targets", _("考核目标")


class ImportJobStatus(models.TextChoices):
    """Where a large import run by the background worker stands."""

    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("正在处理")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
