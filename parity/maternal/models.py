"""Pregnancy episodes with their antenatal and postpartum visits, and child health checks.

Every visit and check is also a ``services.ServiceEvent`` (held one-to-one), so the
service indicators count them like any other delivery. Lists are restricted by where the
woman or child is managed now (``person__area_code``); ``area_code`` on each row keeps
where the record was made, for figures by area.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from parity.core.models import RestrictedQuerySet, TimeStamped, area_code_index
from parity.maternal import schedule
from parity.maternal.choices import (
    AntenatalPoint,
    BirthOutcome,
    ChildCheckPoint,
    DeliveryPlace,
    EndReason,
    PostpartumKind,
    PregnancyStatus,
)


class PregnancyQuerySet(RestrictedQuerySet):
    def open_on(self, on: dt.date) -> PregnancyQuerySet:
        """Registered on or before the date, not delivered or ended on or before it."""
        return self.filter(
            Q(registered_on__lte=on),
            Q(delivered_on__isnull=True) | Q(delivered_on__gt=on),
            Q(ended_on__isnull=True) | Q(ended_on__gt=on),
        )


class Pregnancy(TimeStamped):
    """One pregnancy episode of a woman, from registration (建册) to delivery or end.

    The expected delivery date and the gestational week on any date follow from the last
    menstrual period (``schedule.py``). A woman has at most one open pregnancy.
    """

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("孕产妇"),
        on_delete=models.CASCADE,
        related_name="pregnancies",
    )
    registered_on = models.DateField(_("建册日期"))
    lmp = models.DateField(_("末次月经"))
    status = models.CharField(
        _("状态"), max_length=16, choices=PregnancyStatus.choices, default=PregnancyStatus.OPEN
    )
    delivered_on = models.DateField(_("分娩日期"), null=True, blank=True)
    discharged_on = models.DateField(_("出院日期"), null=True, blank=True)
    place = models.CharField(
        _("分娩地点"), max_length=16, choices=DeliveryPlace.choices, blank=True
    )
    hospital = models.CharField(_("助产机构"), max_length=100, blank=True)
    outcome = models.CharField(
        _("妊娠结局"), max_length=16, choices=BirthOutcome.choices, blank=True
    )
    child = models.ForeignKey(
        "people.Person",
        verbose_name=_("新生儿"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="birth_records",
    )
    ended_on = models.DateField(_("终止日期"), null=True, blank=True)
    end_reason = models.CharField(
        _("终止原因"), max_length=16, choices=EndReason.choices, blank=True
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    area_code = models.CharField(_("区划代码"), max_length=20)

    objects = PregnancyQuerySet.as_manager()
    area_code_field = "person__area_code"

    class Meta:
        verbose_name = _("孕产期")
        verbose_name_plural = _("孕产期")
        ordering = ["-lmp", "-id"]
        indexes = [
            area_code_index("maternal_pregnancy_area"),
            models.Index(fields=["status", "lmp"], name="maternal_pregnancy_status_lmp"),
            # The lists' order (newest first): a page is read from the index's end.
            models.Index(fields=["lmp", "id"], name="maternal_pregnancy_lmp_id"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status=PregnancyStatus.OPEN),
                name="%(app_label)s_%(class)s_one_open_per_person",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in PregnancyStatus]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(registered_on__gte=F("lmp")),
                name="%(app_label)s_%(class)s_registered_after_lmp",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=PregnancyStatus.OPEN, delivered_on__isnull=True, ended_on__isnull=True)
                    | Q(
                        status=PregnancyStatus.DELIVERED,
                        delivered_on__isnull=False,
                        ended_on__isnull=True,
                    )
                    | Q(
                        status=PregnancyStatus.ENDED,
                        delivered_on__isnull=True,
                        ended_on__isnull=False,
                    )
                ),
                name="%(app_label)s_%(class)s_status_dates",
            ),
            models.CheckConstraint(
                condition=Q(discharged_on__isnull=True) | Q(discharged_on__gte=F("delivered_on")),
                name="%(app_label)s_%(class)s_discharge_after_delivery",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} LMP {self.lmp}"

    @property
    def expected_delivery_on(self) -> dt.date:
        return schedule.expected_delivery(self.lmp)

    def gestational_age_on(self, on: dt.date) -> tuple[int, int]:
        return schedule.gestational_age(self.lmp, on)

    def is_open_on(self, on: dt.date) -> bool:
        return schedule.is_open_on(self, on)


class AntenatalVisit(models.Model):
    """One antenatal visit. ``point`` is the scheduled visit it fulfils (blank for an extra
    visit), worked out when it is recorded; ``late`` when it fulfils a closed window."""

    pregnancy = models.ForeignKey(
        Pregnancy,
        verbose_name=_("孕产期"),
        on_delete=models.CASCADE,
        related_name="visits",
        db_index=False,  # the index "maternal_visit_point" leads with it
    )
    date = models.DateField(_("检查日期"))
    gestational_week = models.PositiveSmallIntegerField(_("孕周"))
    point = models.CharField(
        _("对应产检"), max_length=16, choices=AntenatalPoint.choices, blank=True
    )
    late = models.BooleanField(_("补做"), default=False)
    event = models.OneToOneField(
        "services.ServiceEvent",
        verbose_name=_("服务记录"),
        on_delete=models.PROTECT,
        related_name="antenatal_visit",
    )
    area_code = models.CharField(_("区划代码"), max_length=20)

    objects = RestrictedQuerySet.as_manager()
    area_code_field = "pregnancy__person__area_code"

    class Meta:
        verbose_name = _("产前检查")
        verbose_name_plural = _("产前检查")
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pregnancy", "point"],
                condition=~Q(point=""),
                name="%(app_label)s_%(class)s_one_per_point",
            ),
        ]
        indexes = [models.Index(fields=["pregnancy", "point", "date"], name="maternal_visit_point")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_point_display() or _('加做')}"


class PostpartumVisit(models.Model):
    """A postpartum home visit or the 42-day check; ``late`` when after its window,
    ``completed`` unless the service event's outcome says it did not happen."""

    pregnancy = models.ForeignKey(
        Pregnancy,
        verbose_name=_("孕产期"),
        on_delete=models.CASCADE,
        related_name="postpartum_visits",
        db_index=False,  # the index "maternal_postpartum_kind" leads with it
    )
    kind = models.CharField(_("类别"), max_length=16, choices=PostpartumKind.choices)
    date = models.DateField(_("日期"))
    # A visit that found nobody or was refused is recorded but does not count.
    completed = models.BooleanField(_("已完成"), default=True)
    late = models.BooleanField(_("超出时限"), default=False)
    event = models.OneToOneField(
        "services.ServiceEvent",
        verbose_name=_("服务记录"),
        on_delete=models.PROTECT,
        related_name="postpartum_visit",
    )
    area_code = models.CharField(_("区划代码"), max_length=20)

    objects = RestrictedQuerySet.as_manager()
    area_code_field = "pregnancy__person__area_code"

    class Meta:
        verbose_name = _("产后访视")
        verbose_name_plural = _("产后访视")
        ordering = ["date", "id"]
        indexes = [
            models.Index(
                fields=["pregnancy", "kind", "completed", "date"], name="maternal_postpartum_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class ChildHealthCheck(models.Model):
    """A child health check 0–6; ``point`` is the scheduled check it fulfils (blank for an
    extra one), ``late`` when it fulfils a window already closed."""

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("儿童"),
        on_delete=models.CASCADE,
        related_name="child_checks",
        db_index=False,  # the index "maternal_childcheck_point" leads with it
    )
    date = models.DateField(_("检查日期"))
    point = models.CharField(
        _("对应检查"), max_length=16, choices=ChildCheckPoint.choices, blank=True
    )
    late = models.BooleanField(_("补做"), default=False)
    event = models.OneToOneField(
        "services.ServiceEvent",
        verbose_name=_("服务记录"),
        on_delete=models.PROTECT,
        related_name="child_check",
    )
    area_code = models.CharField(_("区划代码"), max_length=20)

    objects = RestrictedQuerySet.as_manager()
    area_code_field = "person__area_code"

    class Meta:
        verbose_name = _("儿童健康检查")
        verbose_name_plural = _("儿童健康检查")
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "point"],
                condition=~Q(point=""),
                name="%(app_label)s_%(class)s_one_per_point",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "point", "date"], name="maternal_childcheck_point"),
            area_code_index("maternal_childcheck_area"),
            # The lists' order (newest first): a page is read from the index's end.
            models.Index(fields=["date", "id"], name="maternal_childcheck_date_id"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} {self.date} {self.get_point_display() or _('加做')}"


