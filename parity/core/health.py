"""``/health/`` for the load balancer, built on django-health-check.

Checks: the database answers; the cache and upload directories are writable; the
nightly refreshes (pending doses, indicators) last succeeded within
``PARITY_HEALTH_REFRESH_MAX_AGE_HOURS``; the background worker's heartbeat is fresh (a
skip where no worker is configured).

A failed database or directory answers 503, which takes this node out of the load
balancer's rotation. A stale refresh or heartbeat is a *warning*: every node shares the
database, so answering 503 for it would take the whole service down for a problem of the
nightly jobs; it answers 200 with ``"status": "warning"`` for the monitoring to alert on.
Anyone gets the overall status; only staff get each check and its message.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DatabaseError
from django.db.models import Max
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable, ServiceWarning
from health_check.views import HealthCheckView

from parity.core.jobs import heartbeat_path
from parity.core.models import AuditEvent
from parity.indicators.choices import RefreshStatus
from parity.indicators.models import Snapshot

FILE_CACHE = "django.core.cache.backends.filebased.FileBasedCache"
IMMUNIZATION_REFRESH = "immunization.refresh"


def _since(moment: dt.datetime) -> str:
    hours = (timezone.now() - moment).total_seconds() / 3600
    return _("%(when)s(%(hours).1f 小时前)") % {
        "when": timezone.localtime(moment).strftime("%Y-%m-%d %H:%M"),
        "hours": hours,
    }


@dataclasses.dataclass
class WritableDirectory(HealthCheck):
    """The cache directory (dashboard fragments) or the upload directory (imports) exists
    or can be made, takes a file, and has ``PARITY_HEALTH_MIN_FREE_MB`` free."""

    kind: str = "cache"
    detail: str = dataclasses.field(default="", init=False, repr=False)

    def _path(self) -> Path | None:
        if self.kind == "media":
            return Path(settings.MEDIA_ROOT)
        cache = settings.CACHES["default"]
        return Path(str(cache["LOCATION"])) if cache["BACKEND"] == FILE_CACHE else None

    def run(self) -> None:
        path = self._path()
        if path is None:
            self.detail = _("未使用文件缓存")
            return
        try:
            path.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path, prefix=".health-"):
                pass
        except OSError as exc:
            raise ServiceUnavailable(_("目录不可写:%(path)s") % {"path": path}) from exc
        free_mb = shutil.disk_usage(path).free // (1024 * 1024)
        self.detail = _("可写,剩余 %(mb)d MB") % {"mb": free_mb}
        if free_mb < settings.PARITY_HEALTH_MIN_FREE_MB:
            raise ServiceWarning(
                _("磁盘剩余空间不足:%(path)s 仅剩 %(mb)d MB") % {"path": path, "mb": free_mb}
            )


def last_refreshes() -> dict[str, dt.datetime | None]:
    """When each nightly refresh of the whole city last finished successfully: the
    indicators (a finished snapshot) and the pending doses (its audit event)."""
    indicators = Snapshot.objects.filter(status=RefreshStatus.DONE).aggregate(
        at=Max("finished_at")
    )["at"]
    immunization = AuditEvent.objects.filter(action=IMMUNIZATION_REFRESH, area_code="").aggregate(
        at=Max("at")
    )["at"]
    return {"refresh_immunization": immunization, "refresh_indicators": indicators}


@dataclasses.dataclass
class NightlyRefresh(HealthCheck):
    """``refresh_immunization`` and ``refresh_indicators`` both succeeded within the last
    ``PARITY_HEALTH_REFRESH_MAX_AGE_HOURS`` (a warning otherwise)."""

    detail: str = dataclasses.field(default="", init=False, repr=False)

    async def run(self) -> None:
        # The request's own thread and connection, not an executor thread's new one.
        await sync_to_async(self._check)()

    def _check(self) -> None:
        max_age = dt.timedelta(hours=settings.PARITY_HEALTH_REFRESH_MAX_AGE_HOURS)
        stale = []
        details = []
        for command, at in last_refreshes().items():
            if at is None:
                stale.append(_("%(command)s 从未成功运行") % {"command": command})
                continue
            details.append(f"{command}: {_since(at)}")
            if timezone.now() - at > max_age:
                stale.append(
                    _("%(command)s 上次成功于 %(since)s,超过 %(hours)d 小时")
                    % {
                        "command": command,
                        "since": _since(at),
                        "hours": settings.PARITY_HEALTH_REFRESH_MAX_AGE_HOURS,
                    }
                )
        self.detail = "; ".join(details)
        if stale:
            raise ServiceWarning("; ".join(stale))


@dataclasses.dataclass
class WorkerHeartbeat(HealthCheck):
    """The background worker touched its heartbeat file within
    ``PARITY_WORKER_HEARTBEAT_MAX_AGE_SECONDS``. Parity has no worker yet (the nightly
    jobs are separate processes, checked by ``NightlyRefresh``): with no
    ``PARITY_WORKER_HEARTBEAT_FILE`` configured the check is skipped, not failed."""

    detail: str = dataclasses.field(default="", init=False, repr=False)

    def run(self) -> None:
        path = heartbeat_path()
        if path is None:
            self.detail = _("未配置后台任务进程,跳过")
            return
        try:
            touched = os.stat(path).st_mtime
        except FileNotFoundError as exc:
            raise ServiceWarning(_("后台任务进程从未报告心跳")) from exc
        moment = dt.datetime.fromtimestamp(touched, tz=dt.UTC)
        self.detail = _since(moment)
        max_age = settings.PARITY_WORKER_HEARTBEAT_MAX_AGE_SECONDS
        if (timezone.now() - moment).total_seconds() > max_age:
            raise ServiceWarning(
                _("后台任务进程上次心跳于 %(since)s,超过 %(seconds)d 秒")
                % {"since": _since(moment), "seconds": max_age}
            )


class HealthView(HealthCheckView):
    """JSON only: ``{"status": "ok" | "warning" | "error"}`` for everyone, plus
    ``"checks"`` for staff. 503 only when this node cannot serve."""

    checks = (
        "health_check.checks.Database",
        ("parity.core.health.WritableDirectory", {"kind": "cache"}),
        ("parity.core.health.WritableDirectory", {"kind": "media"}),
        "parity.core.health.NightlyRefresh",
        "parity.core.health.WorkerHeartbeat",
    )

    async def get(self, request, *args, **kwargs):
        with self.get_executor() as executor:
            self.results = await asyncio.gather(
                *(check.get_result(executor) for check in self.get_checks())
            )
        failed = any(r.error and not isinstance(r.error, ServiceWarning) for r in self.results)
        warned = any(isinstance(r.error, ServiceWarning) for r in self.results)
        body: dict = {"status": "error" if failed else "warning" if warned else "ok"}
        if await _is_staff(request):
            body["checks"] = [
                {
                    "check": repr(r.check),
                    "status": _status(r.error),
                    "message": r.error.message if r.error else getattr(r.check, "detail", ""),
                    "seconds": round(r.time_taken, 3),
                }
                for r in self.results
            ]
        return JsonResponse(
            body, status=503 if failed else 200, json_dumps_params={"ensure_ascii": False}
        )


async def _is_staff(request) -> bool:
    try:
        user = await request.auser()
    except DatabaseError:
        # A staff member's session lives in the database that may be the failing check:
        # answer as to anyone rather than with a 500.
        return False
    return user.is_active and (user.is_staff or user.is_superuser)


def _status(error) -> str:
    if error is None:
        return "ok"
    return "warning" if isinstance(error, ServiceWarning) else "error"
