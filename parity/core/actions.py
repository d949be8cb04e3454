"""Helpers that every app's actions use: the permission check and audit snapshots."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks.base import Task

from parity.accounts.permissions import in_scope
from parity.core import import_jobs
from parity.core.choices import ExportFormat, ImportKind
from parity.core.export_jobs import scope_of, seal_query
from parity.core.logs import security_event
from parity.core.models import ExportJob, ImportJob, audit
from parity.core.tasks import export_run, import_run

# Never copied into audit rows: ciphertext and blind indexes.
_SECRET_SUFFIXES = ("_enc", "_hash")


class RateLimited(PermissionDenied):
    """Refused because the user did this too often of late (the API answers 429)."""


def ensure_can(user, action: str, area_code: str | None) -> None:
    if not in_scope(user, area_code, action):
        security_event(
            "out_of_scope",
            user_id=getattr(user, "pk", None),
            action=action,
            area_code=area_code,
        )
        raise PermissionDenied(_("您无权在该区域执行此操作"))


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The audit-safe state of a model instance: concrete fields, secrets left out."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name.endswith(_SECRET_SUFFIXES) or field.name in ("created_at", "updated_at"):
            continue
        data[field.attname] = _plain(getattr(obj, field.attname))
    return data


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _save_and_enqueue(job: ExportJob | ImportJob, task: Task) -> None:
    """Save a new job and queue its task (which takes the job's id), in the caller's
    transaction."""
    job.full_clean()
    job.save()
    result = task.enqueue(job.pk)
    job.task_id = str(result.id)
    job.save(update_fields=["task_id"])


def export_job_create(
    *,
    acting_user,
    title: str,
    path: str,
    query: dict,
    fmt: str,
    rows_estimate: int,
) -> ExportJob:
    """Record an export too large for the request and enqueue its task, in one
    transaction: the task row commits with the job or not at all. ``query`` (the page's
    query and any searched text) is sealed; the user's scope and role are kept, for the
    worker to check they have not changed."""
    if not getattr(acting_user, "is_authenticated", False):
        raise PermissionDenied
    area_code, role = scope_of(acting_user)
    with transaction.atomic():
        job = ExportJob(
            requested_by=acting_user,
            title=title[:200],
            path=path,
            query_sealed=seal_query(query),
            language=translation.get_language() or "zh-hans",
            fmt=ExportFormat(fmt),
            area_code=area_code,
            role=role,
            rows_total=rows_estimate,
        )
        _save_and_enqueue(job, export_run)
        audit(
            acting_user=acting_user,
            action="export.queued",
            obj=job,
            area_code=acting_user.area_code or "",
            after={"format": fmt, "rows_estimate": rows_estimate, "path": path},
            note=title[:255],
        )
    return job


def import_job_create(
    *,
    acting_user,
    kind: str,
    token: str,
    file_name: str,
    header_row: int,
    fields: list[str | None],
    check_only: bool,
    rows_estimate: int,
    page_url: str,
    all_or_nothing: bool,
) -> ImportJob:
    """Record a check or an import of a file too large for the request and enqueue its
    task, in one transaction: the task row commits with the job or not at all. The job
    holds the waiting upload's ``token`` and the mapping the user confirmed (``header_row``,
    each column's field); the user's scope and role are kept, for the worker to check they
    have not changed."""
    importer = import_jobs.importer_for(kind)
    area_code, role = scope_of(acting_user, importer.action)
    if not getattr(acting_user, "is_authenticated", False) or area_code == "-":
        raise PermissionDenied
    with transaction.atomic():
        job = ImportJob(
            requested_by=acting_user,
            kind=ImportKind(kind),
            check_only=check_only,
            page_url=page_url,
            all_or_nothing=all_or_nothing,
            token=token,
            file_name=file_name[:255],
            header_row=header_row,
            fields=[f or "" for f in fields],
            language=translation.get_language() or "zh-hans",
            area_code=area_code,
            role=role,
            rows_total=rows_estimate,
        )
        _save_and_enqueue(job, import_run)
        audit(
            acting_user=acting_user,
            action="import.queued",
            obj=job,
            area_code=area_code,
            after={"kind": kind, "check_only": check_only, "rows_estimate": rows_estimate},
            note=file_name[:255],
        )
    return job
