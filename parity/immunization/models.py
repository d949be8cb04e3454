from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parity.accounts.permissions import scope_code
from parity.core.i18n import in_language
from parity.core.models import RestrictedQuerySet, area_code_index
from parity.immunization.choices import InjectionSite, Route, Series


def dose_label(vaccine: str, dose: int) -> str:
    """「乙肝疫苗 第1剂」, "Hepatitis B vaccine dose 1" in English."""
    return gettext("%(vaccine)s 第%(dose)s剂") % {"vaccine": vaccine, "dose": dose}


class Vaccine(models.Model):
    """A vaccine of the national programme. ``series`` groups the vaccines that share a
    dose count (IPV and bOPV; DTaP and DT) or that are alternatives (JE-L or JE-I, HepA-L
    or HepA-I; the ``preferred`` one, live, is offered to a child who started neither).
    ``live`` and ``injectable`` decide the 28-day spacing of injectable live vaccines."""

    code = models.CharField(_("代码"), max_length=16, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=80, blank=True, default="")
    series = models.CharField(_("程序系列"), max_length=16, choices=Series.choices)
    live = models.BooleanField(_("减毒活疫苗"), default=False)
    injectable = models.BooleanField(_("注射类"), default=True)
    preferred = models.BooleanField(_("替代程序中优先使用"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("疫苗")
        verbose_name_plural = _("疫苗")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(series__in=Series.values), name="%(app_label)s_%(class)s_series_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language (English when English is active)."""
        return in_language(self.name, self.name_en)


class ScheduleEdition(models.Model):
    """An edition of the national schedule, in force from ``effective_from`` until the next
    edition. What is due on a date is judged by the edition in force on that date.
    ``grace_months``: a dose without a "complete before" age is overdue this long after it
    became due; ``catch_up_until_months``: no catch-up from this age (18 years)."""

    code = models.CharField(_("代码"), max_length=16, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=160, blank=True, default="")
    effective_from = models.DateField(_("施行日期"), unique=True)
    grace_months = models.PositiveSmallIntegerField(_("逾期宽限(月)"), default=1)
    catch_up_until_months = models.PositiveSmallIntegerField(_("补种截止年龄(月)"), default=216)
    live_spacing_days = models.PositiveSmallIntegerField(_("减毒活疫苗间隔(天)"), default=28)

    class Meta:
        verbose_name = _("免疫程序版本")
        verbose_name_plural = _("免疫程序版本")
        ordering = ["effective_from"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return in_language(self.name, self.name_en)


class ScheduleDose(models.Model):
    """One dose of an edition: the earliest age, the age it should be complete before, the
    minimum interval after the previous dose of its series, and its place in the series'
    count (``position``: DT 1 is the fifth dose of the DTaP/DT series). ``give_before``:
    not given from this age on (BCG 4 years, MPSV-A 24 months); ``skin_test_from``: from
    this age only after a negative skin test (BCG 3 months). Ages are months plus days."""

    edition = models.ForeignKey(
        ScheduleEdition, verbose_name=_("程序版本"), on_delete=models.CASCADE, related_name="doses"
    )
    vaccine = models.ForeignKey(
        Vaccine, verbose_name=_("疫苗"), on_delete=models.PROTECT, related_name="schedule_doses"
    )
    dose = models.PositiveSmallIntegerField(_("剂次"))
    position = models.PositiveSmallIntegerField(_("系列中的序号"))
    min_age_months = models.PositiveSmallIntegerField(_("起始月龄"), default=0)
    min_age_days = models.PositiveSmallIntegerField(_("起始日龄(附加天数)"), default=0)
    complete_before_months = models.PositiveSmallIntegerField(
        _("最迟完成月龄"), null=True, blank=True
    )
    min_interval_months = models.PositiveSmallIntegerField(_("最短间隔(月)"), default=0)
    min_interval_days = models.PositiveSmallIntegerField(_("最短间隔(天)"), default=0)
    give_before_months = models.PositiveSmallIntegerField(
        _("不再接种的月龄"), null=True, blank=True
    )
    skin_test_from_months = models.PositiveSmallIntegerField(
        _("需皮试的起始月龄"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("程序剂次")
        verbose_name_plural = _("程序剂次")
        ordering = ["edition", "vaccine__sort_order", "dose"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "vaccine", "dose"], name="%(app_label)s_%(class)s_unique_dose"
            ),
            models.CheckConstraint(
                condition=Q(dose__gte=1), name="%(app_label)s_%(class)s_dose_positive"
            ),
            models.CheckConstraint(
                condition=Q(complete_before_months__isnull=True)
                | Q(complete_before_months__gte=F("min_age_months")),
                name="%(app_label)s_%(class)s_complete_after_start",
            ),
        ]

    def __str__(self) -> str:
        return dose_label(self.vaccine.display_name, self.dose)


class CampaignQuerySet(RestrictedQuerySet):
    def restrict(self, user, action: str = "view") -> CampaignQuerySet:
        """Campaigns in the user's subtree and those covering it from above: a grid worker
        sees the district's campaign (and, through ``CampaignTarget``, only their targets)."""
        code = scope_code(user, action)
        if code is None:
            return self.none()
        if code == "":
            return self
        above = [code[:n] for n in range(1, len(code))]
        return self.filter(Q(area_code__startswith=code) | Q(area_code__in=above))


class Campaign(models.Model):
    """A supplementary immunization campaign (强化免疫), e.g. a polio round: one vaccine,
    rounds with dates, a target group rule over the registry (the ``eligibility`` rule
    format, e.g. ``{"age_max_months": 47, "statuses": ["inflow"]}``) inside an area. Its
    target list (应种) is drawn per round; the vaccinations given in it (实种) are
    ``VaccinationRecord`` rows with the campaign and round set."""

    name = models.CharField(_("名称"), max_length=100)
    vaccine = models.ForeignKey(
        Vaccine, verbose_name=_("疫苗"), on_delete=models.PROTECT, related_name="campaigns"
    )
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("实施区域"), on_delete=models.PROTECT, related_name="+"
    )
    area_code = models.CharField(_("区划代码"), max_length=20)
    rule = models.JSONField(_("目标人群条件"), default=dict, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = CampaignQuerySet.as_manager()
    area_code_field = "area_code"

    class Meta:
        verbose_name = _("强化免疫活动")
        verbose_name_plural = _("强化免疫活动")
        ordering = ["-created_at", "-id"]
        indexes = [area_code_index("immunization_campaign_area")]
        constraints = [
            models.UniqueConstraint(
                fields=["area_code", "name"], name="%(app_label)s_%(class)s_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CampaignRound(models.Model):
    """A round of a campaign: its number and the dates it runs (inclusive)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("强化免疫活动"), on_delete=models.CASCADE, related_name="rounds"
    )
    number = models.PositiveSmallIntegerField(_("轮次"))
    start_on = models.DateField(_("开始日期"))
    end_on = models.DateField(_("结束日期"))

    objects = RestrictedQuerySet.as_manager()
    area_code_field = "campaign__area_code"

    class Meta:
        verbose_name = _("活动轮次")
        verbose_name_plural = _("活动轮次")
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "number"], name="%(app_label)s_%(class)s_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(end_on__gte=F("start_on")),
                name="%(app_label)s_%(class)s_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return _("第%(n)s轮") % {"n": self.number}


class CampaignTarget(models.Model):
    """A child on a round's target list (应种), drawn from the registry by the campaign's
    rule on the round's first day. ``area_code`` is where the child was managed then:
    coverage by area counts it there."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("强化免疫活动"), on_delete=models.CASCADE, related_name="targets"
    )
    round = models.ForeignKey(
        CampaignRound,
        verbose_name=_("轮次"),
        on_delete=models.CASCADE,
        related_name="targets",
        db_index=False,  # the index "immunization_campaigntarget_one_per_round" leads with it
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("儿童"),
        on_delete=models.CASCADE,
        related_name="campaign_targets",
    )
    area_code = models.CharField(_("区划代码"), max_length=20)

    objects = RestrictedQuerySet.as_manager()
    area_code_field = "area_code"

    class Meta:
        verbose_name = _("应种对象")
        verbose_name_plural = _("应种对象")
        ordering = ["area_code", "id"]
        indexes = [area_code_index("immunization_target_area")]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "person"], name="%(app_label)s_%(class)s_one_per_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} {self.round}: {self.person_id}"


class VaccinationRecordQuerySet(RestrictedQuerySet):
    def in_campaign(self) -> VaccinationRecordQuerySet:
        return self.filter(campaign__isnull=False)


class VaccinationRecord(models.Model):
    """A dose given to a child: vaccine, dose number, date, site. Each is also a service
    event of type "vaccination" (``event``) so that service figures count it.

    ``dose`` is null only for a campaign dose that fills no missing schedule dose (an extra
    dose of a polio campaign for a child who had them all): it counts for the campaign,
    not for the schedule."""

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("受种者"),
        on_delete=models.CASCADE,
        related_name="vaccinations",
        db_index=False,  # the index "immunization_record_person" leads with it
    )
    vaccine = models.ForeignKey(
        Vaccine, verbose_name=_("疫苗"), on_delete=models.PROTECT, related_name="records"
    )
    dose = models.PositiveSmallIntegerField(_("剂次"), null=True, blank=True)
    date = models.DateField(_("接种日期"))
    site = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("接种单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("强化免疫活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="vaccinations",
    )
    round = models.ForeignKey(
        CampaignRound,
        verbose_name=_("轮次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="vaccinations",
        db_index=False,  # the index "immunization_record_round" leads with it
    )
    # What 预防接种工作规范 asks a record to carry besides the dose (blank in records
    # entered from a vaccination card, 补录, where they are not known). A database default
    # too: the demo writer and bulk loads name their columns.
    batch_number = models.CharField(
        _("疫苗批号"), max_length=30, blank=True, default="", db_default=""
    )
    manufacturer = models.CharField(
        _("生产企业"), max_length=100, blank=True, default="", db_default=""
    )
    route = models.CharField(
        _("接种途径"), max_length=8, choices=Route.choices, blank=True, default="", db_default=""
    )
    injection_site = models.CharField(
        _("接种部位"),
        max_length=16,
        choices=InjectionSite.choices,
        blank=True,
        default="",
        db_default="",
    )
    vaccinator = models.CharField(
        _("接种人员"), max_length=50, blank=True, default="", db_default=""
    )
    event = models.OneToOneField(
        "services.ServiceEvent",
        verbose_name=_("服务记录"),
        # Deleting the person deletes both; the event alone cannot go while this exists.
        on_delete=models.RESTRICT,
        related_name="vaccination",
    )
    area_code = models.CharField(_("区划代码"), max_length=20)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = VaccinationRecordQuerySet.as_manager()
    area_code_field = "area_code"

    class Meta:
        verbose_name = _("接种记录")
        verbose_name_plural = _("接种记录")
        ordering = ["-date", "-id"]
        indexes = [
            area_code_index("immunization_record_area"),
            models.Index(fields=["person", "date"], name="immunization_record_person"),
            models.Index(fields=["round", "person"], name="immunization_record_round"),
            # The list's order (newest first): a page of a district's or the city's records
            # is read backwards from here, not sorted from 6 million rows (9 s at scale 1).
            models.Index(fields=["date", "id"], name="immunization_record_date"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "vaccine", "dose"],
                condition=Q(dose__isnull=False),
                name="%(app_label)s_%(class)s_one_per_dose",
            ),
            models.UniqueConstraint(
                fields=["person", "round"],
                condition=Q(round__isnull=False),
                name="%(app_label)s_%(class)s_one_per_round",
            ),
            models.CheckConstraint(
                condition=Q(route__in=["", *Route.values]),
                name="%(app_label)s_%(class)s_route_valid",
            ),
            models.CheckConstraint(
                condition=Q(injection_site__in=["", *InjectionSite.values]),
                name="%(app_label)s_%(class)s_injection_site_valid",
            ),
            models.CheckConstraint(
                condition=Q(dose__isnull=False) | Q(campaign__isnull=False),
                name="%(app_label)s_%(class)s_dose_or_campaign",
            ),
            models.CheckConstraint(
                condition=Q(round__isnull=True) | Q(campaign__isnull=False),
                name="%(app_label)s_%(class)s_round_has_campaign",
            ),
        ]

    def __str__(self) -> str:
        what = (
            dose_label(self.vaccine.display_name, self.dose)
            if self.dose
            else self.vaccine.display_name
        )
        return f"{self.date} {what}"


class DoseDueQuerySet(RestrictedQuerySet):
    def overdue(self, on) -> DoseDueQuerySet:
        return self.filter(overdue_on__lte=on)

    def due(self, on) -> DoseDueQuerySet:
        return self.filter(earliest_on__lte=on)


class DoseDue(models.Model):
    """A child's next dose of a series, materialized from the schedule engine so that work
    lists and key groups are plain SQL: when it becomes due (``due_on``), the earliest
    date it may be given (``earliest_on``, after live-vaccine spacing) and when it is
    overdue (``overdue_on``).

    Rebuilt for one child in the same transaction as each vaccination, and for everyone
    under 18 by ``parity refresh_immunization``, run nightly: age switches (BCG from 4
    years, MPSV-A → MPSV-AC at 24 months, live spacing windows) make a row valid as of its
    ``computed_on`` date."""

    # Derived rows, rebuilt in bulk from the registry in one transaction: no database
    # foreign keys, whose deferred checks would double the nightly refresh (the ORM still
    # cascades deletes of a person).
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("儿童"),
        on_delete=models.CASCADE,
        related_name="doses_due",
        db_index=False,  # indexed below, by name
        db_constraint=False,
    )
    vaccine = models.ForeignKey(
        Vaccine,
        verbose_name=_("疫苗"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    dose = models.PositiveSmallIntegerField(_("剂次"))
    due_on = models.DateField(_("应种日期"))
    earliest_on = models.DateField(_("最早可种日期"))
    overdue_on = models.DateField(_("逾期日期"), null=True, blank=True)
    skin_test = models.BooleanField(_("需先皮试"), default=False)
    computed_on = models.DateField(_("计算日期"))
    area_code = models.CharField(_("区划代码"), max_length=20)
    # The child's birth date, copied from ``Person`` (the refresh, one child's rebuild and
    # a corrected birth date write it: ``due.dose_due_follow_birth_date``): the overdue
    # list's age bands and age limits are then read from this table's index alone,
    # instead of joining every overdue dose of the city to its child.
    birth_date = models.DateField(_("出生日期"))

    objects = DoseDueQuerySet.as_manager()
    area_code_field = "area_code"

    class Meta:
        verbose_name = _("待种剂次")
        verbose_name_plural = _("待种剂次")
        ordering = ["due_on", "id"]
        indexes = [
            area_code_index("immunization_due_area"),
            models.Index(fields=["overdue_on"], name="immunization_due_overdue"),
            # A child's doses, earliest overdue first: the work list's "what is due" for
            # one child reads one index range instead of every overdue dose of the city
            # (which PostgreSQL chose with the single-column index, for ORDER BY … LIMIT 1).
            models.Index(fields=["person", "overdue_on"], name="immunization_due_person_od"),
            # The overdue list by age band (``selectors.children_overdue_rows``): a band's
            # overdue doses, with the columns its age limits test and its children's ids,
            # are one range of this index (an index-only scan on PostgreSQL; SQLite
            # ignores ``include``).
            models.Index(
                fields=["birth_date", "overdue_on"],
                include=["person", "vaccine", "dose"],
                name="immunization_due_birth_od",
            ),
        ]
        # No unique (person, vaccine, dose): the engine gives one row per series, and a
        # unique index checked against the rows deleted in the same transaction doubled
        # the nightly refresh.
        constraints = [
            models.CheckConstraint(
                condition=Q(dose__gte=1), name="%(app_label)s_%(class)s_dose_positive"
            ),
            models.CheckConstraint(
                condition=Q(earliest_on__gte=F("due_on")),
                name="%(app_label)s_%(class)s_earliest_not_before_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.vaccine_id} 第{self.dose}剂 {self.due_on}"