class ChildCheckDue(models.Model):
    """A scheduled child health check that is, was or will be overdue for a child, with the
    days it is overdue (``overdue_on`` to ``overdue_until``, inclusive): materialized from
    ``schedule.child_windows`` and the child's checks so that the overdue list and key group
    are one indexed join instead of fourteen window tests per child of the city (``due.py``).

    Which days these are follows only from the birth date, the discharge date (the newborn
    visit) and the check that fulfilled the point (a late check ends the days the day
    before it), so a row holds for every date until one of those changes: rebuilt for one
    child whenever they do (signals in ``apps.py``) and for every child by the nightly
    ``parity refresh_indicators``. Whether the child lived here when the window closed
    (``arrived_city_on`` before ``overdue_on``) and is still in the programme is read from
    the person at query time."""

    # Derived rows, rebuilt in bulk: no database foreign key (as ``DoseDue``).
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("儿童"),
        on_delete=models.CASCADE,
        related_name="check_dues",
        db_index=False,  # indexed below, by name
        db_constraint=False,
    )
    point = models.CharField(_("对应检查"), max_length=16, choices=ChildCheckPoint.choices)
    overdue_on = models.DateField(_("逾期起始日"))
    overdue_until = models.DateField(_("逾期截止日"))
    computed_on = models.DateField(_("计算日期"))

    objects = RestrictedQuerySet.as_manager()
    area_code_field = "person__area_code"

    class Meta:
        verbose_name = _("儿童健康检查应做")
        verbose_name_plural = _("儿童健康检查应做")
        indexes = [
            models.Index(fields=["person", "overdue_on"], name="maternal_checkdue_person"),
            models.Index(fields=["overdue_on", "person"], name="maternal_checkdue_overdue"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.point} {self.overdue_on}–{self.overdue_until}"


class PregnancyVisitDue(models.Model):
    """A scheduled antenatal or postpartum visit of a pregnancy that is, was or will be
    overdue, with the days it is listed (``listed_from`` to ``overdue_until``, inclusive)
    and the day it became overdue (``overdue_on``, the day after its window): materialized
    from ``schedule.ANTENATAL``, ``schedule.POSTPARTUM`` and the pregnancy's visits so that
    the overdue list and key group are indexed reads instead of seven window tests per
    pregnancy (``due.py``).

    An antenatal visit is listed from the later of ``overdue_on`` and the registration
    while the pregnancy is open (to the day before the delivery or end), a postpartum visit
    from ``overdue_on`` to the end of postpartum care; either until the day before the
    visit that fulfilled it (a completed one, for postpartum). A row holds for every date
    until the pregnancy or its visits change: rebuilt for one pregnancy whenever they do
    (signals in ``apps.py``) and for every pregnancy by the nightly
    ``parity refresh_indicators``."""

    # Derived rows, rebuilt in bulk: no database foreign key (as ``ChildCheckDue``).
    pregnancy = models.ForeignKey(
        Pregnancy,
        verbose_name=_("孕产期"),
        on_delete=models.CASCADE,
        related_name="visit_dues",
        db_index=False,  # indexed below, by name
        db_constraint=False,
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("孕产妇"),
        on_delete=models.CASCADE,
        related_name="pregnancy_visit_dues",
        db_index=False,  # indexed below, by name
        db_constraint=False,
    )
    point = models.CharField(
        _("对应检查"), max_length=16, choices=AntenatalPoint.choices + PostpartumKind.choices
    )
    overdue_on = models.DateField(_("逾期起始日"))
    listed_from = models.DateField(_("列入起始日"))
    overdue_until = models.DateField(_("逾期截止日"))
    computed_on = models.DateField(_("计算日期"))

    objects = RestrictedQuerySet.as_manager()
    area_code_field = "person__area_code"

    class Meta:
        verbose_name = _("孕产期检查应做")
        verbose_name_plural = _("孕产期检查应做")
        indexes = [
            models.Index(
                fields=["person", "overdue_on", "listed_from"], name="maternal_visitdue_person"
            ),
            models.Index(
                fields=["pregnancy", "overdue_on", "listed_from"],
                name="maternal_visitdue_pregnancy",
            ),
            models.Index(fields=["overdue_until", "listed_from"], name="maternal_visitdue_until"),
        ]

    def __str__(self) -> str:
        return f"{self.pregnancy_id} {self.point} {self.listed_from}–{self.overdue_until}"
