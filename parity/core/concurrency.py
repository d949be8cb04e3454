"""Optimistic concurrency for edits of existing records (lost updates).

An edit form or an API client receives the record's *version token* when it reads the
record (a hidden form field; the ``ETag`` of an API response) and sends it back with its
change. The action locks the row (``select_for_update``) and calls ``check_version``: if
the record changed in between, the write is refused with ``ErrorCode.STALE`` and a message
naming who changed what and when, so that the user can redo their edit on the current
values instead of silently undoing someone else's.

The token is ``<updated_at in µs>-<last audit event id>``. Only the first part is compared
(every write bumps ``updated_at``); the second part marks which audit events the reader
had already seen, so that the message lists exactly the changes made since.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parity.core.error_codes import ErrorCode
from parity.core.models import AuditEvent

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)
# Never shown, even if an audit row held them: ciphertext and blind indexes.
_SECRET_SUFFIXES = ("_enc", "_hash")
# Changes listed in a conflict message; older ones are summed up.
_MAX_EVENTS = 5


def _events(obj: models.Model) -> models.QuerySet[AuditEvent]:
    # Events that changed the record (reveals and the like carry no "after").
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk), after__isnull=False
    )


def version_of(obj: models.Model) -> str:
    """The record's current version token (see the module docstring)."""
    updated_at = obj.updated_at  # type: ignore[attr-defined]
    stamp = (updated_at - _EPOCH) // _MICROSECOND
    seen = _events(obj).order_by("-id").values_list("id", flat=True).first() or 0
    return f"{stamp}-{seen}"


def _parts(token: str) -> tuple[str, int]:
    stamp, _sep, seen = token.strip().partition("-")
    return stamp, int(seen) if seen.isdigit() else 0


def version_matches(obj: models.Model, expected: str | Collection[str]) -> bool:
    tokens = [expected] if isinstance(expected, str) else list(expected)
    current = _parts(version_of(obj))[0]
    return any(_parts(token)[0] == current for token in tokens)


def check_version(obj: models.Model, expected: str | Collection[str] | None) -> None:
    """Refuse the write if the record changed since the reader's version ``expected``.

    ``None`` means the caller gave no version (an API client without ``If-Match``): the
    write proceeds. The caller must hold the row lock, so no write slips in between.
    """
    if expected is None or version_matches(obj, expected):
        return
    tokens = [expected] if isinstance(expected, str) else list(expected)
    seen = max((_parts(token)[1] for token in tokens), default=0)
    raise ValidationError(describe_changes(obj, seen_event_id=seen), code=ErrorCode.STALE)


def is_stale(exc: ValidationError) -> bool:
    return any(error.code == ErrorCode.STALE for error in exc.error_list)


def _label(model: type[models.Model], attname: str) -> tuple[str, models.Field | None]:
    # Audit rows are keyed by attname (``grid_id``), as ``core.actions.snapshot`` writes them.
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return str(field.verbose_name), field
    return attname, None


def _display(field: models.Field | None, value: Any) -> str:
    if value in (None, ""):
        return _("(空)")
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field is not None and field.is_relation and field.related_model is not None:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else str(value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


def _change_lines(model: type[models.Model], event: AuditEvent) -> list[str]:
    before, after = event.before or {}, event.after or {}
    lines = []
    for key, new in after.items():
        if key.endswith(_SECRET_SUFFIXES):
            continue
        label, field = _label(model, key)
        old = before.get(key)
        lines.append(
            _("%(field)s:%(old)s → %(new)s")
            % {"field": label, "old": _display(field, old), "new": _display(field, new)}
        )
    return lines


def _who(event: AuditEvent) -> str:
    actor = event.actor
    if actor is None:
        return _("系统")
    return actor.get_full_name() or actor.get_username()


def describe_changes(obj: models.Model, *, seen_event_id: int = 0) -> str:
    """The conflict message: who changed which fields (old → new) and when, since the
    audit event ``seen_event_id``. Values come from the audit trail, which holds only
    masked ID and phone numbers."""
    events = list(_events(obj).filter(id__gt=seen_event_id).select_related("actor").order_by("-id"))
    head = _("保存失败:该记录在您打开之后已被他人修改,您的修改未保存。")
    if not events:
        when = timezone.localtime(obj.updated_at)  # type: ignore[attr-defined]
        return head + _("记录已于 %(when)s 更新。请核对下面的当前内容后重新修改。") % {
            "when": f"{when:%Y-%m-%d %H:%M}"
        }
    parts = []
    for event in reversed(events[:_MAX_EVENTS]):
        changes = "; ".join(_change_lines(type(obj), event)) or _("(无字段变化)")
        parts.append(
            _("%(who)s 于 %(when)s 修改了 %(changes)s")
            % {
                "who": _who(event),
                "when": f"{timezone.localtime(event.at):%Y-%m-%d %H:%M}",
                "changes": changes,
            }
        )
    if len(events) > _MAX_EVENTS:
        parts.insert(0, _("(另有 %(n)d 次较早的修改)") % {"n": len(events) - _MAX_EVENTS})
    return head + " ".join(parts) + _("。请核对下面的当前内容后重新修改。")


class VersionedForm(forms.Form):
    """An edit form of an existing record: carries the version token it was opened with.

    The view puts ``version_of(record)`` in ``initial["version"]`` and passes
    ``cleaned_data["version"]`` to the action as ``expected_version``; when the action says
    ``is_stale``, it shows a fresh form of the current record with ``show_conflict``.
    """

    # Checked in clean(): an error on a hidden field would show next to nothing.
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if not cleaned.get("version"):
            raise ValidationError(
                gettext_lazy("表单缺少版本信息,请重新打开此页后再修改"), code=ErrorCode.REQUIRED
            )
        return cleaned


def show_conflict(form: forms.Form, exc: ValidationError) -> None:
    """Put a refused save's conflict message on top of a fresh (unbound) form that holds
    the record's current values and version, so that the user redoes their edit on them."""
    form.cleaned_data = {}
    form.add_error(None, exc)
