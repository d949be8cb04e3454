from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parity.accounts.permissions import scope_code
from parity.dedup.choices import MergeState, PairStatus


def _both_in_scope(queryset, user, action: str, *fields: str):
    """Rows whose every area code in ``fields`` lies in the user's scope (two people)."""

    code = scope_code(user, action)
    if code is None:
        return queryset.none()
    if code == "":
        return queryset
    return queryset.filter(**{f"{field}__startswith": code for field in fields})


class PairQuerySet(models.QuerySet["DuplicatePair"]):
    def restrict(self, user, action: str = "view") -> PairQuerySet:
        """Pairs both of whose people lie in the user's scope: a reviewer sees, side by
        side, only people they may see anyway; a pair across two areas goes to the level
        above both."""
        return _both_in_scope(self, user, action, "area_low", "area_high")

    def open(self) -> PairQuerySet:
        return self.filter(status=PairStatus.OPEN)

    def involving(self, person_id: int) -> PairQuerySet:
        return self.filter(Q(low_id=person_id) | Q(high_id=person_id))


class DuplicatePair(models.Model):
    """Two people who may be one (a candidate pair), with its score, the reasons, and the
    review's decision. ``low_id`` < ``high_id`` are the people's keys, deliberately not
    foreign keys: a merged pair outlives the person merged away. ``area_low`` and
    ``area_high`` are the people's areas, for the permission gate."""

    low_id = models.BigIntegerField(_("人员甲"))
    high_id = models.BigIntegerField(_("人员乙"))
    area_low = models.CharField(_("人员甲区划代码"), max_length=20)
    area_high = models.CharField(_("人员乙区划代码"), max_length=20)
    score = models.FloatField(_("相似度"))
    reasons = models.JSONField(_("依据"), default=list)
    status = models.CharField(
        _("状态"), max_length=16, choices=PairStatus.choices, default=PairStatus.OPEN
    )
    found_at = models.DateTimeField(_("发现时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = PairQuerySet.as_manager()

    class Meta:
        verbose_name = _("疑似重复人员")
        verbose_name_plural = _("疑似重复人员")
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["low_id", "high_id"], name="%(app_label)s_%(class)s_unique_pair"
            ),
            models.CheckConstraint(
                condition=Q(low_id__lt=models.F("high_id")),
                name="%(app_label)s_%(class)s_ordered",
            ),
            models.CheckConstraint(
                condition=Q(status__in=PairStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "area_low"],
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
                name="dedup_pair_status_area",
            ),
            models.Index(fields=["high_id"], name="dedup_pair_high"),
        ]

    def __str__(self) -> str:
        return f"{self.low_id}~{self.high_id} ({self.get_status_display()})"

    def other(self, person_id: int) -> int:
        return self.high_id if person_id == self.low_id else self.low_id


class MergeQuerySet(models.QuerySet["Merge"]):
    def restrict(self, user, action: str = "view") -> MergeQuerySet:
        return _both_in_scope(self, user, action, "area_code", "merged_area_code")

    def active(self) -> MergeQuerySet:
        return self.filter(state=MergeState.MERGED)


class Merge(models.Model):
    """One person merged into another, and the tombstone of the one merged away.

    ``merged_id`` (the person deleted) resolves to ``survivor_id``, so that old links,
    exports and partner regions' messages still find the person. ``undo`` holds all an
    unmerge needs to restore both exactly: the survivor's fields before, the merged-away
    person's row (ID and phone stay sealed), the keys of the rows moved, and the rows the
    conflict rules changed or removed."""

    pair = models.ForeignKey(
        DuplicatePair, verbose_name=_("疑似重复"), on_delete=models.PROTECT, related_name="merges"
    )
    survivor_id = models.BigIntegerField(_("保留人员"))
    merged_id = models.BigIntegerField(_("被合并人员"))
    # The blind index of the merged-away person's ID number: registering it again warns.
    merged_id_hash = models.CharField(_("被合并人员身份证号码索引"), max_length=64)
    merged_name = models.CharField(_("被合并人员姓名"), max_length=50)
    merged_id_masked = models.CharField(_("被合并人员身份证号码"), max_length=18)
    area_code = models.CharField(_("保留人员区划代码"), max_length=20)
    merged_area_code = models.CharField(_("被合并人员区划代码"), max_length=20)
    undo = models.JSONField(_("撤销所需数据"))
    state = models.CharField(
        _("状态"), max_length=16, choices=MergeState.choices, default=MergeState.MERGED
    )
    merged_at = models.DateTimeField(_("合并时间"), auto_now_add=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("合并人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unmerged_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    unmerged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤销人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = MergeQuerySet.as_manager()

    class Meta:
        verbose_name = _("人员合并")
        verbose_name_plural = _("人员合并")
        ordering = ["-merged_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["merged_id"],
                condition=Q(state=MergeState.MERGED),
                name="%(app_label)s_%(class)s_one_tombstone",
            ),
            models.CheckConstraint(
                condition=Q(state__in=MergeState.values),
                name="%(app_label)s_%(class)s_state_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["survivor_id"], name="dedup_merge_survivor"),
            models.Index(fields=["merged_id_hash"], name="dedup_merge_id_hash"),
        ]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id}"
